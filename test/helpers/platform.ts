import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SectorConfig } from '../../common/sectors';
import { byBuiltInSector } from '../../common/sectors';
import type { AuditConfig, JwtConfig, PolicyMode, QuotaConfig, MetricsConfig } from '../../common/config';
import { loadConfig } from '../../common/config';
import { seedAll } from '../../db/seed';
import { buildCatalog } from '../../gateway/policy/catalog';
import type { Purpose } from '../../gateway/policy/types';
import { seedDemoAgencies } from '../../gateway/store/demo';
import type { Stewardship } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { GatewayServiceOptions, RunningPlatform } from '../../system/platform';
import { startPlatform } from '../../system/platform';
import { SUPERGRAPH_PATH } from '../../schema/load';
import type { TestDatabases } from './database';
import { createTestDatabases } from './database';

export interface SeededPlatform {
  databases: TestDatabases;
  platform: RunningPlatform;
  signingKey: Buffer;
  /** The demo agencies' API keys, by agency code. */
  demoKeys: Map<string, string>;
  stop(): Promise<void>;
}

export interface SeededPlatformOptions {
  randomSeed?: number;
  policyMode?: PolicyMode;
  jwt?: JwtConfig | null;
  /** Origins whose web pages may call the gateway (CORS_ORIGINS). */
  corsOrigins?: string[];
  /** The sectors, as configuration gives them (loadConfig(...).sectors); the built-in four when left out. */
  sectors?: readonly SectorConfig[];
  /** The key shared with the subgraphs; a fresh one when left out. */
  signingKey?: Buffer;
  /** Quotas' defaults and where they are counted; the configuration's defaults, in memory, when left out. */
  quotas?: QuotaConfig;
  onQuotaRefused?: GatewayServiceOptions['onQuotaRefused'];
  /** Told of each unregistered operation an agency in log-unknown mode runs. */
  onUnknownOperation?: GatewayServiceOptions['onUnknownOperation'];
  /** Who may read GET /metrics (METRICS_ALLOWED_NETWORKS, METRICS_TOKEN); loopback only by default. */
  metrics?: MetricsConfig;
  /** Where the gateway's access lines go; the process logger by default. */
  accessLogger?: Logger;
  /** False: no access line is written (ACCESS_LOG=off). */
  accessLog?: boolean;
}

const TEST_ACTOR: Actor = { kind: 'SYSTEM', task: 'test' };

/**
 * Given a number of citizens, seeds fresh test databases, starts the subgraphs and the gateway on free ports,
 * and registers the demo agencies.
 */
export async function startSeededPlatform(citizens: number, options: SeededPlatformOptions = {}): Promise<SeededPlatform> {
  const databases = await createTestDatabases();
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-demo-'));
  try {
    await seedAll(databases.databases, { citizens, randomSeed: options.randomSeed ?? 7 });
    const signingKey = options.signingKey ?? randomBytes(32);
    const platform = await startPlatform(databases.databases, {
      host: '127.0.0.1',
      gatewayPort: 0,
      subgraphPorts: byBuiltInSector(() => 0),
      subgraphTimeoutMs: 5000,
      queryLimits: loadConfig({}).queryLimits,
      httpLimits: loadConfig({}).httpLimits,
      signingKey,
      policy: { mode: options.policyMode ?? 'deny', refreshMs: 200 },
      jwt: options.jwt ?? null,
      audit: testAuditConfig(dataDirectory, 'gateway-1'),
      production: false,
      corsOrigins: options.corsOrigins ?? [],
      dataDirectory,
      ...(options.sectors ? { sectors: options.sectors } : {}),
      ...(options.quotas ? { quotas: options.quotas } : {}),
      ...(options.onQuotaRefused ? { onQuotaRefused: options.onQuotaRefused } : {}),
      ...(options.onUnknownOperation ? { onUnknownOperation: options.onUnknownOperation } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.accessLogger ? { accessLogger: options.accessLogger } : {}),
      ...(options.accessLog === undefined ? {} : { accessLog: options.accessLog }),
    });
    const credentials = await seedDemoAgencies(platform.stewardship, { dataDirectory, production: false });
    return {
      databases,
      platform,
      signingKey,
      demoKeys: new Map(credentials.map((credential) => [credential.agencyCode, credential.apiKey])),
      async stop() {
        await platform.stop();
        await databases.destroy();
        fs.rmSync(dataDirectory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await databases.destroy();
    throw error;
  }
}

/**
 * Given a temporary directory and an instance name, returns an audit configuration that keeps its files there;
 * with an outbox on MySQL and none on SQLite, as a gateway configured for either has by default; environment
 * gives other audit settings as a gateway's environment would (AUDIT_DIRECTORY, AUDIT_RETRY_MS...).
 */
export function testAuditConfig(dataDirectory: string, instance: string, environment: Record<string, string> = {}): AuditConfig {
  const outbox = process.env.MYSQL_HOST ? 'on' : 'off';
  return loadConfig({ DATA_DIR: dataDirectory, GATEWAY_INSTANCE: instance, AUDIT_BATCH_MS: '1', AUDIT_OUTBOX: outbox, ...environment }).audit;
}

/** Given an API key and a purpose, returns the headers an agency application sends. */
export function asAgency(apiKey: string, purpose: Purpose | null = null, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, ...(purpose ? { 'x-purpose': purpose } : {}), ...extra };
}

/**
 * Registers an agency with a FIELD grant, for purpose STATISTICS, on every field that is not INTERNAL, and
 * returns its API key: a caller that can read everything a non-owner may, for tests of federation itself.
 */
export async function createFullAccessAgency(stewardship: Stewardship, code = 'H56.98'): Promise<string> {
  await stewardship.createAgency(TEST_ACTOR, { code, name: 'Cơ quan kiểm thử', sector: null, unitCodes: [] });
  const catalog = buildCatalog(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
  for (const facts of catalog.fields.values()) {
    if (facts.classification.sharing === 'INTERNAL') continue;
    await stewardship.createGrant(TEST_ACTOR, {
      agencyCode: code,
      target: { kind: 'FIELD', coordinate: facts.coordinate },
      purposes: ['STATISTICS'],
      legalBasis: 'Test fixture: read access for federation tests',
      legalInstruments: ['89/2015/QH13'],
    });
  }
  return (await stewardship.createApiKey(TEST_ACTOR, { agencyCode: code, label: 'test' })).key;
}

/** Starts an HTTP server that accepts requests and never answers them: a subgraph that hangs. */
export async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Returns a URL on which nothing listens: a subgraph that is down. */
export async function unusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}
