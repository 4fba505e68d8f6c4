import type { QuotaRefusal } from '../../gateway/quotas/quotaTypes';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

const SCHOOL = 'query School($code: String!) { school(code: $code) { name } }';
/** Costs 145: (2 + 1.5 × (2 + 1.5 × 1)) × 20. */
const SCHOOLS = 'query Schools { schoolsByCommune(communeCode: "40778", first: 20) { nodes { name } } }';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

describe('quotas at the gateway', () => {
  let seeded: SeededPlatform;
  let graphqlUrl: string;
  let adminUrl: string;
  let schoolCode: string;
  const refusals: QuotaRefusal[] = [];

  const admin = async (query: string, variables: Record<string, unknown> = {}) =>
    (await post(adminUrl, query, variables, asAgency(seeded.demoKeys.get('H56.10')!))).body as {
      data?: Record<string, any>;
      errors?: Answer['body']['errors'];
    };
  const setQuota = (input: Record<string, unknown>) =>
    admin(
      'mutation ($input: SetQuotaInput!) { setQuota(input: $input) { agencyCode credentialId requestsPerMinute costPerMinute effectiveRequestsPerMinute effectiveCostPerMinute } }',
      { input },
    );
  const school = (headers: Record<string, string> = {}) => post(graphqlUrl, SCHOOL, { code: schoolCode }, headers);

  /** Given an agency, waits for its audit records to include one refused with the code, and returns them. */
  async function auditedRefusals(agencyCode: string, code: string): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const page = await seeded.platform.auditTrail.records({ agencyCode }, { first: 100 });
      const refused = page.nodes.filter((record) => record.errorCode === code).length;
      if (refused > 0) return refused;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 0;
  }

  beforeAll(async () => {
    seeded = await startSeededPlatform(20, {
      quotas: { redisUrl: null, redisKeyPrefix: 'dsp:', requestsPerMinute: 5, costPerMinute: 100_000 },
      onQuotaRefused: (refusal) => refusals.push(refusal),
    });
    graphqlUrl = seeded.platform.gateway.url;
    adminUrl = new URL('/admin', graphqlUrl).toString();
    schoolCode = (await seeded.databases.databases.education('schools').orderBy('code').first()).code;
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  it('refuses an agency past its requests of the minute: 429 RATE_LIMITED, Retry-After, RateLimit-*, one event and one audit record', async () => {
    const set = await setQuota({ agencyCode: 'H56.20', requestsPerMinute: 3 });
    expect(set).toEqual({
      data: {
        setQuota: {
          agencyCode: 'H56.20',
          credentialId: null,
          requestsPerMinute: 3,
          costPerMinute: null,
          effectiveRequestsPerMinute: 3,
          effectiveCostPerMinute: 100_000,
        },
      },
    });
    const land = asAgency(seeded.demoKeys.get('H56.20')!);
    for (const remaining of [2, 1, 0]) {
      const answer = await school(land);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({ school: { name: expect.any(String) } });
      expect(answer.headers.get('ratelimit-limit')).toBe('3');
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(remaining));
      expect(answer.headers.get('retry-after')).toBeNull();
    }
    const refused = await school(land);
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      {
        message: expect.stringMatching(/^The agency H56.20 has used its 3 requests for this minute: try again in \d+ s$/),
        extensions: { code: 'RATE_LIMITED', budget: 'requests', limit: 3, retryAfterSeconds: expect.any(Number) },
      },
    ]);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
    expect(refused.headers.get('ratelimit-policy')).toBe('3;w=60;name="requests"');
    expect(refusals.filter((refusal) => refusal.agencyCode === 'H56.20')).toEqual([{ agencyCode: 'H56.20', budget: 'requests' }]);
    expect(await auditedRefusals('H56.20', 'RATE_LIMITED')).toBe(1);

    const history = await admin('{ policyChanges(entityType: "QUOTA", limit: 5) { actor action entityId before after } }');
    expect(history.data!.policyChanges[0]).toEqual({
      actor: 'H56.10',
      action: 'SET_QUOTA',
      entityId: 'H56.20',
      before: null,
      after: expect.stringContaining('"requestsPerMinute":3'),
    });
  });

  it('counts the query cost: an operation that would overrun the budget is refused, and its cost is given back', async () => {
    await setQuota({ agencyCode: 'H56.01', requestsPerMinute: 100, costPerMinute: 300 });
    const police = asAgency(seeded.demoKeys.get('H56.01')!);
    const first = await post(graphqlUrl, SCHOOLS, {}, police);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-remaining')).toBe('155');
    expect((await post(graphqlUrl, SCHOOLS, {}, police)).headers.get('ratelimit-remaining')).toBe('10');
    const over = await post(graphqlUrl, SCHOOLS, {}, police);
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'cost', limit: 300 });
    expect(over.headers.get('ratelimit-policy')).toBe('300;w=60;name="cost"');
    // The refused 145 were given back: a cheap operation still fits in the 10 left.
    const cheap = await school(police);
    expect(cheap.status).toBe(200);
    expect(refusals).toContainEqual({ agencyCode: 'H56.01', budget: 'cost' });
  });

  it("counts a key with a quota of its own apart from the agency's other keys", async () => {
    const second = await seeded.platform.stewardship.createApiKey({ kind: 'SYSTEM', task: 'test' }, { agencyCode: 'H56.15.01', label: 'batch' });
    const set = await setQuota({ agencyCode: 'H56.15.01', credentialId: second.credential.id, requestsPerMinute: 1 });
    expect(set.data!.setQuota).toMatchObject({ credentialId: second.credential.id, requestsPerMinute: 1, effectiveCostPerMinute: 100_000 });
    expect((await school(asAgency(second.key))).status).toBe(200);
    expect((await school(asAgency(second.key))).status).toBe(429);
    // The agency's demo key counts under the agency, with the defaults.
    const demo = await school(asAgency(seeded.demoKeys.get('H56.15.01')!));
    expect(demo.status).toBe(200);
    expect(demo.headers.get('ratelimit-limit')).toBe('5');
  });

  it('counts anonymous callers per address under the defaults', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) statuses.push((await school()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await school();
    expect(refused.body.errors?.[0]?.message).toMatch(/^This address has used its 5 requests/);
    expect(refusals).toContainEqual({ agencyCode: null, budget: 'requests' });
  });

  it('refuses a bad quota with a stable code and changes nothing', async () => {
    const version = (await admin('{ policyVersion }')).data!.policyVersion as number;
    const code = (answer: Awaited<ReturnType<typeof admin>>) => answer.errors?.map((error) => error.extensions?.code);
    expect(code(await setQuota({ agencyCode: 'H56.20', requestsPerMinute: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await setQuota({ agencyCode: 'H56.20', costPerMinute: 1.5 }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await setQuota({ agencyCode: 'H56.20' }))).toEqual(['BAD_USER_INPUT']);
    expect(code(await setQuota({ agencyCode: 'H99.99', requestsPerMinute: 5 }))).toEqual(['NOT_FOUND']);
    const otherAgencysKey = (await seeded.platform.stewardship.listApiKeys('H56.01'))[0]!.id;
    expect(code(await setQuota({ agencyCode: 'H56.20', credentialId: otherAgencysKey, requestsPerMinute: 5 }))).toEqual(['NOT_FOUND']);
    expect(code(await admin('mutation { clearQuota(agencyCode: "H56.30") { agencyCode } }'))).toEqual(['NOT_FOUND']);
    expect((await admin('{ policyVersion }')).data!.policyVersion).toBe(version);
  });

  it('clears a quota: the agency is back to the defaults, and the history says so', async () => {
    const cleared = await admin('mutation { clearQuota(agencyCode: "H56.01") { requestsPerMinute effectiveRequestsPerMinute effectiveCostPerMinute } }');
    expect(cleared.data!.clearQuota).toEqual({ requestsPerMinute: null, effectiveRequestsPerMinute: 5, effectiveCostPerMinute: 100_000 });
    const listed = await admin('{ quotas { agencyCode credentialId } quotaDefaults { requestsPerMinute costPerMinute } }');
    expect(listed.data!.quotas.map((quota: { agencyCode: string }) => quota.agencyCode)).not.toContain('H56.01');
    expect(listed.data!.quotaDefaults).toEqual({ requestsPerMinute: 5, costPerMinute: 100_000 });
    const history = await admin('{ policyChanges(entityType: "QUOTA", entityId: "H56.01", limit: 1) { action before after } }');
    expect(history.data!.policyChanges[0]).toMatchObject({ action: 'CLEAR_QUOTA', after: null, before: expect.stringContaining('"costPerMinute":300') });
  });
});
