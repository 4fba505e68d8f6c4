import type { MetricsConfig } from '../../common/config';
import { loadConfig } from '../../common/config';
import type { RunningServer } from '../../common/subgraphServer';
import { countRateLimitRefusal, gatewayMetrics, registerOverdueSharingRequests } from '../../gateway/metrics/gatewayMetrics';
import { startGateway } from '../../gateway/server';
import { startSubgraph } from '../../subgraphs';
import { postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { MAX_COST_PER_MINUTE, MAX_REQUESTS_PER_MINUTE } from '../../gateway/store/quotaStewardship';
import { asAgency, startSeededPlatform, startSilentServer, unusedUrl } from '../helpers/platform';

const TOKEN = 'a-metrics-token-of-thirty-two-chars';
// Loopback is left out, so that the token is what lets the test in; the network rule is tested on a subgraph.
const METRICS: MetricsConfig = { allowedNetworks: ['10.0.0.0/8'], token: TOKEN, maxOperationNames: 100, enabled: true };

/** Given a Prometheus text exposition and a metric name, returns its samples: labels and value. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1]!, pair[2]!]));
      return { labels, value: Number(match[2]) };
    });
}

/** Given samples and labels, returns the value of the one sample carrying them all (0 when none). */
function valueOf(list: ReturnType<typeof samples>, labels: Record<string, string>): number {
  return list.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value)).reduce((sum, sample) => sum + sample.value, 0);
}

describe('GET /metrics', () => {
  let seeded: SeededPlatform;
  let baseUrl: string;
  const scrape = async (url = new URL('/metrics', baseUrl).toString()) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    // A thousand requests in a minute: past the default quota, which is not what is measured here.
    const quotas = { ...loadConfig({}).quotas, requestsPerMinute: MAX_REQUESTS_PER_MINUTE, costPerMinute: MAX_COST_PER_MINUTE };
    seeded = await startSeededPlatform(60, { metrics: METRICS, quotas });
    baseUrl = seeded.platform.gateway.url;
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  it('refuses a caller outside the allowed networks without a token (403) and a wrong token (401), with stable codes', async () => {
    const url = new URL('/metrics', baseUrl);
    const none = await fetch(url);
    expect(none.status).toBe(403);
    expect(((await none.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, 'Bearer', `Basic ${TOKEN}`, TOKEN]) {
      const wrong = await fetch(url, { headers: { authorization } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await wrong.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const post = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
    // The subgraphs' metrics are guarded alike.
    expect((await fetch(new URL('/metrics', seeded.platform.subgraphs.population.url))).status).toBe(403);
  });

  it('counts requests by agency, operation, outcome and code, and times them end to end and per subgraph', async () => {
    const before = await scrape();
    const key = seeded.demoKeys.get('H56.20')!;
    const id = (await seeded.databases.databases.population('citizens').first('national_id')).national_id as string;
    const allowed = await postGraphQL(
      baseUrl,
      'query CitizenIdentity($id: ID!) { citizen(nationalId: $id) { fullName } }',
      { id },
      asAgency(key, 'LAND_REGISTRATION'),
    );
    expect(allowed.errors).toBeUndefined();
    const denied = await postGraphQL(
      baseUrl,
      'query CitizenCard($id: ID!) { citizen(nationalId: $id) { healthInsurance { benefitLevel } } }',
      { id },
      asAgency(key, 'LAND_REGISTRATION'),
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await postGraphQL(baseUrl, '{ __typename }', {}, { authorization: 'Bearer dsp_nosuchid_secret' });
    expect(refused.status).toBe(401);
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      valueOf(samples(after, 'gateway_requests_total'), labels) - valueOf(samples(before, 'gateway_requests_total'), labels);
    expect(delta({ agency: 'H56.20', operation: 'CitizenIdentity', outcome: 'ALLOWED', code: 'none' })).toBe(1);
    expect(delta({ agency: 'H56.20', operation: 'CitizenCard', outcome: 'DENIED', code: 'FORBIDDEN' })).toBe(1);
    expect(delta({ agency: 'anonymous', operation: 'none', outcome: 'DENIED', code: 'UNAUTHENTICATED' })).toBe(1);
    const count = (text: string, name: string, labels: Record<string, string>) => valueOf(samples(text, name), labels);
    expect(count(after, 'gateway_request_duration_seconds_count', { operation: 'CitizenIdentity' })).toBeGreaterThanOrEqual(1);
    expect(
      count(after, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'population', result: 'ok' }) -
        count(before, 'gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'population', result: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    // The land office reads fullName through its grant, and is denied the card by default.
    expect(
      count(after, 'policy_field_decisions_total', { effect: 'ALLOW', rule: 'GRANT' }) -
        count(before, 'policy_field_decisions_total', { effect: 'ALLOW', rule: 'GRANT' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(after, 'policy_field_decisions_total', { effect: 'DENY' }) - count(before, 'policy_field_decisions_total', { effect: 'DENY' }),
    ).toBeGreaterThanOrEqual(1);
    expect(count(after, 'policy_version', {})).toBe(seeded.platform.policyCache.current().version);
  });

  it('reports the audit trail: records written, batches, durable-write time, backlog, checkpoint age, whether it takes records', async () => {
    const before = await scrape();
    const key = seeded.demoKeys.get('H56.01')!;
    for (let index = 0; index < 3; index += 1) {
      const response = await postGraphQL(
        baseUrl,
        '{ citizensByCommune(communeCode: "40778", first: 2) { nodes { fullName } } }',
        {},
        asAgency(key, 'INVESTIGATION'),
      );
      expect(response.errors).toBeUndefined();
    }
    await seeded.platform.auditLog.indexed();
    const after = await scrape();
    const value = (text: string, name: string) => valueOf(samples(text, name), {});
    expect(value(after, 'audit_records_written_total') - value(before, 'audit_records_written_total')).toBeGreaterThanOrEqual(3);
    expect(value(after, 'audit_batch_size_records_sum') - value(before, 'audit_batch_size_records_sum')).toBeGreaterThanOrEqual(3);
    expect(value(after, 'audit_durable_write_duration_seconds_count')).toBeGreaterThan(value(before, 'audit_durable_write_duration_seconds_count'));
    expect(value(after, 'audit_accepting_records')).toBe(1);
    expect(value(after, 'audit_unindexed_records')).toBe(0);
    expect(value(after, 'audit_unshipped_records')).toBe(0);
    // The START checkpoint was sealed when the gateway started, seconds ago.
    const age = value(after, 'audit_last_checkpoint_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(120);
    expect(valueOf(samples(after, 'dependency_up'), { dependency: 'audit' })).toBe(1);
    expect(valueOf(samples(after, 'dependency_up'), { dependency: 'education' })).toBe(1);
  });

  it('keeps the operation label bounded: 1000 distinct operation names make at most 100 labels and "other"', async () => {
    const before = valueOf(samples(await scrape(), 'gateway_requests_total'), { operation: 'other' });
    for (let batch = 0; batch < 100; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => postGraphQL(baseUrl, `query Flood${batch * 10 + index} { __typename }`)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    }
    const text = await scrape();
    const operations = new Set(samples(text, 'gateway_requests_total').map((sample) => sample.labels.operation));
    expect(operations.size).toBeLessThanOrEqual(100 + 2);
    expect(operations.has('other')).toBe(true);
    // At most 100 names ever take a label of their own (the earlier tests' included): the other 900 or more are "other".
    expect(valueOf(samples(text, 'gateway_requests_total'), { operation: 'other' }) - before).toBeGreaterThanOrEqual(900);
    const durations = new Set(samples(text, 'gateway_request_duration_seconds_count').map((sample) => sample.labels.operation));
    expect(durations.size).toBeLessThanOrEqual(100 + 2);
  });

  it('counts rate-limit refusals by known agency only, and reads overdue sharing requests from the registered callback', async () => {
    countRateLimitRefusal('H56.20');
    countRateLimitRefusal('H56.20');
    countRateLimitRefusal('NOT.AN.AGENCY');
    let overdue = 7;
    registerOverdueSharingRequests(async () => overdue);
    const text = await scrape();
    expect(valueOf(samples(text, 'rate_limit_refusals_total'), { agency: 'H56.20' })).toBe(2);
    expect(valueOf(samples(text, 'rate_limit_refusals_total'), { agency: 'other' })).toBe(1);
    expect(samples(text, 'rate_limit_refusals_total').some((sample) => sample.labels.agency === 'NOT.AN.AGENCY')).toBe(false);
    expect(valueOf(samples(text, 'sharing_requests_overdue'), {})).toBe(7);
    overdue = 2;
    expect(valueOf(samples(await scrape(), 'sharing_requests_overdue'), {})).toBe(2);
    registerOverdueSharingRequests(null);
  });

  it('serves each subgraph its own process, HTTP and SQL figures', async () => {
    const text = await scrape(new URL('/metrics', seeded.platform.subgraphs.population.url).toString());
    expect(valueOf(samples(text, 'subgraph_requests_total'), { subgraph: 'population', status: '2xx' })).toBeGreaterThan(0);
    expect(valueOf(samples(text, 'subgraph_sql_statements_total'), { subgraph: 'population', result: 'ok' })).toBeGreaterThan(0);
    expect(valueOf(samples(text, 'subgraph_sql_duration_seconds_count'), { subgraph: 'population' })).toBeGreaterThan(0);
    expect(samples(text, 'process_cpu_seconds_total').length).toBe(1);
  });
});

describe('GET /metrics with the default networks', () => {
  let subgraph: RunningServer;
  let seeded: SeededPlatform;

  beforeAll(async () => {
    seeded = await startSeededPlatform(10);
    subgraph = await startSubgraph('education', { db: seeded.databases.databases.education, signingKey: seeded.signingKey });
  });

  afterAll(async () => {
    await subgraph?.stop();
    await seeded?.stop();
  });

  it('answers a caller on the loopback without a token, and the gateway alike', async () => {
    expect((await fetch(new URL('/metrics', subgraph.url))).status).toBe(200);
    const gateway = await fetch(new URL('/metrics', seeded.platform.gateway.url));
    expect(gateway.status).toBe(200);
    expect(await gateway.text()).toContain('gateway_requests_total');
  });
});

describe('subgraph errors and timeouts in the metrics', () => {
  let silent: { url: string; stop(): Promise<void> };
  let gateway: RunningServer;

  beforeAll(async () => {
    silent = await startSilentServer();
    const down = await unusedUrl();
    gateway = await startGateway({
      queryLimits: loadConfig({}).queryLimits,
      subgraphUrls: { population: silent.url, land: down, health: down, education: down },
      subgraphTimeoutMs: 200,
      signingKey: Buffer.from('a key the subgraphs never see, 32+ chars'),
      enforcement: null,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await silent?.stop();
  });

  it('counts a call that timed out and one refused, by subgraph and code, and times both', async () => {
    const text = () => gatewayMetrics().registry.metrics();
    const before = await text();
    const timedOut = await postGraphQL(gateway.url, '{ administrativeUnit(code: "40778") { name } }');
    expect(timedOut.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_TIMEOUT');
    const refused = await postGraphQL(gateway.url, '{ school(code: "X") { name } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    const after = await text();
    const delta = (name: string, labels: Record<string, string>) => valueOf(samples(after, name), labels) - valueOf(samples(before, name), labels);
    expect(delta('gateway_subgraph_errors_total', { subgraph: 'population', code: 'SUBGRAPH_TIMEOUT' })).toBe(1);
    expect(delta('gateway_subgraph_errors_total', { subgraph: 'education', code: 'SUBGRAPH_UNAVAILABLE' })).toBe(1);
    expect(delta('gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'population', result: 'error' })).toBe(1);
    // The timed-out call took its whole timeout.
    expect(delta('gateway_subgraph_fetch_duration_seconds_sum', { subgraph: 'population', result: 'error' })).toBeGreaterThanOrEqual(0.19);
  });
});
