import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ReplicaCountConfig } from '../../common/config';
import { HeartbeatRepository } from './heartbeatRepository';

/** The replica count's bounds and heartbeat when the configuration says nothing. */
export const DEFAULT_REPLICA_COUNT: ReplicaCountConfig = { heartbeatMs: 10_000, floor: 1, ceiling: 16 };

/** Given the live instances counted and the bounds, returns the count a quota is divided by. */
export function boundedReplicaCount(live: number, bounds: Pick<ReplicaCountConfig, 'floor' | 'ceiling'>): number {
  return Math.min(bounds.ceiling, Math.max(bounds.floor, live));
}

export interface ReplicaHeartbeatOptions {
  db: Knex;
  /** This gateway's instance (GATEWAY_INSTANCE). */
  instance: string;
  config: ReplicaCountConfig;
  logger: Logger;
  now?: () => Date;
}

/**
 * Each gateway's heartbeat in the gateway database, every heartbeatMs, and the count of live replicas read back with
 * it: the instances seen within two intervals (one missed beat is not a death), within the floor and ceiling. While
 * the database cannot be reached, the last count stands. replicas() answers at once, from memory.
 */
export class ReplicaHeartbeat {
  private readonly repository: HeartbeatRepository;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private live: number;
  private failing = false;

  constructor(private readonly options: ReplicaHeartbeatOptions) {
    this.repository = new HeartbeatRepository(options.db);
    this.now = options.now ?? (() => new Date());
    this.live = boundedReplicaCount(1, options.config);
  }

  /** The number of replicas a quota is shared by while Redis is down. */
  replicas(): number {
    return this.live;
  }

  /** Writes this gateway's heartbeat and reads the count of live replicas; a failure keeps the last count and is logged once. */
  async beat(): Promise<number> {
    try {
      const now = this.now();
      await this.repository.beat(this.options.instance, now);
      const seen = await this.repository.seenSince(new Date(now.getTime() - 2 * this.options.config.heartbeatMs));
      this.live = boundedReplicaCount(seen, this.options.config);
      if (this.failing) this.options.logger.info({ replicas: this.live }, 'replica heartbeat written again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.options.logger.warn({ err: error, replicas: this.live }, 'replica heartbeat failed: the last count of replicas stands');
      this.failing = true;
    }
    return this.live;
  }

  /** Beats at once, then every heartbeatMs until stop(). */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.config.heartbeatMs);
    this.timer.unref();
  }

  /** Stops beating and removes this gateway's heartbeat, so that the others count one fewer at their next beat. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.repository.forget(this.options.instance).catch(() => undefined);
  }
}
