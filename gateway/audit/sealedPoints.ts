import type { CheckpointKey } from './checkpoints';
import { untrustedBecause } from './checkpoints';
import type { Checkpoint } from './types';
import type { WitnessClient } from './witness/client';

/** A checkpoint a verifier holds, and where it comes from: the instance's file, a witness, or the verifier's state. */
export interface SealedPoint {
  checkpoint: Checkpoint;
  source: string;
  /** True when a witness holds it: a copy off the gateway's host. */
  witnessed: boolean;
}

/**
 * Given the pinned gateway keys, the witnesses and the verifier's state, returns the checkpoints the witnesses'
 * registers and the state hold, per instance, each signed by a pinned key; and what could not be had: a witness
 * that cannot be asked, or a checkpoint no pinned key signed.
 */
export async function externalCheckpoints(
  trustedKeys: readonly CheckpointKey[],
  witnesses: readonly WitnessClient[],
  accepted: ReadonlyMap<string, Checkpoint>,
): Promise<{ byInstance: Map<string, SealedPoint[]>; problems: string[] }> {
  const byInstance = new Map<string, SealedPoint[]>();
  const problems: string[] = [];
  const add = (point: SealedPoint) => {
    const untrusted = untrustedBecause(point.checkpoint, trustedKeys);
    if (untrusted)
      problems.push(
        `${point.source} holds a checkpoint of instance ${point.checkpoint.instance} (seq ${point.checkpoint.seq}) that is not the gateway's: ${untrusted}`,
      );
    else byInstance.set(point.checkpoint.instance, [...(byInstance.get(point.checkpoint.instance) ?? []), point]);
  };
  for (const witness of witnesses) {
    try {
      for (const { checkpoint } of await witness.register()) add({ checkpoint, source: `witness ${witness.url}`, witnessed: true });
    } catch (error) {
      problems.push(`${(error as Error).message}: the trail cannot be compared with what it witnessed`);
    }
  }
  for (const checkpoint of accepted.values()) add({ checkpoint, source: "this verifier's last run", witnessed: false });
  return { byInstance, problems };
}
