import type { Logger } from 'pino';
import type { AuditRepository } from './auditRepository';
import { within } from './timeLimit';

/**
 * Keeps an instance's index rows (what the citizen's tracker and the stewards' queries by field read) up with
 * its records in the database: a light batch carries its own (see takesInline), the rest are written after, in
 * transactions of their own, by one indexing run at a time that goes on until it reaches the stored head.
 */
export class Indexer {
  private indexedSeq = 0;
  private run: Promise<void> | null = null;

  constructor(
    private readonly repository: AuditRepository,
    private readonly instance: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    /** The last seq the database holds: where indexing stops. */
    private readonly storedSeq: () => number,
  ) {}

  /** The last record the index covers. */
  get indexedUpTo(): number {
    return this.indexedSeq;
  }

  /** Given the chain's last seq at start, reads where the index stands (lowering a head left above the chain). */
  async start(chainSeq: number): Promise<void> {
    this.indexedSeq = await within(
      this.repository.indexHeadWithin(this.instance, chainSeq),
      this.timeoutMs * 2,
      'The audit store cannot be read: the index head is unknown',
    );
    this.schedule();
  }

  /** Given the seq a batch follows, tells whether the batch may carry its index rows: no run is under way and the index has reached that seq. */
  takesInline(afterSeq: number): boolean {
    return this.run === null && this.indexedSeq === afterSeq;
  }

  /** Given the last seq of a batch committed with its index rows, moves the index head there. */
  indexedWith(lastSeq: number): void {
    this.indexedSeq = Math.max(this.indexedSeq, lastSeq);
  }

  /** Starts indexing the records above the index head, unless a run is under way (it then goes on to the head). */
  schedule(): void {
    if (this.run || this.indexedSeq >= this.storedSeq()) return;
    const run = (async () => {
      while (this.indexedSeq < this.storedSeq()) {
        const indexing = this.repository.indexRecords(this.instance, this.indexedSeq + 1, this.storedSeq(), this.timeoutMs);
        this.indexedSeq = await within(indexing, this.timeoutMs * 2, 'The audit store did not confirm the index in time');
      }
    })();
    this.run = run.finally(() => {
      this.run = null;
    });
    // The next batch or reader tries again; meanwhile a reader waiting on caughtUp gets the error.
    this.run.catch((error: unknown) => this.logger.error({ err: error, instance: this.instance, indexedSeq: this.indexedSeq }, 'audit index not written'));
  }

  /** Given a seq the database holds, resolves once the records up to it are indexed; rejects when they cannot be now. */
  async caughtUp(target: number): Promise<void> {
    while (this.indexedSeq < target) {
      this.schedule();
      await this.run;
    }
  }
}
