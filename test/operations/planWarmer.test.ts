import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { parse, print } from 'graphql';
import knex from 'knex';
import type { Logger } from 'pino';
import type { SectorName } from '../../common/sectors';
import { withCitizenIdProbe } from '../../gateway/audit/citizenProbe';
import { SCOPE_PROBE } from '../../gateway/enforcement/scopeProbe';
import type { GatewayPlanCache } from '../../gateway/operations/gatewayPlanCache';
import { gatewayPlanCache, planStoreKey } from '../../gateway/operations/gatewayPlanCache';
import { operationId } from '../../gateway/operations/manifest';
import { PlanWarmer } from '../../gateway/operations/planWarmer';
import { plansToWarm } from '../../gateway/operations/planWarming';
import type { ApprovedOperation } from '../../gateway/operations/types';
import { apiSchemaOf, buildCatalog } from '../../gateway/policy/catalog';
import type { Agency, Grant } from '../../gateway/policy/types';
import type { PolicyCache } from '../../gateway/store/policyCache';
import type { StoreSnapshot } from '../../gateway/store/types';
import { SUPERGRAPH_PATH } from '../../schema/load';
import { gatewayReadiness } from '../../system/readiness';

const SUPERGRAPH = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const schema = apiSchemaOf(SUPERGRAPH);
const catalog = buildCatalog(SUPERGRAPH);
const LAND = 'H56.20';
const WARD = 'H56.99.40778';
const IDENTITY = 'query CitizenIdentity($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';
const NAMES = 'query CitizenNames($id: ID!) { citizen(nationalId: $id) { fullName } }';
const RESIDENCE = 'query CitizenResidence($id: ID!) { citizen(nationalId: $id) { currentResidence { addressLine } } }';

const agency = (code: string): Agency => ({ code, name: code, sector: null, unitCodes: [], steward: false });

/** Given an agency, a purpose and a row scope, returns its grants on citizens' identity, nationalId masked for the land office. */
function grantsOf(code: string, purpose: 'LAND_REGISTRATION' | 'PUBLIC_SERVICE', scopeUnitCodes: string[] | null): Grant[] {
  const base = {
    agencyCode: code,
    purposes: [purpose],
    legalBasis: 'test',
    legalInstruments: ['47/2020/NĐ-CP'],
    scopeUnitCodes,
    validFrom: '2020-01-01T00:00:00.000Z',
    validTo: null,
    revokedAt: null,
  };
  return [
    {
      ...base,
      id: `${code}-1`,
      target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Citizen', 'Residence'] },
      masks: scopeUnitCodes ? [] : [{ coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' }],
    },
    { ...base, id: `${code}-2`, target: { kind: 'FIELD', coordinate: 'Query.citizen' }, masks: [] },
  ];
}

const registered = (body: string, application = 'web'): ApprovedOperation => ({
  id: operationId(body),
  name: /query (\w+)/.exec(body)![1]!,
  type: 'query',
  body,
  application,
});

/** A policy with the land office (masked) and a ward office (its ward's rows only), each with the given operations registered. */
function snapshotWith(version: number, land: string[], ward: string[]): StoreSnapshot {
  return {
    version,
    agencies: new Map([LAND, WARD].map((code) => [code, agency(code)])),
    grantsByAgency: new Map([
      [LAND, grantsOf(LAND, 'LAND_REGISTRATION', null)],
      [WARD, grantsOf(WARD, 'PUBLIC_SERVICE', ['40778'])],
    ]),
    credentials: new Map(),
    approvedOperations: new Map([
      [LAND, { mode: 'off' as const, byId: new Map(land.map((body) => [operationId(body), registered(body)])) }],
      [WARD, { mode: 'enforce' as const, byId: new Map(ward.map((body) => [operationId(body), registered(body)])) }],
    ]),
  };
}

/** A plan cache in memory, as gatewayPlanCache gives the gateway's: each plan a numbered object. */
function memoryCache(): GatewayPlanCache & { stored: Map<string, unknown>; built: number } {
  const stored = new Map<string, unknown>();
  const cache = {
    stored,
    built: 0,
    schema: () => schema,
    has: async (key: string) => stored.has(key),
    plan: () => ({ plan: ++cache.built }),
    store: async (key: string, plan: unknown) => void stored.set(key, plan),
  };
  return cache;
}

const quietLogger = () => ({ warn: jest.fn(), info: jest.fn() }) as unknown as Logger & { warn: jest.Mock; info: jest.Mock };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const planning = { schema, catalog };
const now = new Date('2026-06-01T00:00:00Z');

describe('plansToWarm', () => {
  const snapshot = snapshotWith(1, [IDENTITY], [IDENTITY]);

  it("keys an operation the policy leaves as it is by the audit probe's hash, with and without its name", () => {
    const plans = plansToWarm(planning, agency(LAND), registered(IDENTITY), snapshot, now, { mode: 'deny', audited: true });
    const probed = sha256(print(withCitizenIdProbe(schema, parse(IDENTITY))));
    expect(plans.map((plan) => plan.keys)).toEqual([[planStoreKey(probed, 'CitizenIdentity'), probed]]);
  });

  it("keys it by Apollo Server's query hash of the registered text where nothing rewrites it", () => {
    const plans = plansToWarm(planning, agency(LAND), registered(IDENTITY), snapshot, now, { mode: 'deny', audited: false });
    expect(plans.map((plan) => plan.keys)).toEqual([[planStoreKey(operationId(IDENTITY), 'CitizenIdentity'), operationId(IDENTITY)]]);
  });

  it("gives a row-scoped agency the probed document under keys no other agency's plan has", () => {
    const chain = { mode: 'deny', audited: true } as const;
    const [ward] = plansToWarm(planning, agency(WARD), registered(IDENTITY), snapshot, now, chain);
    const [land] = plansToWarm(planning, agency(LAND), registered(IDENTITY), snapshot, now, chain);
    expect(print(ward!.document)).toContain(SCOPE_PROBE);
    expect(print(land!.document)).not.toContain(SCOPE_PROBE);
    expect(ward!.keys.filter((key) => land!.keys.includes(key))).toEqual([]);
  });

  it('plans, in filter mode, each purpose whose rewrite differs, and in deny mode only what runs', () => {
    const filter = plansToWarm(planning, agency(LAND), registered(RESIDENCE), snapshot, now, { mode: 'filter', audited: true });
    // Allowed for land registration; for every other purpose all is removed: two documents, whatever the purposes.
    expect(filter).toHaveLength(2);
    expect(new Set(filter.flatMap((plan) => plan.keys)).size).toBe(4);
    expect(plansToWarm(planning, agency(LAND), registered(RESIDENCE), snapshot, now, { mode: 'deny', audited: true })).toHaveLength(1);
    const refused = snapshotWith(1, [], []);
    expect(plansToWarm(planning, agency(LAND), registered(RESIDENCE), { ...refused, grantsByAgency: new Map() }, now, { mode: 'deny', audited: true })).toEqual(
      [],
    );
  });

  it('plans nothing for an operation that is not valid against the schema', () => {
    expect(plansToWarm(planning, agency(LAND), registered('query Broken { citizen { nope } }'), snapshot, now, { mode: 'filter', audited: true })).toEqual([]);
  });
});

describe('PlanWarmer', () => {
  const chain = { mode: 'filter', audited: true } as const;
  const snapshot = snapshotWith(7, [IDENTITY, NAMES, RESIDENCE], [IDENTITY]);

  it('stores every plan once, and finds them cached at the next policy version', async () => {
    const cache = memoryCache();
    const warmer = new PlanWarmer({ cache, catalog, chain, logger: quietLogger() });
    const first = await warmer.warm(snapshot);
    expect(first).toMatchObject({ policyVersion: 7, leftOut: 0, failed: 0, unavailable: null });
    expect(first.planned).toBe(cache.stored.size);
    // What filter mode leaves of an operation every field of which is denied is one document, whichever agency sends it.
    expect(first.alreadyCached).toBe(2);
    // Each plan is built once, and stored under its key with and without the operation name.
    expect(cache.built * 2).toBe(cache.stored.size);
    expect(warmer.warm(snapshot)).toBe(warmer.warm({ ...snapshot }));
    const next = await warmer.warm({ ...snapshot, version: 8 });
    expect(next).toMatchObject({ planned: 0, alreadyCached: first.planned + first.alreadyCached });
    // Plans the cache let go are planned again, though nothing else changed.
    cache.stored.clear();
    expect(await warmer.warm({ ...snapshot, version: 9 })).toMatchObject({ planned: first.planned, alreadyCached: first.alreadyCached });
  });

  it("plans anew what an agency's changed grants make it send", async () => {
    const cache = memoryCache();
    const warmer = new PlanWarmer({ cache, catalog, chain, logger: quietLogger() });
    await warmer.warm(snapshot);
    const before = new Set(cache.stored.keys());
    const scoped = new Map(snapshot.grantsByAgency).set(LAND, grantsOf(LAND, 'LAND_REGISTRATION', ['40778']));
    const report = await warmer.warm({ ...snapshot, version: 8, grantsByAgency: scoped });
    // The land office's allowed documents now carry the scope probe, each with and without its name; that of
    // CitizenIdentity is the ward office's already (same grants, same scope), found cached.
    expect(report).toMatchObject({ planned: 4, failed: 0, leftOut: 0 });
    const added = [...cache.stored.keys()].filter((key) => !before.has(key));
    expect(added).toHaveLength(4);
  });

  it('plans no more than its bounds, and counts what it leaves out', async () => {
    const byPlans = memoryCache();
    const plans = await new PlanWarmer({ cache: byPlans, catalog, chain, logger: quietLogger(), maxPlans: 3 }).warm(snapshot);
    expect(plans.planned).toBeLessThanOrEqual(3);
    expect(byPlans.stored.size).toBe(plans.planned);
    expect(plans.leftOut).toBeGreaterThan(0);
    const byOperations = memoryCache();
    const operations = await new PlanWarmer({ cache: byOperations, catalog, chain, logger: quietLogger(), maxOperations: 1 }).warm(snapshot);
    expect(operations.leftOut).toBe(3);
    // The ward office runs registered operations only: it comes first.
    expect([...byOperations.stored.values()]).toHaveLength(plansToWarm(planning, agency(WARD), registered(IDENTITY), snapshot, now, chain).length * 2);
  });

  it('stops a run when a newer policy comes, and plans that one', async () => {
    const cache = memoryCache();
    const warmer = new PlanWarmer({ cache, catalog, chain, logger: quietLogger() });
    const older = warmer.warm(snapshot);
    const newer = warmer.warm({ ...snapshot, version: 9 });
    expect(await older).toMatchObject({ planned: 0, leftOut: 4 });
    expect((await newer).planned).toBe(cache.stored.size);
    expect(await warmer.idle()).toBe(await newer);
  });

  it('logs and counts an operation it cannot plan, and goes on with the others', async () => {
    const cache = memoryCache();
    const logger = quietLogger();
    let calls = 0;
    cache.plan = () => {
      calls += 1;
      if (calls === 1) throw new Error('planning failed');
      return { plan: calls };
    };
    const report = await new PlanWarmer({ cache, catalog, chain, logger }).warm(snapshot);
    expect(report.failed).toBe(1);
    expect(report.planned).toBeGreaterThan(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ agencyCode: WARD, operationId: operationId(IDENTITY) }), expect.any(String));
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('citizen(nationalId');
  });

  it('says once, and plans nothing, when the gateway cache cannot be reached', async () => {
    const logger = quietLogger();
    const warmer = new PlanWarmer({ cache: { unavailable: '@apollo/gateway has no usable private field "queryPlanStore"' }, catalog, chain, logger });
    const report = await warmer.warm(snapshot);
    await warmer.warm({ ...snapshot, version: 8 });
    expect(report).toMatchObject({ planned: 0, leftOut: 4, unavailable: expect.stringContaining('queryPlanStore') });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(warmer.unavailable()).toContain('queryPlanStore');
  });
});

describe('gatewayPlanCache', () => {
  beforeAll(() => {
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  });

  it('names the private field it misses', () => {
    expect(gatewayPlanCache({} as ApolloGateway)).toEqual({ unavailable: '@apollo/gateway has no usable private field "queryPlanStore"' });
    const renamed = { queryPlanStore: { get: async () => undefined, set: async () => undefined }, plannerOfQueries: {} } as unknown as ApolloGateway;
    expect(gatewayPlanCache(renamed)).toEqual({ unavailable: '@apollo/gateway has no usable private field "queryPlanner"' });
  });

  it("reaches a loaded gateway's planner and plan cache", async () => {
    const gateway = new ApolloGateway({ supergraphSdl: SUPERGRAPH });
    expect(gatewayPlanCache(gateway)).toHaveProperty('unavailable');
    await gateway.load();
    try {
      const cache = gatewayPlanCache(gateway);
      if ('unavailable' in cache) throw new Error(cache.unavailable);
      const plan = cache.plan(parse(IDENTITY), 'CitizenIdentity') as { kind: string };
      expect(plan.kind).toBe('QueryPlan');
      expect(await cache.has('a-key')).toBe(false);
      await cache.store('a-key', plan);
      expect(await cache.has('a-key')).toBe(true);
    } finally {
      await gateway.stop();
    }
  });
});

describe('readiness while plans cannot be warmed', () => {
  it('stays ready, degraded, saying why', async () => {
    const db = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    try {
      const options = {
        gatewayDb: db,
        policyCache: { current: () => ({ version: 1 }) } as unknown as PolicyCache,
        auditLog: null,
        subgraphUrls: {} as Record<SectorName, string>,
      };
      const report = await gatewayReadiness({ ...options, planWarming: () => 'no usable private field "queryPlanStore"' })();
      expect(report).toMatchObject({ status: 'ready', failing: [], degraded: ['planWarming'] });
      expect(report.dependencies.planWarming).toEqual({ status: 'degraded', reason: expect.stringContaining('planned on their first request') });
      const healthy = await gatewayReadiness({ ...options, planWarming: () => null })();
      expect(Object.keys(healthy.dependencies)).toEqual(['policy', 'database']);
    } finally {
      await db.destroy();
    }
  });
});
