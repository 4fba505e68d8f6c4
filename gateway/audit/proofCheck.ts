import type { Checkpoint } from './types';

/*
 * What a signature or a leaf covers, and the check of an access's proof: one module for the gateway, the
 * command line and the citizen's browser, so that all three check the same bytes. WebCrypto only (SHA-256,
 * Ed25519), which Node 20 and the browser both have.
 */

const CHECKPOINT_FORMAT = 'dsp-audit-checkpoint/v1';
/** A checkpoint that also signs the Merkle tree head of its instance's records. */
const TREE_CHECKPOINT_FORMAT = 'dsp-audit-checkpoint/v2';
const COSIGNATURE_FORMAT = 'dsp-audit-cosignature/v1';
const LEAF_FORMAT = 'dsp-audit-leaf/v1';
const CITIZEN_FORMAT = 'dsp-audit-citizen/v1';

/** Given a checkpoint, returns the text its gateway signature covers (with its tree head when it has one). */
export function checkpointSignedText(checkpoint: Omit<Checkpoint, 'signature' | 'keyId'>): string {
  const { instance, seq, headHash, at, reason, treeSize, treeRoot } = checkpoint;
  if (treeSize === undefined) return [CHECKPOINT_FORMAT, instance, seq, headHash, at, reason].join('\n');
  return [TREE_CHECKPOINT_FORMAT, instance, seq, headHash, treeSize, treeRoot, at, reason].join('\n');
}

/** A witness's countersignature of a checkpoint: which key made it, and when it saw the checkpoint. */
export interface Cosignature {
  witnessKeyId: string;
  /** ISO timestamp in UTC: when the witness accepted the checkpoint. */
  at: string;
  /** Ed25519 signature, base64, over the format, the witness key id, the time and the whole signed checkpoint. */
  signature: string;
}

/** Given a signed checkpoint, a witness's key id and when it saw it, returns the text its countersignature covers. */
export function cosignedText(checkpoint: Checkpoint, witnessKeyId: string, at: string): string {
  const { instance, seq, headHash, reason, keyId, signature } = checkpoint;
  // The gateway's signature is inside: what it signed (the tree head among it) is countersigned with it.
  return JSON.stringify([COSIGNATURE_FORMAT, witnessKeyId, at, instance, seq, headHash, checkpoint.at, reason, keyId, signature]);
}

/** What a record's leaf of the Merkle tree states: what the citizen is shown, and commitments to the rest. */
export interface AccessLeaf {
  instance: string;
  seq: number;
  at: string;
  agencyCode: string;
  agencyName: string;
  purpose: string | null;
  dossierId: string | null;
  /** The fields the request was allowed to read, Type.field, in the record's order. */
  fieldsRead: string[];
  /** MTH of the record's citizens' leaves (citizenLeafText), hex. */
  citizensRoot: string;
  /** SHA-256 of the record's hash, hex: every column, the chain's link included, without showing any. */
  sealed: string;
}

/** Given a record's leaf, returns its data, whose leaf hash is in the tree. */
export function accessLeafText(leaf: AccessLeaf): string {
  const { instance, seq, at, agencyCode, agencyName, purpose, dossierId, fieldsRead, citizensRoot, sealed } = leaf;
  return JSON.stringify([LEAF_FORMAT, instance, seq, at, agencyCode, agencyName, purpose, dossierId, fieldsRead, citizensRoot, sealed]);
}

/** Given a national ID a record names and its blind (unguessable without the record), returns its leaf's data. */
export function citizenLeafText(nationalId: string, blind: string): string {
  return JSON.stringify([CITIZEN_FORMAT, nationalId, blind]);
}

/** An access's proof: that its record names the citizen, that the record is a leaf of the tree, and the signed head. */
export interface AccessProof {
  fieldsRead: string[];
  sealed: string;
  /** The citizen's leaf among the record's citizens: its blind, its place, and its path to citizensRoot. */
  citizen: { blind: string; index: number; count: number; path: string[] };
  /** seq - 1. */
  leafIndex: number;
  treeSize: number;
  /** The inclusion path (RFC 9162 §2.1.3.1), hex, from the leaf up. */
  path: string[];
  /** The checkpoint whose tree head (treeSize, treeRoot) the path leads to, signed by the gateway. */
  checkpoint: Checkpoint;
  /** The witnesses' countersignatures of that checkpoint. */
  cosignatures: Cosignature[];
}

/** The keys a proof is checked with: the pinned gateway keys and witness keys, base64 of their SPKI DER form. */
export interface ProofTrust {
  gatewayKeys: string[];
  witnessKeys: string[];
}

/** What the page shows of an access, which the leaf must state. */
export interface ShownAccess {
  reference: string;
  at: string;
  agencyCode: string;
  agencyName: string;
  purpose: string | null;
  dossierId: string | null;
}

export type ProofFailure =
  /** The proof is not one (a field missing or of the wrong kind). */
  | 'MALFORMED'
  /** The citizen's path among the record's citizens cannot be one (of another length than their count gives). */
  | 'NOT_NAMED'
  /** The record, as shown to this citizen, is not a leaf the signed tree holds: it was changed, it does not name them, or a path is wrong. */
  | 'NOT_INCLUDED'
  /** The checkpoint names a key that is not pinned. */
  | 'UNTRUSTED_KEY'
  /** The gateway's signature of the checkpoint does not verify: the tree head was altered. */
  | 'BAD_SIGNATURE'
  /** No pinned witness countersigned the checkpoint. */
  | 'NOT_COUNTERSIGNED';

export type ProofOutcome =
  { verified: true; treeSize: number; checkpointAt: string; witnesses: number } | { verified: false; failure: ProofFailure; message: string };

const encoder = new TextEncoder();

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(new ArrayBuffer(parts.reduce((length, part) => length + part.length, 0)));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', joined));
}

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function bytesOfHex(hex: string): Uint8Array | null {
  if (!/^([0-9a-f]{2})*$/.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function bytesOfBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes.buffer;
}

/** Given a leaf's data, returns its leaf hash, SHA-256(0x00 || data). */
export async function leafHashOf(data: string): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0x00), encoder.encode(data));
}

/**
 * Given a leaf's index, the tree's size, the leaf hash and an inclusion path (hex), returns the root the path
 * leads to, or null when the path cannot be one for that leaf and size: RFC 9162 §2.1.3.2.
 */
export async function rootFromInclusion(leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly string[]): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const hex of path) {
    const p = bytesOfHex(hex);
    if (p === null || p.length !== 32) return null;
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(0x01), p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(Uint8Array.of(0x01), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * Given two tree sizes, their roots and a consistency proof (hex), tells whether the newer tree extends the older
 * one, every leaf of it in place: RFC 9162 §2.1.4.2.
 */
export async function treeExtends(oldSize: number, newSize: number, oldRoot: string, newRoot: string, proof: readonly string[]): Promise<boolean> {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot === newRoot;
  if (oldSize === 0) return proof.length === 0;
  const hashes = [oldRoot, ...proof].map(bytesOfHex);
  if (hashes.some((hash) => hash === null || hash.length !== 32)) return false;
  // A power of two: the old root is the first node of the path, which the proof leaves out.
  const path = ((oldSize & (oldSize - 1)) === 0 ? hashes : hashes.slice(1)) as Uint8Array[];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await sha256(Uint8Array.of(0x01), c, fr);
      sr = await sha256(Uint8Array.of(0x01), c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await sha256(Uint8Array.of(0x01), sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hexOf(fr) === oldRoot && hexOf(sr) === newRoot;
}

/** Given a public key's text form, returns its key id: the first 16 hex digits of the SHA-256 of its SPKI DER form. */
export async function keyIdOfText(publicKey: string): Promise<string> {
  return hexOf(await sha256(new Uint8Array(bytesOfBase64(publicKey)))).slice(0, 16);
}

async function ed25519Valid(publicKey: string, signature: string, text: string): Promise<boolean> {
  try {
    const key = await globalThis.crypto.subtle.importKey('spki', bytesOfBase64(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, bytesOfBase64(signature), encoder.encode(text));
  } catch {
    return false;
  }
}

/** Given keys' text forms and a key id, returns the key with that id, or null. */
async function keyWithId(keys: readonly string[], keyId: string): Promise<string | null> {
  for (const key of keys) if ((await keyIdOfText(key)) === keyId) return key;
  return null;
}

const failed = (failure: ProofFailure, message: string): ProofOutcome => ({ verified: false, failure, message });

/**
 * Given a leaf hash, its index, a tree size and path, the checkpoint with its countersignatures and the pinned
 * keys, tells whether the leaf is in the tree head the gateway signed (with a pinned key) and, when witnesses are
 * pinned, a pinned witness countersigned.
 */
export async function verifyLeafInHead(
  leaf: Uint8Array,
  proof: Pick<AccessProof, 'leafIndex' | 'treeSize' | 'path' | 'checkpoint' | 'cosignatures'>,
  trust: ProofTrust,
): Promise<ProofOutcome> {
  const { checkpoint } = proof;
  if (checkpoint.treeSize !== proof.treeSize || typeof checkpoint.treeRoot !== 'string')
    return failed('MALFORMED', 'the checkpoint does not sign the tree head the path leads to');
  const root = await rootFromInclusion(proof.leafIndex, proof.treeSize, leaf, proof.path);
  if (root === null || hexOf(root) !== checkpoint.treeRoot)
    return failed(
      'NOT_INCLUDED',
      `the record is not leaf ${proof.leafIndex} of the tree of ${proof.treeSize} records the checkpoint of ${checkpoint.at} signed: it was changed`,
    );
  const gatewayKey = await keyWithId(trust.gatewayKeys, checkpoint.keyId);
  if (gatewayKey === null) return failed('UNTRUSTED_KEY', `the checkpoint names key ${checkpoint.keyId}, which is not a pinned gateway key`);
  if (!(await ed25519Valid(gatewayKey, checkpoint.signature, checkpointSignedText(checkpoint))))
    return failed('BAD_SIGNATURE', `the signature of the checkpoint of ${checkpoint.at} does not verify: its tree head was altered`);
  let witnesses = 0;
  for (const cosignature of proof.cosignatures) {
    const witnessKey = await keyWithId(trust.witnessKeys, cosignature.witnessKeyId);
    if (witnessKey !== null && (await ed25519Valid(witnessKey, cosignature.signature, cosignedText(checkpoint, cosignature.witnessKeyId, cosignature.at))))
      witnesses += 1;
  }
  if (trust.witnessKeys.length > 0 && witnesses === 0) return failed('NOT_COUNTERSIGNED', 'no pinned witness countersigned the checkpoint');
  return { verified: true, treeSize: proof.treeSize, checkpointAt: checkpoint.at, witnesses };
}

/** Given a value from the network, tells whether it has the shape of an access's proof. */
function wellFormed(proof: AccessProof): boolean {
  const stringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
  return (
    typeof proof === 'object' &&
    proof !== null &&
    stringList(proof.fieldsRead) &&
    typeof proof.sealed === 'string' &&
    typeof proof.citizen?.blind === 'string' &&
    Number.isSafeInteger(proof.citizen.index) &&
    Number.isSafeInteger(proof.citizen.count) &&
    stringList(proof.citizen.path) &&
    stringList(proof.path) &&
    typeof proof.checkpoint === 'object' &&
    proof.checkpoint !== null &&
    Array.isArray(proof.cosignatures)
  );
}

/**
 * Given an access as shown, the national ID of the citizen it is shown to, its proof and the pinned keys, tells
 * whether the signed, countersigned tree holds exactly this access and that its record names this citizen.
 */
export async function verifyAccessProof(access: ShownAccess, nationalId: string, proof: AccessProof, trust: ProofTrust): Promise<ProofOutcome> {
  const reference = /^([A-Za-z0-9._-]{1,64}):([1-9][0-9]{0,15})$/.exec(access.reference);
  if (!reference || !wellFormed(proof)) return failed('MALFORMED', 'the proof is not one');
  const [instance, seq] = [reference[1]!, Number(reference[2])];
  if (proof.leafIndex !== seq - 1 || proof.checkpoint.instance !== instance)
    return failed('MALFORMED', `the proof is of another record than ${access.reference}`);
  const citizenLeaf = await leafHashOf(citizenLeafText(nationalId, proof.citizen.blind));
  const citizensRoot = await rootFromInclusion(proof.citizen.index, proof.citizen.count, citizenLeaf, proof.citizen.path);
  if (citizensRoot === null) return failed('NOT_NAMED', `the proof's path among the citizens of record ${access.reference} cannot be one`);
  const leaf: AccessLeaf = {
    instance,
    seq,
    at: access.at,
    agencyCode: access.agencyCode,
    agencyName: access.agencyName,
    purpose: access.purpose,
    dossierId: access.dossierId,
    fieldsRead: proof.fieldsRead,
    citizensRoot: hexOf(citizensRoot),
    sealed: proof.sealed,
  };
  return verifyLeafInHead(await leafHashOf(accessLeafText(leaf)), proof, trust);
}
