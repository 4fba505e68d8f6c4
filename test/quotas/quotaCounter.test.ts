import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { QuotaCounter } from '../../gateway/quotas/quotaCounter';
import type { AppliedQuota } from '../../gateway/quotas/quotaTypes';
import { quotaRedis, redisCheck } from '../../gateway/quotas/redisConnection';
import { runChecks } from '../../common/readiness';
import { unusedUrl } from '../helpers/platform';
import { startTcpProxy } from '../helpers/tcpProxy';

const REDIS_PORT = 6379;
const silent = pino({ level: 'silent' });

function quota(requestsPerMinute: number, costPerMinute: number, key = `agency:H56.${randomUUID().slice(0, 6)}`): AppliedQuota {
  return { key, agencyCode: 'H56.10', requestsPerMinute, costPerMinute };
}

/** Given a counter, a quota and a number of requests of a cost, counts them and returns how many were allowed. */
async function allowedOf(counter: QuotaCounter, applied: AppliedQuota, requests: number, cost = 1): Promise<number> {
  let allowed = 0;
  for (let index = 0; index < requests; index += 1) if ((await counter.consume(applied, cost)).allowed) allowed += 1;
  return allowed;
}

function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('QuotaCounter in memory', () => {
  it('allows the requests of the minute and refuses the next, with the budget, the limit and when it resets', async () => {
    const counter = new QuotaCounter({ redis: null, keyPrefix: 'test:' });
    const applied = quota(5, 1000);
    expect(await allowedOf(counter, applied, 5)).toBe(5);
    const refused = await counter.consume(applied, 1);
    expect(refused).toMatchObject({ allowed: false, budget: 'requests', limit: 5, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    // Another agency's count is its own.
    expect((await counter.consume(quota(5, 1000), 1)).allowed).toBe(true);
  });

  it('refuses the request whose cost would overrun the cost budget, and gives that cost back', async () => {
    const counter = new QuotaCounter({ redis: null, keyPrefix: 'test:' });
    const applied = quota(100, 100);
    expect(await counter.consume(applied, 60)).toMatchObject({ allowed: true, budget: 'cost', remaining: 40 });
    expect(await counter.consume(applied, 50)).toMatchObject({ allowed: false, budget: 'cost', limit: 100, remaining: 40 });
    // The refused 50 were not kept: 40 still fit.
    expect(await counter.consume(applied, 40)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await counter.consume(applied, 1)).allowed).toBe(false);
  });

  it('spends none of the cost budget on a request its requests budget refuses', async () => {
    const counter = new QuotaCounter({ redis: null, keyPrefix: 'test:' });
    const key = `agency:H56.${randomUUID().slice(0, 6)}`;
    expect(await allowedOf(counter, quota(2, 100, key), 3, 30)).toBe(2);
    // Raised to 10 requests: the refused request's 30 were given back, so 40 of the 100 remain.
    expect(await counter.consume(quota(10, 100, key), 40)).toMatchObject({ allowed: true, budget: 'cost', remaining: 0 });
    expect(await counter.consume(quota(10, 100, key), 1)).toMatchObject({ allowed: false, budget: 'cost' });
  });

  it('reports the budget nearer its end, and keeps the count when a steward changes the limit', async () => {
    const counter = new QuotaCounter({ redis: null, keyPrefix: 'test:' });
    const key = `agency:H56.${randomUUID().slice(0, 6)}`;
    expect(await counter.consume(quota(10, 1000, key), 1)).toMatchObject({ budget: 'requests', remaining: 9 });
    expect(await counter.consume(quota(10, 1000, key), 900)).toMatchObject({ budget: 'cost', remaining: 99 });
    // Lowered to 2 requests: the two counted already use it up.
    expect(await counter.consume(quota(2, 1000, key), 1)).toMatchObject({ allowed: false, budget: 'requests', limit: 2 });
  });
});

describe('QuotaCounter in Redis', () => {
  const prefix = () => `dsp-test:${randomUUID()}:`;

  it('counts once for every counter over the same Redis: the replicas share the quota', async () => {
    const one = quotaRedis(`redis://127.0.0.1:${REDIS_PORT}`, silent);
    const two = quotaRedis(`redis://127.0.0.1:${REDIS_PORT}`, silent);
    try {
      await waitFor(() => one.status === 'ready' && two.status === 'ready', 5000);
      const keyPrefix = prefix();
      const first = new QuotaCounter({ redis: one, keyPrefix });
      const second = new QuotaCounter({ redis: two, keyPrefix });
      const applied = quota(10, 1_000_000);
      const counts = await Promise.all([allowedOf(first, applied, 8), allowedOf(second, applied, 8)]);
      expect(counts[0]! + counts[1]!).toBe(10);
      const stored = new Redis(REDIS_PORT, '127.0.0.1');
      try {
        expect(Number(await stored.get(`${keyPrefix}quota:requests:${applied.key}`))).toBe(16);
        expect(await stored.pttl(`${keyPrefix}quota:requests:${applied.key}`)).toBeGreaterThan(50_000);
      } finally {
        stored.disconnect();
      }
    } finally {
      one.disconnect();
      two.disconnect();
    }
  });

  it("counts a request's two budgets in one round trip, and keeps no cost of a request its requests budget refuses", async () => {
    const redis = quotaRedis(`redis://127.0.0.1:${REDIS_PORT}`, silent);
    const stored = new Redis(REDIS_PORT, '127.0.0.1');
    try {
      await waitFor(() => redis.status === 'ready', 5000);
      const keyPrefix = prefix();
      const counter = new QuotaCounter({ redis, keyPrefix });
      const applied = quota(2, 1000);
      await counter.consume(applied, 5);
      // Once its scripts are loaded, a count is one write to Redis (and one answer), whichever budgets it counts.
      const socket = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
      const write = socket.write.bind(socket);
      let writes = 0;
      socket.write = (...args: unknown[]) => {
        writes += 1;
        return write(...args);
      };
      try {
        expect(await counter.consume(applied, 5)).toMatchObject({ allowed: true });
        expect(writes).toBe(1);
      } finally {
        socket.write = write;
      }
      expect(await counter.consume(applied, 5)).toMatchObject({ allowed: false, budget: 'requests' });
      expect(Number(await stored.get(`${keyPrefix}quota:requests:${applied.key}`))).toBe(3);
      expect(Number(await stored.get(`${keyPrefix}quota:cost:${applied.key}`))).toBe(10);
    } finally {
      redis.disconnect();
      stored.disconnect();
    }
  });

  it('counts locally when Redis cannot be reached: never unlimited, never refusing everyone; readiness says degraded', async () => {
    const port = new URL(await unusedUrl()).port;
    const redis = quotaRedis(`redis://127.0.0.1:${port}`, silent);
    try {
      const counter = new QuotaCounter({ redis, keyPrefix: prefix() });
      const applied = quota(3, 1_000_000);
      expect(await allowedOf(counter, applied, 5)).toBe(3);
      expect((await counter.consume(quota(3, 1_000_000), 1)).allowed).toBe(true);
      const report = await runChecks([redisCheck(redis)], 500);
      expect(report.status).toBe('ready');
      expect(report.degraded).toEqual(['redis']);
      expect(report.dependencies.redis).toMatchObject({ status: 'degraded' });
      expect(JSON.stringify(report)).not.toContain(port);
    } finally {
      redis.disconnect();
    }
  });

  it('while Redis is down, each of N replicas allows its share of the quota, so that together they allow it once', async () => {
    const port = new URL(await unusedUrl()).port;
    const clients = [0, 1, 2].map(() => quotaRedis(`redis://127.0.0.1:${port}`, silent));
    try {
      let replicas = 3;
      const keyPrefix = prefix();
      const counters = clients.map((redis) => new QuotaCounter({ redis, keyPrefix, replicas: () => replicas }));
      const applied = quota(10, 1_000_000);
      const allowed = [];
      for (const counter of counters) allowed.push(await allowedOf(counter, applied, 10));
      // 10 over 3 replicas: 3 each, 9 in all, never more than the quota.
      expect(allowed).toEqual([3, 3, 3]);
      const refused = await counters[0]!.consume(applied, 1);
      expect(refused).toMatchObject({ allowed: false, budget: 'requests', limit: 3, remaining: 0 });
      // The cost budget is shared the same way: 1000 over 3 is 333 each.
      const costly = quota(1000, 1000);
      expect(await allowedOf(counters[1]!, costly, 5, 100)).toBe(3);
      // One replica left: it allows the whole quota.
      replicas = 1;
      expect(await allowedOf(counters[2]!, quota(4, 1_000_000), 6)).toBe(4);
    } finally {
      for (const redis of clients) redis.disconnect();
    }
  });

  it('counts the whole quota in Redis whatever the replicas, and without Redis configured leaves each process its whole quota', async () => {
    const redis = quotaRedis(`redis://127.0.0.1:${REDIS_PORT}`, silent);
    try {
      await waitFor(() => redis.status === 'ready', 5000);
      const keyPrefix = prefix();
      const [one, two] = [0, 1].map(() => new QuotaCounter({ redis, keyPrefix, replicas: () => 2 }));
      const applied = quota(6, 1_000_000);
      expect((await allowedOf(one!, applied, 4)) + (await allowedOf(two!, applied, 4))).toBe(6);
      expect(await allowedOf(new QuotaCounter({ redis: null, keyPrefix, replicas: () => 2 }), quota(6, 1_000_000), 8)).toBe(6);
    } finally {
      redis.disconnect();
    }
  });

  it('goes on counting when Redis goes away mid-run, and counts in Redis again once it is back', async () => {
    const proxy = await startTcpProxy(REDIS_PORT);
    const redis = quotaRedis(`redis://127.0.0.1:${proxy.port}`, silent);
    try {
      await waitFor(() => redis.status === 'ready', 5000);
      const counter = new QuotaCounter({ redis, keyPrefix: prefix() });
      const applied = quota(6, 1_000_000);
      expect(await allowedOf(counter, applied, 2)).toBe(2);
      expect((await runChecks([redisCheck(redis)], 500)).dependencies.redis).toEqual({ status: 'up', counting: 'shared' });

      await proxy.cut();
      await waitFor(() => redis.status !== 'ready', 5000);
      // The local count starts afresh: at most the whole quota more, and then refusals, never unlimited.
      const duringOutage = await allowedOf(counter, applied, 10);
      expect(duringOutage).toBe(6);
      expect((await runChecks([redisCheck(redis)], 500)).degraded).toEqual(['redis']);

      await proxy.restore();
      await waitFor(() => redis.status === 'ready', 10_000);
      // Redis's count went on from the 2 it held.
      expect(await allowedOf(counter, applied, 10)).toBe(4);
      expect((await runChecks([redisCheck(redis)], 500)).status).toBe('ready');
    } finally {
      redis.disconnect();
      await proxy.stop();
    }
  });
});
