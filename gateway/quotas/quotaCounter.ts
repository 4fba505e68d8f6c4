import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppliedQuota, QuotaBudget, QuotaVerdict } from './quotaTypes';
import { QUOTA_WINDOW_SECONDS } from './quotaTypes';

/**
 * The counters hold any count: each agency's limit is compared here, so that a steward's change of a limit keeps
 * what was counted in the current window rather than starting a new count.
 */
const UNBOUNDED_POINTS = Number.MAX_SAFE_INTEGER;

export interface QuotaCounterOptions {
  /** Where every replica counts together; null: this process counts alone, in memory. */
  redis: Redis | null;
  /** Prefixes the counters' keys in Redis. */
  keyPrefix: string;
  /**
   * How many replicas share a quota (their heartbeats, replicaHeartbeat.ts): while Redis is down each one counts
   * alone and allows its share of the limit, so that together they allow the quota once. 1 when left out.
   */
  replicas?: () => number;
}

/** Where a count was made: in Redis for every replica, or in this process alone. */
interface Counted {
  counted: RateLimiterRes;
  local: boolean;
}

/** One budget's counter: in Redis with a local counter for when Redis cannot be reached, or in memory alone. */
class BudgetCounter {
  private readonly local: RateLimiterMemory;
  private readonly shared: RateLimiterRedis | null;

  constructor(options: QuotaCounterOptions, budget: QuotaBudget) {
    const keyPrefix = `${options.keyPrefix}quota:${budget}`;
    this.local = new RateLimiterMemory({ points: UNBOUNDED_POINTS, duration: QUOTA_WINDOW_SECONDS, keyPrefix });
    this.shared = options.redis
      ? new RateLimiterRedis({ storeClient: options.redis, points: UNBOUNDED_POINTS, duration: QUOTA_WINDOW_SECONDS, keyPrefix, rejectIfRedisNotReady: true })
      : null;
  }

  /** Given a key and points, counts them in Redis, or locally at once when Redis is down or not yet connected. */
  async consume(key: string, points: number): Promise<Counted> {
    if (!this.shared) return { counted: await this.local.consume(key, points), local: true };
    try {
      return { counted: await this.shared.consume(key, points), local: false };
    } catch (error) {
      // A count over the points is a result, never reached with unbounded points; anything else is Redis unreachable.
      if (error instanceof RateLimiterRes) return { counted: error, local: false };
      return { counted: await this.local.consume(key, points), local: true };
    }
  }

  /** Given a key, points and where they were counted, gives them back there. */
  async reward(key: string, points: number, local: boolean): Promise<void> {
    if (local || !this.shared) await this.local.reward(key, points);
    else await this.shared.reward(key, points).catch(() => this.local.reward(key, points));
  }

  /** Whether a local count stands in for Redis (Redis configured but not reached), rather than being the only count. */
  standsIn(counted: Counted): boolean {
    return counted.local && this.shared !== null;
  }
}

function verdictOf(allowed: boolean, budget: QuotaBudget, limit: number, counted: RateLimiterRes): QuotaVerdict {
  return {
    allowed,
    budget,
    limit,
    remaining: Math.max(0, limit - counted.consumedPoints),
    resetSeconds: Math.max(1, Math.ceil(counted.msBeforeNext / 1000)),
  };
}

/**
 * Counts each caller's requests and query cost in fixed one-minute windows (rate-limiter-flexible), in Redis when
 * one is configured so that every replica counts together, in this process otherwise. While a configured Redis
 * cannot be reached, each replica counts locally against its share of the limit (the limit over the live
 * replicas). Both budgets are counted together; a request that either refuses has its cost given back, so that a
 * refused request costs only its request.
 */
export class QuotaCounter {
  private readonly requests: BudgetCounter;
  private readonly cost: BudgetCounter;
  private readonly replicas: () => number;

  constructor(options: QuotaCounterOptions) {
    this.requests = new BudgetCounter(options, 'requests');
    this.cost = new BudgetCounter(options, 'cost');
    this.replicas = options.replicas ?? (() => 1);
  }

  /** Given a limit and where it was counted, returns the limit that applies there: this replica's share while it stands in for Redis. */
  private limitFor(limit: number, counter: BudgetCounter, counted: Counted): number {
    return counter.standsIn(counted) ? Math.max(1, Math.floor(limit / Math.max(1, this.replicas()))) : limit;
  }

  /** Given the quota a request is counted against and its cost, counts it and returns whether it may run. */
  async consume(quota: AppliedQuota, cost: number): Promise<QuotaVerdict> {
    // Every operation costs at least its one field.
    const points = Math.max(1, Math.ceil(cost));
    // Both budgets are counted at once: with Redis, one round trip carries both (the client pipelines what is sent in the same turn).
    const [requests, spent] = await Promise.all([this.requests.consume(quota.key, 1), this.cost.consume(quota.key, points)]);
    const requestLimit = this.limitFor(quota.requestsPerMinute, this.requests, requests);
    const afterRequests = verdictOf(requests.counted.consumedPoints <= requestLimit, 'requests', requestLimit, requests.counted);
    if (!afterRequests.allowed) {
      // Refused by its requests budget, a request spends none of its cost budget.
      await this.cost.reward(quota.key, points, spent.local);
      return afterRequests;
    }
    const costLimit = this.limitFor(quota.costPerMinute, this.cost, spent);
    const afterCost = verdictOf(spent.counted.consumedPoints <= costLimit, 'cost', costLimit, spent.counted);
    if (!afterCost.allowed) {
      await this.cost.reward(quota.key, points, spent.local);
      return { ...afterCost, remaining: Math.max(0, costLimit - (spent.counted.consumedPoints - points)) };
    }
    // Reported: the budget nearer its end, as a share of its limit.
    return afterCost.remaining / afterCost.limit < afterRequests.remaining / afterRequests.limit ? afterCost : afterRequests;
  }
}
