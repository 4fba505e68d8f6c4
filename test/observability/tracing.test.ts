import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestDatabases } from '../helpers/database';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import { unusedUrl } from '../helpers/platform';
import { startScript, stopScript, waitForOutput } from '../helpers/process';

const SHARED_KEY = 'the key the gateway and its subgraphs share';

/** A span as OTLP/JSON carries it, with the service that reported it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** OTLP's span kinds. */
const SERVER = 2;
const CLIENT = 3;

/** Starts a tiny OTLP/HTTP collector: it takes POST /v1/traces in JSON and keeps every span. */
async function startCollector(): Promise<{ url: string; spans: ReceivedSpan[]; stop(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && String(request.headers['content-type']).startsWith('application/json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as any;
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((attribute: any) => attribute.key === 'service.name')?.value?.stringValue;
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              const attributes = Object.fromEntries((span.attributes ?? []).map((attribute: any) => [attribute.key, Object.values(attribute.value ?? {})[0]]));
              spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId ?? '',
                name: span.name,
                kind: span.kind,
                attributes,
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('tracing through the gateway into a subgraph and its SQL', () => {
  let databases: TestDatabases;
  let directory: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let subgraph: ChildProcess;
  let gateway: ChildProcess;
  let gatewayUrl: string;
  let subgraphOutput = '';

  beforeAll(async () => {
    databases = await createTestDatabases();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-tracing-'));
    collector = await startCollector();
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'info' };
    subgraph = startScript(
      'start-subgraph.ts',
      ['population'],
      commandEnvironment(databases.config, { ...tracing, POPULATION_PORT: '0', SUBGRAPH_SIGNING_KEY: SHARED_KEY }),
    );
    subgraph.stdout!.on('data', (chunk: Buffer) => (subgraphOutput += chunk.toString()));
    const populationUrl = (await waitForOutput(subgraph, /population subgraph ready at (http:\/\/\S+\/graphql)/, 90_000))[1]!;
    gateway = startScript(
      'start-gateway.ts',
      [],
      commandEnvironment(databases.config, {
        ...tracing,
        PORT: '0',
        SUBGRAPH_SIGNING_KEY: SHARED_KEY,
        POPULATION_URL: populationUrl,
        LAND_URL: await unusedUrl(),
        HEALTH_URL: await unusedUrl(),
        EDUCATION_URL: await unusedUrl(),
        AUDIT_DIRECTORY: path.join(directory, 'audit'),
      }),
    );
    gatewayUrl = (await waitForOutput(gateway, /Gateway ready at (http:\/\/\S+\/graphql)/, 90_000))[1]!;
  }, 200_000);

  afterAll(async () => {
    if (gateway) await stopScript(gateway);
    if (subgraph) await stopScript(subgraph);
    await collector?.stop();
    await databases?.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('gives a gateway request one trace: the gateway’s server and client spans, the subgraph’s server span and its SQL', async () => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-test-1' },
      body: JSON.stringify({ query: '{ administrativeUnit(code: "40778") { name } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).errors).toBeUndefined();

    const find = () => {
      const incoming = collector.spans.find((span) => span.service === 'dsp-gateway' && span.kind === SERVER && span.attributes['http.target'] !== '/ready');
      if (!incoming) return null;
      const trace = collector.spans.filter((span) => span.traceId === incoming.traceId);
      // The gateway's call to the subgraph, among its other client spans (its own SQL): the one to a /graphql URL.
      const call = trace.find(
        (span) =>
          span.service === 'dsp-gateway' &&
          span.kind === CLIENT &&
          String(span.attributes['url.full'] ?? span.attributes['http.url'] ?? '').endsWith('/graphql'),
      );
      const served = trace.find((span) => span.service === 'dsp-subgraph-population' && span.kind === SERVER);
      const sql = trace.find((span) => span.service === 'dsp-subgraph-population' && span.kind === CLIENT && span.parentSpanId !== '');
      return call && served && sql ? { incoming, call, served, sql } : null;
    };
    let found = find();
    for (let attempt = 0; attempt < 100 && !found; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = find();
    }
    expect(found).not.toBeNull();
    const { incoming, call, served, sql } = found!;
    // W3C traceparent: the subgraph's server span is the child of the gateway's call, in the same trace.
    expect(call.traceId).toBe(incoming.traceId);
    expect(served.traceId).toBe(incoming.traceId);
    expect(served.parentSpanId).toBe(call.spanId);
    expect(sql.traceId).toBe(incoming.traceId);
    expect(String(sql.attributes['db.system'] ?? sql.attributes['db.system.name'] ?? '')).toMatch(/sqlite|mysql/);
    // The probes and the metrics make no spans.
    await fetch(new URL('/ready', gatewayUrl));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      collector.spans.some(
        (span) => span.kind === SERVER && /\/(ready|health|metrics)/.test(String(span.attributes['http.target'] ?? span.attributes['url.path'] ?? '')),
      ),
    ).toBe(false);
    // The subgraph logged the call under the request id the gateway forwarded.
    const lines = subgraphOutput
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines.some((line) => line.msg === 'request' && line.requestId === 'trace-test-1' && line.status === 200)).toBe(true);
  });
});

describe('tracing off', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  const loadsSdk = (environment: Record<string, string>) =>
    spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['-e', "require('./system/tracingPreload'); process.stdout.write(String(Object.keys(require.cache).some((file) => file.includes('@opentelemetry'))))"],
      { cwd: ROOT, env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', ...environment }, encoding: 'utf8' },
    );

  it('loads nothing of OpenTelemetry without OTEL_EXPORTER_OTLP_ENDPOINT, and refuses a malformed one with exit code 78', () => {
    expect(loadsSdk({}).stdout).toBe('false');
    const bad = loadsSdk({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    expect(bad.status).toBe(78);
    expect(bad.stderr).toContain('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL');
  });
});
