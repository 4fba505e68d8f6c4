import type { BatchScheduler } from '../../gateway/audit/groupCommitQueue';
import { GroupCommitQueue } from '../../gateway/audit/groupCommitQueue';

/** A scheduler the test releases by hand, as DataLoader's tests do with batchScheduleFn. */
function manualScheduler(): { schedule: BatchScheduler; release(): void; pending: number } {
  const waiting: Array<() => void> = [];
  return {
    schedule: (start) => void waiting.push(start),
    release: () => waiting.splice(0).forEach((start) => start()),
    get pending() {
      return waiting.length;
    },
  };
}

/** Given what commit does, returns a queue of numbers whose commit records each batch and doubles each item. */
function queueOf(
  options: {
    maxBatchSize?: number;
    timeoutMs?: number;
    commit?: (batch: readonly number[]) => Promise<number[]>;
    holdMs?: (queued: number) => number;
    sleep?: (ms: number) => Promise<void>;
  } = {},
) {
  const batches: number[][] = [];
  const scheduler = manualScheduler();
  const queue = new GroupCommitQueue<number, number>({
    commit: async (batch) => {
      batches.push([...batch]);
      return options.commit ? options.commit(batch) : batch.map((item) => item * 2);
    },
    maxBatchSize: options.maxBatchSize ?? 10,
    timeoutMs: options.timeoutMs ?? 1000,
    timeoutError: () => new Error('timed out'),
    batchScheduleFn: scheduler.schedule,
    holdMs: options.holdMs,
    sleep: options.sleep,
  });
  return { queue, batches, scheduler };
}

describe('GroupCommitQueue', () => {
  it('commits the items added before its scheduler fires as one batch, and gives each its own result in order', async () => {
    const { queue, batches, scheduler } = queueOf();
    const results = [queue.add(1), queue.add(2), queue.add(3)];
    expect(scheduler.pending).toBe(1);
    expect(batches).toEqual([]);
    scheduler.release();
    expect(await Promise.all(results)).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives during a commit into the next batch, and starts a full batch without waiting for the scheduler', async () => {
    let finish: () => void = () => undefined;
    const { queue, batches, scheduler } = queueOf({
      maxBatchSize: 2,
      commit: (batch) =>
        batch[0] === 1 ? new Promise((resolve) => (finish = () => resolve(batch.map((item) => -item)))) : Promise.resolve(batch.map((item) => -item)),
    });
    const first = queue.add(1);
    scheduler.release();
    await Promise.resolve();
    const later = [queue.add(2), queue.add(3), queue.add(4)];
    expect(queue.size).toBe(3);
    finish();
    expect(await Promise.all([first, ...later])).toEqual([-1, -2, -3, -4]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
    const full = [queue.add(5), queue.add(6)];
    // Full: committed at once, with no scheduler released.
    expect(await Promise.all(full)).toEqual([-5, -6]);
  });

  it('rejects every item of a batch whose commit fails, and goes on with the next', async () => {
    const { queue, scheduler } = queueOf({
      commit: async (batch) => (batch.includes(13) ? Promise.reject(new Error('disk gone')) : batch.map((item) => item)),
    });
    const failing = [queue.add(12), queue.add(13)];
    scheduler.release();
    await expect(failing[0]).rejects.toThrow('disk gone');
    await expect(failing[1]).rejects.toThrow('disk gone');
    const next = queue.add(14);
    scheduler.release();
    expect(await next).toBe(14);
  });

  it('refuses an item not committed within its time limit, and leaves it out of a batch not yet started', async () => {
    const { queue, batches, scheduler } = queueOf({ timeoutMs: 20 });
    const late = queue.add(1);
    await expect(late).rejects.toThrow('timed out');
    scheduler.release();
    await queue.flush();
    expect(batches).toEqual([]);
  });

  it('asks how long to hold a batch for more items, and waits that long before taking it', async () => {
    const holds: number[] = [];
    const slept: number[] = [];
    let added: Promise<number> | null = null;
    const { queue, batches, scheduler } = queueOf({
      holdMs: (queued) => {
        holds.push(queued);
        return queued === 1 ? 5 : 0;
      },
      sleep: async (ms) => {
        slept.push(ms);
        // Another request's record arrives during the hold and joins the batch.
        added = queue.add(2);
      },
    });
    const first = queue.add(1);
    scheduler.release();
    expect(await first).toBe(2);
    expect(await added).toBe(4);
    expect(slept).toEqual([5]);
    expect(holds[0]).toBe(1);
    expect(batches).toEqual([[1, 2]]);
  });

  it('flush commits what is queued without the scheduler', async () => {
    const { queue, batches } = queueOf();
    const result = queue.add(7);
    await queue.flush();
    expect(await result).toBe(14);
    expect(batches).toEqual([[7]]);
  });
});
