/**
 * Our gateway, in the two configurations the bench compares: exactly what ships (gateway/server.ts through
 * system/platform.ts), with authentication, policy and audit on, and the same gateway with them off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config, Sector } from '../../common/config';
import { loadConfig } from '../../common/config';
import { connect, ensureDatabases } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';
import { AUDIT_FIELD_SETS, AUDIT_TABLES } from '../../gateway/audit/auditRepository';
import { buildCatalog } from '../../gateway/policy/catalog';
import type { Purpose } from '../../gateway/policy/types';
import { startGateway } from '../../gateway/server';
import { Authenticator } from '../../gateway/store/authenticator';
import { PolicyCache } from '../../gateway/store/policyCache';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { Stewardship } from '../../gateway/store/stewardship';
import { deriveApiKey } from '../../gateway/store/apiKeys';
import type { Actor } from '../../gateway/store/types';
import { startGatewayService } from '../../system/platform';
import type { HeaderSet, StartedTarget } from './started';

export interface OurGatewayOptions {
  config: Config;
  subgraphUrls: Record<Sector, string>;
  supergraphSdl: string;
}

/** Our gateway with authentication, policy and audit off: what they cost is the difference to the full target. */
export async function startOurGatewayPolicyOff(options: OurGatewayOptions): Promise<StartedTarget> {
  const { config } = options;
  const gateway = await startGateway({
    queryLimits: config.queryLimits,
    subgraphUrls: options.subgraphUrls,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    signingKey: config.signingKey,
    enforcement: null,
    supergraphSdl: options.supergraphSdl,
  });
  return { url: gateway.url };
}

const BENCH_ACTOR: Actor = { kind: 'SYSTEM', task: 'bench' };
const BENCH_KEY_SECRET = 'data-sharing-platform bench agencies: public, bench databases only';

/** The agencies Q6 rotates through: each may read every field a non-owner may, for its own purpose. */
const BENCH_AGENCIES: ReadonlyArray<{ code: string; name: string; purpose: Purpose }> = [
  { code: 'H56.B1', name: 'Bench: one-stop office', purpose: 'PUBLIC_SERVICE' },
  { code: 'H56.B2', name: 'Bench: social support', purpose: 'SOCIAL_SUPPORT' },
  { code: 'H56.B3', name: 'Bench: statistics office', purpose: 'STATISTICS' },
  { code: 'H56.B4', name: 'Bench: admissions office', purpose: 'EDUCATION_ADMISSION' },
];

/**
 * Given the steward operations and the supergraph, registers the bench agencies (once: the bench database is
 * reused) with one grant per classification they read and a field grant per sensitive field, which sensitive
 * data requires, and returns their headers. Their keys derive from a public secret: bench databases only.
 */
async function registerBenchAgencies(stewardship: Stewardship, supergraphSdl: string): Promise<HeaderSet[]> {
  const catalog = buildCatalog(supergraphSdl);
  const sensitive = [...catalog.fields.values()].filter((facts) => facts.classification.sharing !== 'INTERNAL' && facts.classification.personal === 'SENSITIVE');
  const headerSets: HeaderSet[] = [];
  for (const agency of BENCH_AGENCIES) {
    if (!(await stewardship.agency(agency.code))) {
      await stewardship.createAgency(BENCH_ACTOR, { code: agency.code, name: agency.name, sector: null, unitCodes: [] });
      const grant = { agencyCode: agency.code, purposes: [agency.purpose], legalBasis: 'Benchmark fixture' };
      for (const personal of ['NONE', 'BASIC']) {
        await stewardship.createGrant(BENCH_ACTOR, { ...grant, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal } });
      }
      for (const facts of sensitive) await stewardship.createGrant(BENCH_ACTOR, { ...grant, target: { kind: 'FIELD', coordinate: facts.coordinate } });
    }
    const material = deriveApiKey(BENCH_KEY_SECRET, agency.code);
    if (!(await stewardship.listApiKeys(agency.code)).some((key) => key.id === material.id)) {
      await stewardship.createApiKey(BENCH_ACTOR, { agencyCode: agency.code, label: 'bench' }, material);
    }
    headerSets.push({ authorization: `Bearer ${material.key}`, 'x-purpose': agency.purpose });
  }
  return headerSets;
}

/** Given the bench configuration, opens and migrates the bench's gateway database. */
async function openGatewayDatabase(config: Config): Promise<Knex> {
  await ensureDatabases(config.database, ['gateway']);
  const db = connect(config.database, 'gateway');
  await migrateLatest(db, 'gateway');
  return db;
}

/**
 * Our gateway with authentication and policy but no audit trail, over the bench's gateway database: what the
 * audit costs is the difference to the full target.
 */
export async function startOurGatewayPolicyOnly(options: OurGatewayOptions): Promise<StartedTarget> {
  const { config } = options;
  const repository = new PolicyRepository(await openGatewayDatabase(config));
  const policyCache = new PolicyCache({ repository, refreshMs: config.policy.refreshMs });
  await policyCache.start();
  const headerSets = await registerBenchAgencies(new Stewardship({ repository, onChange: () => policyCache.refreshNow() }), options.supergraphSdl);
  const gateway = await startGateway({
    queryLimits: config.queryLimits,
    subgraphUrls: options.subgraphUrls,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    signingKey: config.signingKey,
    enforcement: {
      authenticator: new Authenticator({ jwt: config.jwt }),
      policy: { mode: config.policy.mode, current: () => policyCache.current() },
      audit: null,
    },
    supergraphSdl: options.supergraphSdl,
  });
  return { url: gateway.url, headerSets };
}

/**
 * Our gateway with everything on (authentication, policy decision and enforcement, audit with its hash chain
 * and checkpoints), as system/platform.ts starts it over the bench's gateway database. Returns the bench
 * agencies' headers: every shape calls as the first, Q6 rotates through all.
 */
export async function startOurGatewayEverythingOn(options: OurGatewayOptions): Promise<StartedTarget> {
  const { config } = options;
  const db = await openGatewayDatabase(config);
  // Every run starts from an empty trail, so that earlier runs' records do not weigh on this one's: a trail that
  // outgrows the database's buffer pool makes each index row a page miss (seen here: 2 million citizen rows
  // against MariaDB's default 128 MB).
  for (const table of [...AUDIT_TABLES, AUDIT_FIELD_SETS]) await db(table).truncate();
  // A chain of its own per run: the checkpoints of earlier runs are not kept, so their chains are not continued.
  const auditDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-audit-'));
  const service = await startGatewayService(db, options.subgraphUrls, {
    ...config,
    gatewayPort: 0,
    // An outbox as the bench's configuration has it (on by default with MySQL), in the run's own directory, and the
    // audit's timings from the bench's environment, so that a run can try other ones.
    audit: loadConfig({
      DATA_DIR: auditDirectory,
      GATEWAY_INSTANCE: `bench-${Date.now()}`,
      AUDIT_OUTBOX: config.audit.outbox ? 'on' : 'off',
      AUDIT_BATCH_MS: process.env.AUDIT_BATCH_MS,
      AUDIT_SHIP_MS: process.env.AUDIT_SHIP_MS,
      AUDIT_WRITE_INTERVAL_MS: process.env.AUDIT_WRITE_INTERVAL_MS,
    }).audit,
  });
  const headerSets = await registerBenchAgencies(service.stewardship, options.supergraphSdl);
  return { url: service.gateway.url, headerSets };
}
