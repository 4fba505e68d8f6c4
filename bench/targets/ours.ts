/**
 * Our gateway, in the two configurations the bench compares: exactly what ships (gateway/server.ts through
 * system/platform.ts), with authentication, policy and audit on, and the same gateway with them off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { BuiltInSector } from '../../common/sectors';
import type { Config, DatabaseConfig } from '../../common/config';
import { loadConfig } from '../../common/config';
import { connect, ensureDatabases } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';
import { AUDIT_FIELD_SETS, AUDIT_TABLES } from '../../gateway/audit/auditRepository';
import { QuotaCounter } from '../../gateway/quotas/quotaCounter';
import { startGateway } from '../../gateway/server';
import { Authenticator } from '../../gateway/store/authenticator';
import { PolicyCache } from '../../gateway/store/policyCache';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { MAX_COST_PER_MINUTE, MAX_REQUESTS_PER_MINUTE } from '../../gateway/store/quotaStewardship';
import { startGatewayService } from '../../system/platform';
import type { StartedTarget } from './started';

export interface OurGatewayOptions {
  config: Config;
  subgraphUrls: Record<BuiltInSector, string>;
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

/** Given the bench configuration, opens and migrates the bench's gateway database. */
async function openGatewayDatabase(config: Config): Promise<Knex> {
  await ensureDatabases(config.database, ['gateway']);
  const db = connect(config.database, 'gateway');
  await migrateLatest(db, 'gateway');
  return db;
}

/**
 * Given the data set's database configuration, empties the audit trail of its gateway database, once per data set
 * and before any target starts: every run then starts from an empty trail, so that earlier runs' records do not
 * weigh on this one's (a trail that outgrows the database's buffer pool makes each index row a page miss: seen
 * here with 2 million citizen rows against MariaDB's default 128 MB). Emptied by a target as it started, the trail
 * would lose the records of the targets started before it, which run beside it over the same tables.
 */
export async function emptyAuditTrail(database: DatabaseConfig): Promise<void> {
  await ensureDatabases(database, ['gateway']);
  const db = connect(database, 'gateway');
  try {
    await migrateLatest(db, 'gateway');
    for (const table of [...AUDIT_TABLES, AUDIT_FIELD_SETS]) await db(table).truncate();
  } finally {
    await db.destroy();
  }
}

/**
 * Our gateway with authentication, policy and quotas but no audit trail, over the bench's gateway database: what
 * the audit costs is the difference to the full target.
 */
export async function startOurGatewayPolicyOnly(options: OurGatewayOptions): Promise<StartedTarget> {
  const { config } = options;
  const repository = new PolicyRepository(await openGatewayDatabase(config));
  const policyCache = new PolicyCache({ repository, refreshMs: config.policy.refreshMs });
  await policyCache.start();
  const gateway = await startGateway({
    queryLimits: config.queryLimits,
    subgraphUrls: options.subgraphUrls,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    signingKey: config.signingKey,
    enforcement: {
      authenticator: new Authenticator({ jwt: config.jwt }),
      policy: { mode: config.policy.mode, current: () => policyCache.current() },
      audit: null,
      // Quotas counted as the full target counts them (in memory, never reached), so that the audit is all that differs.
      quotas: {
        counter: new QuotaCounter({ redis: null, keyPrefix: config.quotas.redisKeyPrefix }),
        defaults: { requestsPerMinute: MAX_REQUESTS_PER_MINUTE, costPerMinute: MAX_COST_PER_MINUTE },
      },
    },
    supergraphSdl: options.supergraphSdl,
  });
  return { url: gateway.url };
}

/**
 * Our gateway with everything on (authentication, policy decision and enforcement, audit with its hash chain
 * and checkpoints), as system/platform.ts starts it over the bench's gateway database, in production mode: its
 * checkpoints are signed with the run's managed key (AUDIT_SIGNING_KEY_FILE).
 */
export async function startOurGatewayEverythingOn(options: OurGatewayOptions): Promise<StartedTarget> {
  const { config } = options;
  const db = await openGatewayDatabase(config);
  // A chain of its own per run: the checkpoints of earlier runs are not kept, so their chains are not continued.
  // The directory is under the run's temporary directory (this process's TMPDIR), which the bench removes.
  const auditDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-audit-'));
  const service = await startGatewayService(db, options.subgraphUrls, {
    ...config,
    gatewayPort: 0,
    // Counted as a deployment counts them, but never reached: the bench measures what counting costs, not refusals.
    quotas: { ...config.quotas, requestsPerMinute: MAX_REQUESTS_PER_MINUTE, costPerMinute: MAX_COST_PER_MINUTE },
    // An outbox as the bench's configuration has it (on by default with MySQL), in the run's own directory, and the
    // audit's timings from the bench's environment, so that a run can try other ones.
    audit: loadConfig({
      DATA_DIR: auditDirectory,
      GATEWAY_INSTANCE: `bench-${Date.now()}`,
      AUDIT_SIGNING_KEY_FILE: config.audit.signingKeyFile,
      AUDIT_TRUSTED_KEYS: process.env.AUDIT_TRUSTED_KEYS,
      AUDIT_WITNESS_URLS: process.env.AUDIT_WITNESS_URLS,
      AUDIT_WITNESS_KEYS: process.env.AUDIT_WITNESS_KEYS,
      AUDIT_OUTBOX: config.audit.outbox ? 'on' : 'off',
      AUDIT_BATCH_MS: process.env.AUDIT_BATCH_MS,
      AUDIT_SHIP_MS: process.env.AUDIT_SHIP_MS,
      AUDIT_WRITE_INTERVAL_MS: process.env.AUDIT_WRITE_INTERVAL_MS,
    }).audit,
  });
  return { url: service.gateway.url };
}
