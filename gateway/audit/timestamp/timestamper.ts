import type { TimestampingConfig } from '../../../common/config';
import { getLogger } from '../../../common/logger';
import type { CheckpointKey } from '../checkpoints';
import type { Checkpoint } from '../types';
import { checkpointDigest, timestampedBytes } from './digest';
import { newNonce, timeStampRequest } from './protocol';
import type { TimestampFailure } from './timestampFile';
import { appendTimestampLine, readTimestampLines, signedUntimestamped, timestampFile } from './timestampFile';
import type { TimestampTrust } from './tokenCheck';
import { checkTimeStampResponse } from './tokenCheck';
import { TsaError, postTimeStampRequest } from './tsaClient';

export interface TimestamperOptions {
  config: TimestampingConfig;
  trust: TimestampTrust;
  /** The checkpoint directory, where the time-stamp file lies beside the checkpoints. */
  directory: string;
  /** The gateway's key, which signs the lines that say a checkpoint could not be time-stamped. */
  key: CheckpointKey;
  /** The first wait before a checkpoint is asked for again; each next one doubles. */
  retryDelayMs?: number;
  now?: () => Date;
}

/** The checkpoint being time-stamped: whether it holds a token, whether its failure is written down, and its next attempt. */
interface Pending {
  checkpoint: Checkpoint;
  digest: string;
  stamped: boolean;
  marked: boolean;
  /** True once no attempt is left: a token asked for now would lie beyond the tolerance. */
  gaveUp: boolean;
  delayMs: number;
  timer: NodeJS.Timeout | null;
}

/**
 * The gateway's side of RFC 3161: each checkpoint it seals is sent to the TSA, and the token that verifies is
 * appended to the instance's time-stamp file. A TSA that does not answer, refuses, or answers what does not
 * verify never holds anything up: the failure is written down (signed), and the checkpoint asked for again,
 * later each time, while a token for it would still lie within the tolerance of its time. A newer checkpoint
 * takes the place of one still waiting: its tree head holds every record the older one signed.
 */
export class CheckpointTimestamper {
  private readonly logger = getLogger('audit');
  private pending: Pending | null = null;
  private attempts = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: TimestamperOptions) {}

  private now(): number {
    return (this.options.now ?? (() => new Date()))().getTime();
  }

  /** Given a checkpoint just sealed, asks the TSA for its token; resolves once the token or the failure is written down, never rejects. */
  stamp(checkpoint: Checkpoint): Promise<void> {
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    const retryDelayMs = this.options.retryDelayMs ?? 5000;
    this.pending = { checkpoint, digest: checkpointDigest(checkpoint), stamped: false, marked: false, gaveUp: false, delayMs: retryDelayMs, timer: null };
    return this.attempt(this.pending);
  }

  /** Given a checkpoint, tells whether it was the last one sent and is left without a token, no attempt remaining: the next one must not be skipped. */
  gaveUpOn(checkpoint: Checkpoint): boolean {
    return this.pending !== null && this.pending.checkpoint === checkpoint && this.pending.gaveUp;
  }

  private attempt(pending: Pending): Promise<void> {
    const attempt = this.ask(pending).finally(() => this.attempts.delete(attempt));
    this.attempts.add(attempt);
    return attempt;
  }

  private async ask(pending: Pending): Promise<void> {
    const { config, trust, directory } = this.options;
    const { checkpoint, digest } = pending;
    const nonce = newNonce();
    try {
      const response = await postTimeStampRequest(config.url, timeStampRequest(digest, nonce, config.policy), config.timeoutMs);
      const check = await checkTimeStampResponse(response, { bytes: timestampedBytes(checkpoint), digest, nonce, at: checkpoint.at }, trust);
      if (!check.valid) throw new TsaError(check.refused ? 'REFUSED' : 'INVALID', `the TSA ${config.url} answered no valid token: ${check.reason}`);
      const { instance, seq, at } = checkpoint;
      await appendTimestampLine(directory, { kind: 'TOKEN', instance, seq, at, digest, nonce, response: response.toString('base64') });
      pending.stamped = true;
    } catch (error) {
      await this.failed(pending, error instanceof TsaError ? error.failure : 'INVALID', (error as Error).message);
    }
  }

  /** Given the checkpoint whose attempt failed, why, writes the failure down (once) and asks again later while a token may still come in time. */
  private async failed(pending: Pending, failure: TimestampFailure, reason: string): Promise<void> {
    const { checkpoint, digest } = pending;
    this.logger.warn({ instance: checkpoint.instance, seq: checkpoint.seq, failure, reason }, 'audit checkpoint not time-stamped: asked again later');
    if (!pending.marked) {
      pending.marked = await this.mark(checkpoint, digest, failure, reason);
    }
    const deadline = Date.parse(checkpoint.at) + this.options.config.toleranceMs;
    if (this.closed || this.pending !== pending || this.now() + pending.delayMs + this.options.config.timeoutMs > deadline) {
      pending.gaveUp = true;
      return;
    }
    pending.timer = setTimeout(() => {
      pending.timer = null;
      void this.attempt(pending);
    }, pending.delayMs);
    pending.timer.unref();
    pending.delayMs *= 2;
  }

  /** Appends the signed line that says the checkpoint holds no token and why; returns whether it is on disk. */
  private async mark(checkpoint: Checkpoint, digest: string, failure: TimestampFailure, reason: string): Promise<boolean> {
    const { instance, seq, at } = checkpoint;
    try {
      await appendTimestampLine(this.options.directory, signedUntimestamped({ instance, seq, at, digest, failure, reason }, this.options.key));
      return true;
    } catch (error) {
      this.logger.error({ err: error, instance, seq }, 'the audit time-stamp file cannot be written');
      return false;
    }
  }

  /**
   * Given the last checkpoint a start finds in the local file, writes down that it holds no token when the
   * time-stamp file says nothing of it: the gateway stopped before the TSA answered.
   */
  async markIfUnanswered(checkpoint: Checkpoint): Promise<void> {
    const digest = checkpointDigest(checkpoint);
    const lines = await readTimestampLines(timestampFile(this.options.directory, checkpoint.instance));
    // No line at all: time-stamping begins with this start.
    if (lines.length === 0 || lines.some((line) => line.entry?.digest === digest)) return;
    await this.mark(checkpoint, digest, 'INTERRUPTED', 'the gateway stopped before the TSA answered');
  }

  /** Stops asking again, and waits for the attempts under way (each bounded by the TSA's timeout). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    await Promise.all([...this.attempts]);
  }
}
