import type { CheckpointKey } from '../checkpoints';
import type { Checkpoint } from '../types';
import { checkpointDigest, timestampedBytes } from './digest';
import type { NumberedTimestampLine, TokenLine, UntimestampedLine } from './timestampFile';
import { readTimestampLines, timestampFile, untimestampedSignatureValid } from './timestampFile';
import type { TimestampTrust } from './tokenCheck';
import { checkTimeStampResponse } from './tokenCheck';

export interface TimestampCheckOptions {
  instance: string;
  checkpointDirectory: string;
  /** The checkpoints of the instance's file, in its order. */
  checkpoints: readonly Checkpoint[];
  trust: TimestampTrust;
  /** The pinned gateway keys, which must have signed every line saying a checkpoint holds no token. */
  trustedKeys: readonly CheckpointKey[];
  now: number;
}

/** What the time-stamps of an instance's checkpoints show: how many hold a token that verifies, how many none (excused), and the first problem. */
export interface TimestampVerification {
  timestamped: number;
  untimestamped: number;
  problem: { seq: number | null; message: string } | null;
}

/** What the lines say of one checkpoint: its tokens that verify, and the signed failures. */
interface CheckpointStamps {
  tokens: number;
  failures: UntimestampedLine[];
}

/** Given a checkpoint, says which one it is, for a person. */
const named = (checkpoint: Checkpoint) => `the checkpoint of ${checkpoint.at} (seq ${checkpoint.seq})`;

class TimestampCheck {
  private readonly file: string;
  private readonly byDigest = new Map<string, { checkpoint: Checkpoint; index: number }>();
  private readonly stamps: CheckpointStamps[];
  /** Which digest each nonce was asked with: one nonce for two checkpoints is a token replayed. */
  private readonly nonces = new Map<string, string>();

  constructor(private readonly options: TimestampCheckOptions) {
    this.file = timestampFile(options.checkpointDirectory, options.instance);
    options.checkpoints.forEach((checkpoint, index) => this.byDigest.set(checkpointDigest(checkpoint), { checkpoint, index }));
    this.stamps = options.checkpoints.map(() => ({ tokens: 0, failures: [] }));
  }

  private failed(seq: number | null, message: string): TimestampVerification {
    return { timestamped: 0, untimestamped: 0, problem: { seq, message } };
  }

  /** Given a line of the file, counts it toward its checkpoint; returns why it cannot be counted, or null. */
  private async take(numbered: NumberedTimestampLine): Promise<{ seq: number | null; message: string } | null> {
    const where = `line ${numbered.line} of ${this.file}`;
    if (numbered.entry === null) return { seq: null, message: `${where}: ${numbered.error}` };
    const entry = numbered.entry;
    const subject = this.byDigest.get(entry.digest);
    if (entry.instance !== this.options.instance || !subject || subject.checkpoint.seq !== entry.seq || subject.checkpoint.at !== entry.at)
      return {
        seq: entry.seq,
        message: `${where} is about a checkpoint (seq ${entry.seq}, ${entry.at}, digest ${entry.digest.slice(0, 16)}…) that the checkpoint file does not hold: it was altered or moved from elsewhere`,
      };
    const { checkpoint, index } = subject;
    if (entry.kind === 'UNTIMESTAMPED') {
      if (!untimestampedSignatureValid(entry, this.options.trustedKeys))
        return {
          seq: checkpoint.seq,
          message: `${where} says ${named(checkpoint)} could not be time-stamped, but no pinned gateway key signed it: it was forged`,
        };
      this.stamps[index]!.failures.push(entry);
      return null;
    }
    return this.takeToken(entry, checkpoint, index, where);
  }

  private async takeToken(entry: TokenLine, checkpoint: Checkpoint, index: number, where: string): Promise<{ seq: number; message: string } | null> {
    const other = this.nonces.get(entry.nonce);
    if (other !== undefined && other !== entry.digest)
      return { seq: checkpoint.seq, message: `the token on ${where} was asked for with the nonce of another checkpoint's: it was replayed` };
    this.nonces.set(entry.nonce, entry.digest);
    const check = await checkTimeStampResponse(
      Buffer.from(entry.response, 'base64'),
      { bytes: timestampedBytes(checkpoint), digest: entry.digest, nonce: entry.nonce, at: checkpoint.at },
      this.options.trust,
    );
    if (!check.valid) return { seq: checkpoint.seq, message: `the time-stamp token of ${named(checkpoint)} on ${where} is not valid: ${check.reason}` };
    this.stamps[index]!.tokens += 1;
    return null;
  }

  /** Given a checkpoint's place, tells whether its token may still be on its way: the gateway asks within the tolerance of its time. */
  private mayStillCome(checkpoint: Checkpoint): boolean {
    return this.options.now - Date.parse(checkpoint.at) <= this.options.trust.toleranceMs;
  }

  async run(): Promise<TimestampVerification> {
    const lines = await readTimestampLines(this.file);
    for (const line of lines) {
      const problem = await this.take(line);
      if (problem) return this.failed(problem.seq, problem.message);
    }
    const { checkpoints } = this.options;
    const spoken = this.stamps.findIndex((stamps) => stamps.tokens > 0 || stamps.failures.length > 0);
    // From the pinned instant (AUDIT_TSA_SINCE) on, if earlier than the first checkpoint the file names.
    const { since } = this.options.trust;
    const pinned = since === null || since === undefined ? -1 : checkpoints.findIndex((checkpoint) => Date.parse(checkpoint.at) >= since);
    const first = pinned !== -1 && (spoken === -1 || pinned < spoken) ? pinned : spoken;
    if (first === -1) {
      const last = checkpoints[checkpoints.length - 1];
      if (last && !this.mayStillCome(last))
        return this.failed(
          last.seq,
          `no checkpoint of instance ${this.options.instance} holds a time-stamp, though a TSA is configured: ${this.file} is missing or empty`,
        );
      return { timestamped: 0, untimestamped: 0, problem: null };
    }
    // Time-stamping began with the first checkpoint the file speaks of (or the pinned instant); every one after it must hold a token, or say why not.
    let timestamped = 0;
    let untimestamped = 0;
    let laterStamped = false;
    for (let index = checkpoints.length - 1; index >= first; index -= 1) {
      const checkpoint = checkpoints[index]!;
      const { tokens, failures } = this.stamps[index]!;
      if (tokens > 0) {
        timestamped += 1;
        laterStamped = true;
      } else if (failures.length === 0 && !this.mayStillCome(checkpoint)) {
        return this.failed(checkpoint.seq, `${named(checkpoint)} holds no time-stamp token, and no line of ${this.file} says why: it was removed`);
      } else if (failures.length > 0 && !laterStamped && !this.mayStillCome(checkpoint)) {
        const { failure, reason } = failures[0]!;
        return this.failed(
          checkpoint.seq,
          `${named(checkpoint)} could not be time-stamped (${failure}: ${reason}), nor any checkpoint after it: records up to seq ${checkpoint.seq} hold no time-stamp`,
        );
      } else untimestamped += 1;
    }
    return { timestamped, untimestamped, problem: null };
  }
}

/**
 * Given an instance's checkpoints (its file's), what its TSA's tokens are trusted with and the pinned gateway
 * keys, checks its time-stamp file: every token verifies for the checkpoint it names (checkTimeStampResponse),
 * every line saying a checkpoint holds none is signed by the gateway, and from the first checkpoint the file
 * speaks of, each one holds a token, or says why not and a later checkpoint (whose tree head holds its records)
 * holds one, or is recent enough that its token may still come.
 */
export function verifyTimestamps(options: TimestampCheckOptions): Promise<TimestampVerification> {
  return new TimestampCheck(options).run();
}
