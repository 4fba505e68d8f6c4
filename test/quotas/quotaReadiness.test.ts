import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../common/config';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform, unusedUrl } from '../helpers/platform';

const SCHOOL = '{ schoolsByCommune(communeCode: "40778", first: 1) { nodes { name } } }';

async function ready(seeded: SeededPlatform): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(new URL('/ready', seeded.platform.gateway.url));
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function statuses(seeded: SeededPlatform, count: number): Promise<number[]> {
  const answers: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SCHOOL }),
    });
    answers.push(response.status);
  }
  return answers;
}

describe('quotas counted in Redis, as the gateway reports them', () => {
  it('with Redis out of reach: ready but degraded on "redis", and the quotas still hold, counted locally', async () => {
    const port = new URL(await unusedUrl()).port;
    const seeded = await startSeededPlatform(5, {
      quotas: { redisUrl: `redis://127.0.0.1:${port}`, redisKeyPrefix: `dsp-test:${randomUUID()}:`, requestsPerMinute: 2, costPerMinute: 100_000 },
    });
    try {
      expect(await statuses(seeded, 3)).toEqual([200, 200, 429]);
      const { status, body } = await ready(seeded);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ready', failing: [], degraded: ['redis'], dependencies: { redis: { status: 'degraded' } } });
      expect(JSON.stringify(body)).not.toContain(port);
    } finally {
      await seeded.stop();
    }
  });

  it('with Redis reachable: "redis" up, counting shared; its heartbeat written, and removed at a clean stop', async () => {
    const seeded = await startSeededPlatform(5, {
      quotas: { redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: `dsp-test:${randomUUID()}:`, requestsPerMinute: 2, costPerMinute: 100_000 },
    });
    const heartbeats = () => seeded.databases.databases.gateway('gateway_heartbeats').pluck('instance');
    let platformStopped = false;
    try {
      // The first readiness round may come before the connection is made.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const { status, body } = await ready(seeded);
      expect(status).toBe(200);
      expect(body.degraded).toBeUndefined();
      expect(body.dependencies.redis).toEqual({ status: 'up', counting: 'shared' });
      expect(await statuses(seeded, 3)).toEqual([200, 200, 429]);
      expect(await heartbeats()).toEqual(['gateway-1']);
      await seeded.platform.stop();
      platformStopped = true;
      expect(await heartbeats()).toEqual([]);
    } finally {
      if (platformStopped) await seeded.databases.destroy();
      else await seeded.stop();
    }
  });
});

describe('quota configuration', () => {
  it('has documented defaults, and refuses a bad value with a message naming it', () => {
    expect(loadConfig({}).quotas).toEqual({
      redisUrl: null,
      redisKeyPrefix: 'dsp:',
      requestsPerMinute: 600,
      costPerMinute: 300_000,
      replicas: { heartbeatMs: 10_000, floor: 1, ceiling: 16 },
    });
    expect(loadConfig({ QUOTA_REPLICAS_MIN: '3', QUOTA_REPLICAS_MAX: '8', QUOTA_HEARTBEAT_MS: '2000' }).quotas.replicas).toEqual({
      heartbeatMs: 2000,
      floor: 3,
      ceiling: 8,
    });
    expect(() => loadConfig({ QUOTA_REPLICAS_MIN: '4', QUOTA_REPLICAS_MAX: '2' })).toThrow(/QUOTA_REPLICAS_MIN must not exceed QUOTA_REPLICAS_MAX/);
    expect(() => loadConfig({ QUOTA_REPLICAS_MAX: '0' })).toThrow(/QUOTA_REPLICAS_MAX must be a whole number from 1/);
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ QUOTA_REQUESTS_PER_MINUTE: '0' })).toThrow(/QUOTA_REQUESTS_PER_MINUTE must be a whole number from 1/);
    expect(() => loadConfig({ QUOTA_COST_PER_MINUTE: 'lots' })).toThrow(/QUOTA_COST_PER_MINUTE must be a whole number/);
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'a b' })).toThrow(/REDIS_KEY_PREFIX may hold only/);
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379/2', QUOTA_REQUESTS_PER_MINUTE: '1200' }).quotas).toMatchObject({
      redisUrl: 'redis://cache:6379/2',
      requestsPerMinute: 1200,
    });
  });
});
