import { sign, verify } from 'node:crypto';
import type { CheckpointKey } from '../checkpoints';
import { checkpointOf } from '../checkpoints';
import type { Cosignature } from '../proofCheck';
import { cosignedText as sharedCosignedText } from '../proofCheck';
import type { Checkpoint } from '../types';

export type { Cosignature };

/** A checkpoint a witness accepted, with its countersignature. */
export interface WitnessedCheckpoint {
  checkpoint: Checkpoint;
  cosignature: Cosignature;
}

/** What a countersignature covers (proofCheck's cosignedText), so that no other signature of the witness's key verifies as one. */
function cosignedText(checkpoint: Checkpoint, witnessKeyId: string, at: string): Buffer {
  return Buffer.from(sharedCosignedText(checkpoint, witnessKeyId, at), 'utf8');
}

/** Given a checkpoint, the witness's key and the time, returns the witness's countersignature of it. */
export function cosign(checkpoint: Checkpoint, key: CheckpointKey, at: string): Cosignature {
  if (!key.privateKey) throw new Error('A countersignature is made with the private key');
  return { witnessKeyId: key.keyId, at, signature: sign(null, cosignedText(checkpoint, key.keyId, at), key.privateKey).toString('base64') };
}

/** Given a witnessed checkpoint and the witness's pinned key, tells whether that witness countersigned exactly it. */
export function cosignatureValid(witnessed: WitnessedCheckpoint, witnessKey: CheckpointKey): boolean {
  const { checkpoint, cosignature } = witnessed;
  if (cosignature.witnessKeyId !== witnessKey.keyId) return false;
  try {
    return verify(null, cosignedText(checkpoint, cosignature.witnessKeyId, cosignature.at), witnessKey.publicKey, Buffer.from(cosignature.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Given the last checkpoint a witness accepted for an instance (null for none) and a new one of that instance,
 * returns null when the new one only continues it, or why it does not: a smaller seq (the trail went back), the
 * same seq with another head (another chain), records that appeared after a clean stop, or a tree that shrank,
 * changed at the same size, or that treeExtended (its consistency proof checked) says does not extend the last one.
 */
export function growthProblem(previous: Checkpoint | null, next: Checkpoint, treeExtended = true): string | null {
  if (previous === null) return null;
  const sealed = `the checkpoint of ${previous.at} sealed seq ${previous.seq}`;
  if (next.seq < previous.seq) return `${sealed}, and this one seals seq ${next.seq}: the trail went back`;
  if (next.seq === previous.seq && next.headHash !== previous.headHash) return `${sealed} with another head: this one is of another chain`;
  if (previous.treeSize !== undefined && (next.treeSize === undefined || next.treeSize < previous.treeSize))
    return `${sealed} with a tree of ${previous.treeSize} records, and this one ${next.treeSize === undefined ? 'signs no tree' : `a tree of ${next.treeSize}`}: the tree went back`;
  if (next.treeSize === previous.treeSize && next.treeRoot !== previous.treeRoot)
    return `${sealed} with another tree root for ${next.treeSize} records: this one is of another tree`;
  if (!treeExtended)
    return `${sealed} with a tree of ${previous.treeSize} records, and the consistency proof sent does not show this one's tree of ${next.treeSize} to extend it: the tree was rewritten`;
  if (previous.reason === 'STOP' && next.seq > previous.seq)
    return `${sealed} when the gateway stopped, and this one seals seq ${next.seq}: records appeared while it was stopped`;
  return null;
}

/** Given a parsed JSON value, returns the witnessed checkpoint it holds, or what is wrong with it. */
export function witnessedCheckpointOf(value: unknown): WitnessedCheckpoint | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { checkpoint, cosignature } = value as { checkpoint?: unknown; cosignature?: Partial<Record<keyof Cosignature, unknown>> };
  const parsed = checkpointOf(checkpoint);
  if (typeof parsed === 'string') return parsed;
  if (typeof cosignature !== 'object' || cosignature === null) return 'no cosignature';
  const { witnessKeyId, at, signature } = cosignature;
  if (typeof witnessKeyId !== 'string' || typeof at !== 'string' || typeof signature !== 'string') return 'not a cosignature (witnessKeyId, at, signature)';
  return { checkpoint: parsed, cosignature: { witnessKeyId, at, signature } };
}
