import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
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
}

/** One budget's counter: in Redis with a local counter as its insurance, or in memory alone. */
function budgetCounter(options: QuotaCounterOptions, budget: QuotaBudget): RateLimiterAbstract {
  const keyPrefix = `${options.keyPrefix}quota:${budget}`;
  const local = new RateLimiterMemory({ points: UNBOUNDED_POINTS, duration: QUOTA_WINDOW_SECONDS, keyPrefix });
  if (!options.redis) return local;
  // Redis down or not yet connected: the local counter counts at once (never unlimited, never refusing everyone).
  return new RateLimiterRedis({
    storeClient: options.redis,
    points: UNBOUNDED_POINTS,
    duration: QUOTA_WINDOW_SECONDS,
    keyPrefix,
    rejectIfRedisNotReady: true,
    insuranceLimiter: local,
  });
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
 * one is configured so that every replica counts together, in this process otherwise. A request over its
 * requests budget is refused without touching its cost budget; one whose cost would overrun the cost budget is
 * refused and its cost given back, so that a refused request costs only its request.
 */
export class QuotaCounter {
  private readonly requests: RateLimiterAbstract;
  private readonly cost: RateLimiterAbstract;

  constructor(options: QuotaCounterOptions) {
    this.requests = budgetCounter(options, 'requests');
    this.cost = budgetCounter(options, 'cost');
  }

  /** Given the quota a request is counted against and its cost, counts it and returns whether it may run. */
  async consume(quota: AppliedQuota, cost: number): Promise<QuotaVerdict> {
    const requests = await this.requests.consume(quota.key, 1);
    const afterRequests = verdictOf(requests.consumedPoints <= quota.requestsPerMinute, 'requests', quota.requestsPerMinute, requests);
    if (!afterRequests.allowed) return afterRequests;
    // Every operation costs at least its one field.
    const points = Math.max(1, Math.ceil(cost));
    const spent = await this.cost.consume(quota.key, points);
    const afterCost = verdictOf(spent.consumedPoints <= quota.costPerMinute, 'cost', quota.costPerMinute, spent);
    if (!afterCost.allowed) {
      await this.cost.reward(quota.key, points);
      return { ...afterCost, remaining: Math.max(0, quota.costPerMinute - (spent.consumedPoints - points)) };
    }
    // Reported: the budget nearer its end, as a share of its limit.
    return afterCost.remaining / afterCost.limit < afterRequests.remaining / afterRequests.limit ? afterCost : afterRequests;
  }
}
