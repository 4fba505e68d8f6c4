import pino from 'pino';
import { ReplicaHeartbeat, boundedReplicaCount } from '../../gateway/quotas/replicaHeartbeat';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const silent = pino({ level: 'silent' });
const config = { heartbeatMs: 10_000, floor: 1, ceiling: 16 };

describe('boundedReplicaCount', () => {
  it('keeps the count of live replicas within the floor and the ceiling', () => {
    expect(boundedReplicaCount(0, { floor: 1, ceiling: 16 })).toBe(1);
    expect(boundedReplicaCount(3, { floor: 1, ceiling: 16 })).toBe(3);
    expect(boundedReplicaCount(3, { floor: 4, ceiling: 16 })).toBe(4);
    expect(boundedReplicaCount(40, { floor: 1, ceiling: 16 })).toBe(16);
  });
});

describe('ReplicaHeartbeat', () => {
  let databases: TestDatabases;
  let clock = Date.parse('2026-12-01T10:00:00.000Z');
  const now = () => new Date(clock);
  const heartbeat = (instance: string, overrides: Partial<typeof config> = {}) =>
    new ReplicaHeartbeat({ db: databases.databases.gateway, instance, config: { ...config, ...overrides }, logger: silent, now });

  beforeAll(async () => {
    databases = await createTestDatabases();
  });

  afterAll(async () => {
    await databases?.destroy();
  });

  it('counts the instances seen within two heartbeats, itself included, and drops one that stopped beating or stopped cleanly', async () => {
    const [one, two, three] = ['gw-a', 'gw-b', 'gw-c'].map((instance) => heartbeat(instance));
    expect(one!.replicas()).toBe(1);
    expect(await one!.beat()).toBe(1);
    await two!.beat();
    expect(await three!.beat()).toBe(3);
    expect(await one!.beat()).toBe(3);
    // gw-c misses one beat: still counted; two: gone.
    clock += 15_000;
    await one!.beat();
    expect(await two!.beat()).toBe(3);
    clock += 10_000;
    expect(await one!.beat()).toBe(2);
    expect(one!.replicas()).toBe(2);
    await two!.stop();
    expect(await one!.beat()).toBe(1);
    await one!.stop();
    expect(await databases.databases.gateway('gateway_heartbeats').pluck('instance')).toEqual(['gw-c']);
  });

  it('applies the configured floor and ceiling', async () => {
    clock += 60_000;
    for (const instance of ['gw-1', 'gw-2', 'gw-3']) await heartbeat(instance).beat();
    expect(await heartbeat('gw-4', { ceiling: 2 }).beat()).toBe(2);
    clock += 60_000;
    expect(await heartbeat('gw-5', { floor: 3 }).beat()).toBe(3);
  });

  it('keeps the last count while the database cannot be reached', async () => {
    clock += 60_000;
    await heartbeat('gw-x').beat();
    let reachable = true;
    const gateway = databases.databases.gateway;
    const flaky = ((table: string) => {
      if (!reachable) throw new Error('database unreachable');
      return gateway(table);
    }) as unknown as typeof gateway;
    const beating = new ReplicaHeartbeat({ db: flaky, instance: 'gw-y', config, logger: silent, now });
    expect(await beating.beat()).toBe(2);
    reachable = false;
    clock += 60_000;
    expect(await beating.beat()).toBe(2);
    expect(beating.replicas()).toBe(2);
    reachable = true;
    expect(await beating.beat()).toBe(1);
  });
});
