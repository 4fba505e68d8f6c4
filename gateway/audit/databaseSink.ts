import type { AuditRecordRow } from '../../db/gatewayRows';
import type { ChainHead } from './chain';
import { EMPTY_CHAIN } from './chain';
import type { DatabaseWriter } from './databaseWriter';
import type { Indexer } from './indexer';
import type { AuditSink } from './sink';

/**
 * The most index rows (citizens named) a batch writes in its own transaction; a larger batch leaves them to the
 * indexer, so that its answers do not wait for them. Below it, one commit for both costs less than two.
 */
export const INLINE_INDEX_ROWS = 256;

/**
 * Records made durable by the gateway database's own transaction, one per batch (group commit): with the
 * embedded SQLite, a WAL commit with synchronous=FULL. A light batch carries its index rows when the index has
 * caught up with the chain.
 */
export class DatabaseSink implements AuditSink {
  private head: ChainHead = { ...EMPTY_CHAIN };
  /** False after a failed write: a commit may have landed unseen, so the head is read again before the next batch. */
  private headKnown = false;

  constructor(
    private readonly writer: DatabaseWriter,
    private readonly indexer: Indexer,
  ) {}

  async open(databaseHead: ChainHead): Promise<void> {
    this.head = databaseHead;
    this.headKnown = true;
  }

  async durableHead(): Promise<ChainHead> {
    if (!this.headKnown) {
      this.head = await this.writer.head();
      this.headKnown = true;
    }
    return this.head;
  }

  async write(records: readonly AuditRecordRow[], indexRows: number): Promise<void> {
    const after = records[0]!.seq - 1;
    const last = records[records.length - 1]!;
    const withIndex = indexRows <= INLINE_INDEX_ROWS && this.indexer.takesInline(after);
    try {
      await this.writer.write(records, withIndex);
    } catch (error) {
      this.headKnown = false;
      throw error;
    }
    this.head = { seq: last.seq, hash: last.hash };
    if (withIndex) this.indexer.indexedWith(last.seq);
    else this.indexer.schedule();
  }

  refusal(): null {
    return null;
  }

  stored(): ChainHead {
    return this.head;
  }

  async flush(): Promise<void> {}

  settled(): boolean {
    return this.headKnown && !this.writer.writesOutstanding;
  }

  async close(): Promise<void> {}
}
