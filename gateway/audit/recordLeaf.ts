import type { AuditRecordRow } from '../../db/gatewayRows';
import { recordHash, sha256Hex } from './hashChain';
import { inclusionPath, leafHash, treeHash } from './merkle';
import type { AccessLeaf, ShownAccess } from './proofCheck';
import { accessLeafText, citizenLeafText } from './proofCheck';
import type { AuditedField } from './types';

const SEALED_FORMAT = 'dsp-audit-sealed/v1';
const BLIND_FORMAT = 'dsp-audit-blind/v1';

/*
 * A record's leaf in its instance's Merkle tree. It states what the citizens the record names are shown (when,
 * which agency, why, for which dossier, which fields) and commits to the rest without showing it: to the record's
 * hash (every column, the chain's link included) through "sealed", and to its citizens through the root of a small
 * tree of their leaves. Each citizen's leaf holds a blind drawn from the record's hash, which only the gateway
 * knows: a citizen's proof holds the hashes of the other citizens' leaves, from which no national ID can be guessed.
 */

/** Given a record, returns the hash of its content, recomputed: a changed column changes it. */
function contentHash(record: AuditRecordRow): string {
  return recordHash(record);
}

/** Given a record's hash and a national ID it names, returns that citizen's blind. */
export function citizenBlind(hash: string, nationalId: string): string {
  return sha256Hex(JSON.stringify([BLIND_FORMAT, hash, nationalId]));
}

/** Given a record, returns its citizens' leaf hashes in the tree's order (sorted by hash, which tells nothing of the IDs) with their IDs. */
function citizenLeaves(record: AuditRecordRow, hash: string): Array<{ nationalId: string; leaf: Buffer }> {
  return (JSON.parse(record.citizen_ids_json) as string[])
    .map((nationalId) => ({ nationalId, leaf: leafHash(citizenLeafText(nationalId, citizenBlind(hash, nationalId))) }))
    .sort((a, b) => Buffer.compare(a.leaf, b.leaf));
}

/** Fields lists whose fields read are kept, by their JSON: records repeat the lists of a few decisions over and over. */
const FIELD_LISTS = 256;
const fieldsReadByList = new Map<string, readonly string[]>();

/** Given a record, returns the fields its request was allowed to read, in the record's order (parsed once per list while it is among the last ones seen). */
function fieldsRead(record: AuditRecordRow): string[] {
  let read = fieldsReadByList.get(record.fields_json);
  if (read === undefined) {
    if (fieldsReadByList.size >= FIELD_LISTS) fieldsReadByList.clear();
    read = (JSON.parse(record.fields_json) as AuditedField[]).filter((field) => field.effect !== 'DENY').map((field) => field.coordinate);
    fieldsReadByList.set(record.fields_json, read);
  }
  return [...read];
}

/** Given a record, returns what its citizens are shown of it, as their page shows it. */
export function shownAccessOf(record: AuditRecordRow): ShownAccess {
  return {
    reference: `${record.instance}:${record.seq}`,
    at: record.recorded_at,
    agencyCode: record.agency_code ?? '',
    agencyName: record.agency_name ?? record.agency_code ?? '',
    purpose: record.purpose,
    dossierId: record.dossier_id,
  };
}

/** Given a record and the root of its citizens' tree, returns its leaf as the tree states it. */
function leafOf(record: AuditRecordRow, hash: string, citizensRoot: Buffer): AccessLeaf {
  const { reference: _reference, ...shown } = shownAccessOf(record);
  return {
    instance: record.instance,
    seq: record.seq,
    ...shown,
    fieldsRead: fieldsRead(record),
    citizensRoot: citizensRoot.toString('hex'),
    sealed: sha256Hex(JSON.stringify([SEALED_FORMAT, hash])),
  };
}

/** Given a record (and its content's hash, when just computed), returns its leaf hash in its instance's tree, from its columns as they are now. */
export function recordLeafHash(record: AuditRecordRow, hash: string = contentHash(record)): Buffer {
  const citizens = citizenLeaves(record, hash).map((citizen) => citizen.leaf);
  return leafHash(accessLeafText(leafOf(record, hash, treeHash(citizens))));
}

/** What a citizen receives of a record's leaf: the fields it states beyond what the page shows, and their own place among its citizens. */
export interface CitizenLeafProof {
  fieldsRead: string[];
  sealed: string;
  citizen: { blind: string; index: number; count: number; path: string[] };
}

/** Given a record and a national ID, returns that citizen's part of the record's proof, or null when the record does not name them. */
export function citizenLeafProof(record: AuditRecordRow, nationalId: string): CitizenLeafProof | null {
  const hash = contentHash(record);
  const citizens = citizenLeaves(record, hash);
  const index = citizens.findIndex((citizen) => citizen.nationalId === nationalId);
  if (index < 0) return null;
  const leaves = citizens.map((citizen) => citizen.leaf);
  const leaf = leafOf(record, hash, treeHash(leaves));
  return {
    fieldsRead: leaf.fieldsRead,
    sealed: leaf.sealed,
    citizen: {
      blind: citizenBlind(hash, nationalId),
      index,
      count: leaves.length,
      path: inclusionPath(leaves, index).map((node) => node.toString('hex')),
    },
  };
}
