import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { BuiltInSector } from '../../common/sectors';
import { byBuiltInSector } from '../../common/sectors';
import { loadConfig } from '../../common/config';
import type { RunningServer } from '../../common/subgraphServer';
import { connect } from '../../db/connection';
import { startSubgraph } from '../../subgraphs';
import type { RunningGateway } from '../../system/platform';
import { startGatewayService } from '../../system/platform';
import { readyUrlOf } from '../../system/readiness';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform, startSilentServer, testAuditConfig, unusedUrl } from '../helpers/platform';

/** Given a GraphQL URL, returns the URL of one of its server's probes. */
const probeUrl = (graphqlUrl: string, probe: 'health' | 'ready') => new URL(probe, graphqlUrl).toString();

/** Given a probe's URL, returns its status and parsed body. */
async function get(url: string): Promise<{ status: number; body: Record<string, any>; cacheControl: string | null }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, any>, cacheControl: response.headers.get('cache-control') };
}

/** Waits past the second a readiness report is reused for. */
const pastTheCache = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('health and readiness probes', () => {
  let seeded: SeededPlatform;
  let gatewayUrl: string;
  const running: Array<{ stop(): Promise<void> }> = [];
  const directories: string[] = [];

  beforeAll(async () => {
    seeded = await startSeededPlatform(60);
    gatewayUrl = seeded.platform.gateway.url;
  });

  afterAll(async () => {
    for (const server of running.reverse()) await server.stop();
    await seeded?.stop();
    for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
  });

  /** Given where some subgraphs answer instead, starts another gateway over the same store, with its own audit chain. */
  async function gatewayWith(overrides: Partial<Record<BuiltInSector, string>>, instance: string): Promise<RunningGateway> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-ready-'));
    directories.push(directory);
    const service = await startGatewayService(
      seeded.databases.databases.gateway,
      byBuiltInSector((sector) => overrides[sector] ?? seeded.platform.subgraphs[sector].url),
      {
        host: '127.0.0.1',
        gatewayPort: 0,
        subgraphTimeoutMs: 5000,
        queryLimits: loadConfig({}).queryLimits,
        signingKey: seeded.signingKey,
        policy: { mode: 'deny', refreshMs: 200 },
        jwt: null,
        audit: testAuditConfig(directory, instance),
        production: false,
      },
    );
    running.push(service);
    return service;
  }

  it('answers /health with 200 while the process is alive, on the gateway and on every subgraph', async () => {
    for (const url of [gatewayUrl, ...Object.values(seeded.platform.subgraphs).map((subgraph) => subgraph.url)]) {
      const { status, body, cacheControl } = await get(probeUrl(url, 'health'));
      expect([url, status, body]).toEqual([url, 200, { status: 'ok' }]);
      expect(cacheControl).toBe('no-store');
    }
  });

  it('answers /ready with 200 and the state of every dependency when all are up', async () => {
    const { status, body } = await get(probeUrl(gatewayUrl, 'ready'));
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      failing: [],
      dependencies: {
        policy: { status: 'up', version: seeded.platform.policyCache.current().version },
        database: { status: 'up' },
        audit: { status: 'up' },
        population: { status: 'up' },
        land: { status: 'up' },
        health: { status: 'up' },
        education: { status: 'up' },
      },
    });
    expect(typeof body.dependencies.policy.version).toBe('number');
    const subgraph = await get(readyUrlOf(seeded.platform.subgraphs.land.url));
    expect(subgraph).toMatchObject({ status: 200, body: { status: 'ready', failing: [], dependencies: { database: { status: 'up' } } } });
  });

  it('checks at most once a second, however many probes ask', async () => {
    await pastTheCache();
    // The policy cache polls the same database meanwhile: only the probe's own statement is counted.
    let pings = 0;
    const countPing = (query: { sql: string }) => (pings += query.sql === 'select 1' ? 1 : 0);
    seeded.databases.databases.gateway.on('query', countPing);
    const answers = await Promise.all([1, 2, 3].map(() => get(probeUrl(gatewayUrl, 'ready'))));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await get(probeUrl(gatewayUrl, 'ready'));
    seeded.databases.databases.gateway.off('query', countPing);
    expect(pings).toBe(1);
  });

  it('answers 503 naming a subgraph that is down, and one that does not answer, in bounded time', async () => {
    const silent = await startSilentServer();
    running.push(silent);
    const gateway = await gatewayWith({ land: await unusedUrl(), health: silent.url }, 'gateway-ready-1');
    const started = Date.now();
    const { status, body } = await get(probeUrl(gateway.gateway.url, 'ready'));
    // The checks are bounded at 800 ms; the rest is the slack of a loaded test machine.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(status).toBe(503);
    expect(body.status).toBe('not ready');
    expect(body.failing).toEqual(['land', 'health']);
    expect(body.dependencies.land).toEqual({ status: 'down', reason: 'ECONNREFUSED' });
    expect(body.dependencies.health).toEqual({ status: 'down', reason: 'no answer within 800 ms' });
    expect(body.dependencies.population).toEqual({ status: 'up' });
    expect((await get(probeUrl(gateway.gateway.url, 'health'))).status).toBe(200);
  });

  it("answers a subgraph's /ready with 503 when its database is gone, and the gateway's with it", async () => {
    const config = seeded.databases.config;
    const unreachable: Knex = connect(
      config.engine === 'mysql' ? { ...config, port: 1 } : { engine: 'sqlite', dataDirectory: '/nonexistent/dsp-test' },
      'education',
    );
    running.push({ stop: () => unreachable.destroy() });
    const education: RunningServer = await startSubgraph('education', { db: unreachable, signingKey: seeded.signingKey });
    running.push(education);
    const subgraph = await get(readyUrlOf(education.url));
    expect(subgraph.status).toBe(503);
    expect(subgraph.body).toMatchObject({
      status: 'not ready',
      failing: ['database'],
      dependencies: { database: { status: 'down', reason: expect.any(String) } },
    });
    expect(JSON.stringify(subgraph.body)).not.toMatch(/nonexistent|sqlite|select|127\.0\.0\.1/i);
    expect((await get(probeUrl(education.url, 'health'))).status).toBe(200);

    const gateway = await gatewayWith({ education: education.url }, 'gateway-ready-2');
    const { status, body } = await get(probeUrl(gateway.gateway.url, 'ready'));
    expect(status).toBe(503);
    expect(body.failing).toEqual(['education']);
    expect(body.dependencies.education).toEqual({ status: 'down', reason: 'HTTP 503', failing: ['database'] });
  });

  it('says no secret, URL or path', async () => {
    await pastTheCache();
    const text = JSON.stringify((await get(probeUrl(gatewayUrl, 'ready'))).body);
    expect(text).not.toContain(seeded.signingKey.toString('hex'));
    expect(text).not.toMatch(/http|127\.0\.0\.1|\/tmp|dsp-|graphql/);
  });

  it('answers only GET and HEAD', async () => {
    const post = await fetch(probeUrl(gatewayUrl, 'ready'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(((await post.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('METHOD_NOT_ALLOWED');
    const head = await fetch(probeUrl(gatewayUrl, 'ready'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 503 once a subgraph of the running platform stops', async () => {
    await seeded.platform.subgraphs.land.stop();
    await pastTheCache();
    const { status, body } = await get(probeUrl(gatewayUrl, 'ready'));
    expect(status).toBe(503);
    expect(body.failing).toEqual(['land']);
  });
});
