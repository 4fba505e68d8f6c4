import { createHash } from 'node:crypto';
import { checkpointSignedText } from '../proofCheck';
import type { Checkpoint } from '../types';

const TIMESTAMPED_FORMAT = 'dsp-audit-timestamped/v1';

/**
 * Given a signed checkpoint, returns the bytes a Time-Stamping Authority time-stamps: the text the gateway's
 * signature covers (the chain's head, the Merkle tree head, the instance, the time and why) with the key id and
 * the signature themselves. A token over the tree head alone would fit any checkpoint re-signed later with that
 * head, a backdated one too; over these bytes it fits the one signed statement, made with a pinned key.
 */
export function timestampedBytes(checkpoint: Checkpoint): Buffer {
  return Buffer.from(JSON.stringify([TIMESTAMPED_FORMAT, checkpointSignedText(checkpoint), checkpoint.keyId, checkpoint.signature]), 'utf8');
}

/** Given a signed checkpoint, returns the SHA-256 of its time-stamped bytes, hex: the token's messageImprint. */
export function checkpointDigest(checkpoint: Checkpoint): string {
  return createHash('sha256').update(timestampedBytes(checkpoint)).digest('hex');
}
