import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseEd25519PublicKey } from '../../common/publicKeys';
import { checkpointSignedText } from './proofCheck';
import type { Checkpoint, CheckpointReason } from './types';
import { appendJsonLine } from './jsonLines';

const CHECKPOINT_SUFFIX = '.checkpoints.jsonl';
/** The last line of a checkpoint file is found within this many bytes of its end. */
const TAIL_BYTES = 64 * 1024;

/** The gateway's checkpoint key: the private half signs, the public half (and its id) verifies. */
export interface CheckpointKey {
  privateKey: KeyObject | null;
  publicKey: KeyObject;
  keyId: string;
}

/** One line of a checkpoint file: the checkpoint, or why the line is not one. */
export type CheckpointLine = { line: number; checkpoint: Checkpoint; error: null } | { line: number; checkpoint: null; error: string };

/** Given the checkpoint directory and an instance, returns the file its checkpoints are appended to. */
export function checkpointFile(directory: string, instance: string): string {
  return path.join(directory, `${instance}${CHECKPOINT_SUFFIX}`);
}

/** Given the checkpoint directory, returns the instances that have a checkpoint file there, sorted. */
export function checkpointInstances(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory)
    .filter((name) => name.endsWith(CHECKPOINT_SUFFIX))
    .map((name) => name.slice(0, -CHECKPOINT_SUFFIX.length))
    .sort();
}

/** Given the private key file, returns where its public half is written beside it. */
export function publicKeyFileOf(signingKeyFile: string): string {
  return signingKeyFile.replace(/(\.pem)?$/, '.pub.pem');
}

/** Given a public key, returns its id: the first 16 hex digits of the SHA-256 of its SPKI DER form. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

function checkpointKey(privateKey: KeyObject | null, publicKey: KeyObject): CheckpointKey {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`The audit checkpoint key must be Ed25519, not ${publicKey.asymmetricKeyType}`);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * Given the private key file and whether a missing key may be created (never in production), returns the
 * gateway's checkpoint key. A new key is written with mode 0600, its public half beside it for verifiers.
 */
export function loadOrCreateSigningKey(file: string, create: boolean): CheckpointKey {
  if (!fs.existsSync(file)) {
    if (!create) throw new Error(`The audit signing key ${file} does not exist: production checkpoints are signed with a managed Ed25519 key`);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    try {
      fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      fs.writeFileSync(publicKeyFileOf(file), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    } catch (error) {
      // Another process created it first: theirs is the key.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(file));
  } catch (error) {
    throw new Error(`The audit signing key ${file} cannot be read as a private key: ${(error as Error).message}`);
  }
  return checkpointKey(privateKey, createPublicKey(privateKey));
}

/**
 * Given a public key file, or else the private key file, returns the key checkpoints are verified with.
 * Only for a file an operator names: a verifier never takes a key it finds beside the data (trustedKeysOf).
 */
export function loadVerificationKey(options: { publicKeyFile?: string | null; signingKeyFile: string }): CheckpointKey {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new Error(`The audit key ${file} cannot be read: ${(error as Error).message}`);
    }
  };
  if (options.publicKeyFile) return checkpointKey(null, createPublicKey(read(options.publicKeyFile)));
  if (fs.existsSync(options.signingKeyFile)) return checkpointKey(null, createPublicKey(createPrivateKey(read(options.signingKeyFile))));
  return checkpointKey(null, createPublicKey(read(publicKeyFileOf(options.signingKeyFile))));
}

/** Given pinned public keys in their text form (base64 SPKI DER, AUDIT_TRUSTED_KEYS), returns them as verification keys. */
export function trustedKeysOf(texts: readonly string[]): CheckpointKey[] {
  return texts.map((text) => checkpointKey(null, parseEd25519PublicKey(text)));
}

/**
 * Given a checkpoint and the pinned keys, returns null when one of them signed exactly this checkpoint, or why
 * not: a key that is not pinned, or a signature that does not verify (the checkpoint was altered).
 */
export function untrustedBecause(checkpoint: Checkpoint, trustedKeys: readonly CheckpointKey[]): string | null {
  const key = trustedKeys.find((candidate) => candidate.keyId === checkpoint.keyId);
  if (!key)
    return `it names key ${checkpoint.keyId}, which is not a trusted key (${trustedKeys.map((trusted) => trusted.keyId).join(', ') || 'none is pinned'})`;
  return checkpointSignatureValid(checkpoint, key) ? null : 'its signature does not verify: it was altered';
}

/** What a checkpoint's signature covers (checkpointSignedText), so that a signature over anything else never verifies as one. */
function signedText(checkpoint: Omit<Checkpoint, 'signature' | 'keyId'>): Buffer {
  return Buffer.from(checkpointSignedText(checkpoint), 'utf8');
}

/** Given a chain head (with the tree head of its records, when there is one) and the key, returns the signed checkpoint. */
export function signCheckpoint(
  head: { instance: string; seq: number; headHash: string; treeSize?: number; treeRoot?: string; at: string; reason: CheckpointReason },
  key: CheckpointKey,
): Checkpoint {
  if (!key.privateKey) throw new Error('A checkpoint is signed with the private key');
  const signature = sign(null, signedText(head), key.privateKey).toString('base64');
  return { ...head, keyId: key.keyId, signature };
}

/** Given a checkpoint and the key, tells whether the key signed exactly this checkpoint. */
export function checkpointSignatureValid(checkpoint: Checkpoint, key: CheckpointKey): boolean {
  if (checkpoint.keyId !== key.keyId) return false;
  try {
    return verify(null, signedText(checkpoint), key.publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Given one line of a checkpoint file, returns the checkpoint, or what is wrong with it. */
function parseCheckpoint(text: string): Checkpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the line is not JSON';
  }
  return checkpointOf(value);
}

/** Given a parsed JSON value, returns the checkpoint it holds (its fields only), or what is wrong with it. */
export function checkpointOf(value: unknown): Checkpoint | string {
  const candidate = value as Partial<Record<keyof Checkpoint, unknown>>;
  const wellFormed =
    typeof value === 'object' &&
    value !== null &&
    typeof candidate.instance === 'string' &&
    Number.isInteger(candidate.seq) &&
    (candidate.seq as number) >= 0 &&
    typeof candidate.headHash === 'string' &&
    /^[0-9a-f]{64}$/.test(candidate.headHash) &&
    typeof candidate.at === 'string' &&
    (candidate.reason === 'INTERVAL' || candidate.reason === 'START' || candidate.reason === 'STOP') &&
    typeof candidate.keyId === 'string' &&
    typeof candidate.signature === 'string';
  if (!wellFormed) return 'not a checkpoint (instance, seq, headHash, at, reason, keyId, signature)';
  const { instance, seq, headHash, at, reason, keyId, signature } = candidate as Checkpoint;
  if (candidate.treeSize === undefined && candidate.treeRoot === undefined) return { instance, seq, headHash, at, reason, keyId, signature };
  const { treeSize, treeRoot } = candidate;
  // That the tree holds no record past seq is the gateway's to sign, not the parser's to check: an altered one fails its signature.
  if (!Number.isInteger(treeSize) || (treeSize as number) < 0 || typeof treeRoot !== 'string' || !/^[0-9a-f]{64}$/.test(treeRoot))
    return 'not a tree head (treeSize and treeRoot)';
  return { instance, seq, headHash, treeSize: treeSize as number, treeRoot, at, reason, keyId, signature };
}

/**
 * Given a checkpoint, appends it as one JSON line to its instance's file and waits until the line is on disk.
 * A file whose last write was torn by a crash gets a line break first, so the new line stands alone.
 */
export function appendCheckpoint(directory: string, checkpoint: Checkpoint): Promise<void> {
  return appendJsonLine(checkpointFile(directory, checkpoint.instance), checkpoint);
}

/** Given a checkpoint file, returns its last complete checkpoint, null when there is none; a torn last line is skipped. */
export async function readLastCheckpoint(file: string): Promise<{ checkpoint: Checkpoint | null; error: string | null }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoint: null, error: null };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // Whatever follows the last line break was never completed.
    lines.pop();
    const last = lines.reverse().find((line) => line.trim() !== '');
    if (last === undefined) return { checkpoint: null, error: null };
    const parsed = parseCheckpoint(last);
    return typeof parsed === 'string' ? { checkpoint: null, error: parsed } : { checkpoint: parsed, error: null };
  } finally {
    await handle.close();
  }
}

/** Given a checkpoint file, returns every line, numbered from 1, as a checkpoint or what is wrong with it. */
export async function readCheckpoints(file: string): Promise<CheckpointLine[]> {
  if (!fs.existsSync(file)) return [];
  const text = await fs.promises.readFile(file, 'utf8');
  const result: CheckpointLine[] = [];
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    if (content.trim() === '') return;
    // A last line without its line break is a write that a crash cut short, not a checkpoint.
    if (index === lines.length - 1) return;
    const parsed = parseCheckpoint(content);
    result.push(typeof parsed === 'string' ? { line: index + 1, checkpoint: null, error: parsed } : { line: index + 1, checkpoint: parsed, error: null });
  });
  return result;
}
