/** Given a callback, calls it when the next batch should start; as DataLoader's batchScheduleFn. */
export type BatchScheduler = (start: () => void) => void;

export interface GroupCommitOptions<Item, Result> {
  /** Given a batch, makes every item of it durable together; resolves with one result per item, in order. */
  commit(batch: readonly Item[]): Promise<readonly Result[]>;
  /** The most items in one batch. */
  maxBatchSize: number;
  /** How long an item waits for its batch to be committed before it is refused with timeoutError(). */
  timeoutMs: number;
  timeoutError(): Error;
  /** When the first batch after a quiet spell starts; by default once the current turn of the event loop is over. */
  batchScheduleFn?: BatchScheduler;
  /**
   * Given how many items are queued, returns how long the next batch should wait for more to join it (0: none);
   * asked before each batch. None by default.
   */
  holdMs?(queued: number): number;
  /** Waits that long; injectable, as the scheduler is, for tests. */
  sleep?(milliseconds: number): Promise<void>;
}

interface Pending<Item, Result> {
  item: Item;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve(result: Result): void;
  reject(error: Error): void;
}

const nextTurn: BatchScheduler = (start) => setImmediate(start);
const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Group commit: items added while a batch is committed form the next batch, so that under load many share one
 * durable write, and a lone item is written as soon as its scheduler says. One batch is committed at a time, in
 * the order items were added; an item whose batch has not committed within timeoutMs is refused (its batch may
 * still commit it: the caller's result is what counts).
 */
export class GroupCommitQueue<Item, Result> {
  private queue: Array<Pending<Item, Result>> = [];
  private scheduled = false;
  private draining: Promise<void> | null = null;

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {}

  /** Items waiting for a batch, the one being committed left out. */
  get size(): number {
    return this.queue.length;
  }

  /** Given an item, adds it to the next batch; resolves with its result once its batch is committed. */
  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const pending: Pending<Item, Result> = {
        item,
        settled: false,
        resolve,
        reject,
        timer: setTimeout(() => this.settle([pending], this.options.timeoutError()), this.options.timeoutMs),
      };
      this.queue.push(pending);
      if (this.draining) return;
      if (this.queue.length >= this.options.maxBatchSize) this.startDraining();
      else if (!this.scheduled) {
        this.scheduled = true;
        (this.options.batchScheduleFn ?? nextTurn)(() => this.startDraining());
      }
    });
  }

  /** Commits what is queued now, without waiting for the scheduler; resolves once the queue is empty. */
  async flush(): Promise<void> {
    if (this.queue.length > 0) this.startDraining();
    while (this.draining) await this.draining;
  }

  private startDraining(): void {
    this.scheduled = false;
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      if (this.queue.length > 0) this.startDraining();
    });
  }

  /** Commits batches until the queue is empty: what is added during a commit forms the next batch. */
  private async drain(): Promise<void> {
    for (;;) {
      const hold = this.queue.length < this.options.maxBatchSize ? (this.options.holdMs?.(this.queue.length) ?? 0) : 0;
      if (hold > 0) await (this.options.sleep ?? sleep)(hold);
      this.queue = this.queue.filter((pending) => !pending.settled);
      if (this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      try {
        const results = await this.options.commit(batch.map((pending) => pending.item));
        batch.forEach((pending, index) => this.settle([pending], null, results[index] as Result));
      } catch (error) {
        this.settle(batch, error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private settle(batch: ReadonlyArray<Pending<Item, Result>>, error: Error | null, result?: Result): void {
    for (const pending of batch) {
      if (pending.settled) continue;
      pending.settled = true;
      clearTimeout(pending.timer);
      if (error) pending.reject(error);
      else pending.resolve(result as Result);
    }
  }
}
