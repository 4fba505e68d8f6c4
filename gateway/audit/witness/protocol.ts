import { sign, verify } from 'node:crypto';
import type { CheckpointKey } from '../checkpoints';
import { checkpointOf } from '../checkpoints';
import type { Checkpoint } from '../types';

/** Names what a witness's countersignature covers, so that no other signature of its key verifies as one. */
const COSIGNATURE_FORMAT = 'dsp-audit-cosignature/v1';

/** A witness's countersignature of a checkpoint: which key made it, and when it saw the checkpoint. */
export interface Cosignature {
  witnessKeyId: string;
  /** ISO timestamp in UTC: when the witness accepted the checkpoint. */
  at: string;
  /** Ed25519 signature, base64, over the format, the witness key id, the time and the whole signed checkpoint. */
  signature: string;
}

/** A checkpoint a witness accepted, with its countersignature. */
export interface WitnessedCheckpoint {
  checkpoint: Checkpoint;
  cosignature: Cosignature;
}

function cosignedText(checkpoint: Checkpoint, witnessKeyId: string, at: string): Buffer {
  const { instance, seq, headHash, reason, keyId, signature } = checkpoint;
  return Buffer.from(JSON.stringify([COSIGNATURE_FORMAT, witnessKeyId, at, instance, seq, headHash, checkpoint.at, reason, keyId, signature]), 'utf8');
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
 * same seq with another head (another chain), or records that appeared after a clean stop.
 */
export function growthProblem(previous: Checkpoint | null, next: Checkpoint): string | null {
  if (previous === null) return null;
  const sealed = `the checkpoint of ${previous.at} sealed seq ${previous.seq}`;
  if (next.seq < previous.seq) return `${sealed}, and this one seals seq ${next.seq}: the trail went back`;
  if (next.seq === previous.seq && next.headHash !== previous.headHash) return `${sealed} with another head: this one is of another chain`;
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
