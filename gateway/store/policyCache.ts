import type { PolicyRepository } from './policyRepository';
import type { StoreSnapshot } from './types';

export interface PolicyCacheOptions {
  repository: PolicyRepository;
  /** How often the store's version is polled; a change elsewhere is seen within this delay plus one load. */
  refreshMs: number;
  /** Told when a poll fails; the last snapshot stays in use meanwhile. */
  onError?: (error: unknown) => void;
  /** Told when a new snapshot replaces the previous one. */
  onReload?: (snapshot: StoreSnapshot) => void;
}

/**
 * Holds the current snapshot of the policy store for one gateway. Every refreshMs it reads the store's
 * version (one cheap statement) and reloads the snapshot only when the version moved, so that a steward's
 * change made through any gateway reaches every running gateway without a restart.
 */
export class PolicyCache {
  private snapshot: StoreSnapshot | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private loadsStarted = 0;
  private loadApplied = 0;

  constructor(private readonly options: PolicyCacheOptions) {}

  /** Loads the first snapshot and starts polling; fails when the store cannot be read at all. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.refreshNow();
    this.schedule();
  }

  /** Returns the snapshot in use; throws before start() has loaded one. */
  current(): StoreSnapshot {
    if (!this.snapshot) throw new Error('the policy cache has not been started');
    return this.snapshot;
  }

  /** Reloads the snapshot now, whatever the version says, and returns it (after a local change, say). */
  async refreshNow(): Promise<StoreSnapshot> {
    const sequence = ++this.loadsStarted;
    const snapshot = await this.options.repository.loadSnapshot();
    // Loads may overlap: one that started earlier, and so may predate a change, never replaces a later one.
    if (sequence > this.loadApplied) {
      this.loadApplied = sequence;
      this.snapshot = snapshot;
      this.options.onReload?.(snapshot);
    }
    return this.snapshot!;
  }

  /** Stops polling; the last snapshot stays readable. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    // One poll at a time: the next is planned when the previous has finished, however slow the store is.
    this.timer = setTimeout(() => {
      this.poll().finally(() => this.schedule());
    }, this.options.refreshMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      const version = await this.options.repository.version();
      if (this.snapshot === null || version !== this.snapshot.version) await this.refreshNow();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
