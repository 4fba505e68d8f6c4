import fs from 'node:fs';
import path from 'node:path';
import { checkpointOf } from './checkpoints';
import type { Checkpoint } from './types';
import type { AuditVerification } from './verify';

/** Names the format of the verifier's state file. */
const STATE_FORMAT = 'dsp-audit-verifier-state/v1';

/**
 * Given the verifier's state file, returns the last checkpoint it accepted per instance; none when the file does
 * not exist yet. Throws when the file is not a state file: a verifier that lost its memory says so.
 */
export function readVerifierState(file: string): Map<string, Checkpoint> {
  if (!fs.existsSync(file)) return new Map();
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`The verifier's state ${file} is not JSON`);
  }
  const { format, instances } = (value ?? {}) as { format?: unknown; instances?: unknown };
  if (format !== STATE_FORMAT || typeof instances !== 'object' || instances === null)
    throw new Error(`The verifier's state ${file} is not a ${STATE_FORMAT} file`);
  const state = new Map<string, Checkpoint>();
  for (const [instance, candidate] of Object.entries(instances)) {
    const checkpoint = checkpointOf(candidate);
    if (typeof checkpoint === 'string' || checkpoint.instance !== instance)
      throw new Error(
        `The verifier's state ${file} holds for instance ${instance} ${typeof checkpoint === 'string' ? checkpoint : 'a checkpoint of another instance'}`,
      );
    state.set(instance, checkpoint);
  }
  return state;
}

/**
 * Given the state before a verification and its outcome, returns the state after: the checkpoint accepted for
 * each sound instance, and for any other the one accepted before (a trail found damaged moves nothing on).
 */
export function nextVerifierState(before: ReadonlyMap<string, Checkpoint>, verification: AuditVerification): Map<string, Checkpoint> {
  const after = new Map(before);
  for (const result of verification.instances) {
    const previous = before.get(result.instance);
    if (result.accepted !== null && (previous === undefined || result.accepted.seq >= previous.seq)) after.set(result.instance, result.accepted);
  }
  return after;
}

/** Given the verifier's state file and a state, writes it whole (a new file renamed over the old one). */
export function writeVerifierState(file: string, state: ReadonlyMap<string, Checkpoint>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const next = `${file}.${process.pid}.new`;
  const instances = Object.fromEntries([...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  fs.writeFileSync(next, `${JSON.stringify({ format: STATE_FORMAT, instances }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(next, file);
}
