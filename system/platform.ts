import type { Knex } from 'knex';
import type { AuditConfig, Config, DatabaseName, HttpLimits, JwtConfig, PolicyMode, QueryLimits, Sector } from '../common/config';
import { DATABASES, SECTORS, bySector } from '../common/config';
import { healthRoutes } from '../common/healthRoutes';
import { getLogger } from '../common/logger';
import type { RunningServer } from '../common/subgraphServer';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { catalogueRoutes } from '../gateway/catalogue/catalogueRoute';
import { createAdminRoute } from '../gateway/admin';
import { AuditLog } from '../gateway/audit/auditLog';
import { AuditRepository } from '../gateway/audit/auditRepository';
import { AuditTrail } from '../gateway/audit/auditTrail';
import { createCitizenRoute } from '../gateway/audit/citizenRoute';
import { startGateway } from '../gateway/server';
import { readDemoKeys } from '../gateway/web/demoCredentials';
import { platformStatus } from '../gateway/web/status';
import { loadWebBuild } from '../gateway/web/webBuild';
import { webRoutes } from '../gateway/web/webRoutes';
import { Accounts } from '../gateway/console/accounts';
import { consoleRoutes } from '../gateway/console/consoleRoutes';
import { AccountRepository } from '../gateway/store/accountRepository';
import { Authenticator } from '../gateway/store/authenticator';
import { PolicyCache } from '../gateway/store/policyCache';
import { PolicyRepository } from '../gateway/store/policyRepository';
import { Stewardship } from '../gateway/store/stewardship';
import { startSubgraph } from '../subgraphs';
import { gatewayReadiness } from './readiness';

/** Every database of the platform, migrated and open: the four sectors' and the gateway's own store. */
export type PlatformDatabases = Record<DatabaseName, Knex>;

/** Given the configuration, opens every database (creating it if needed) and applies pending migrations. */
export async function openDatabases(config: Config): Promise<PlatformDatabases> {
  await ensureDatabases(config.database, DATABASES);
  const databases = Object.fromEntries(DATABASES.map((name) => [name, connect(config.database, name)])) as PlatformDatabases;
  try {
    for (const name of DATABASES) await migrateLatest(databases[name], name);
  } catch (error) {
    await closeDatabases(databases);
    throw error;
  }
  return databases;
}

/** Closes every database. */
export async function closeDatabases(databases: PlatformDatabases): Promise<void> {
  await Promise.all(DATABASES.map((name) => databases[name].destroy()));
}

export interface GatewayServiceOptions {
  host: string;
  gatewayPort: number;
  subgraphTimeoutMs: number;
  queryLimits: QueryLimits;
  /** The gateway's HTTP server: timeouts, body size, connections per client (common/config.ts). */
  httpLimits?: HttpLimits;
  /** The key the gateway signs each subgraph call with and every subgraph verifies. */
  signingKey: Buffer;
  policy: { mode: PolicyMode; refreshMs: number };
  jwt: JwtConfig | null;
  audit: AuditConfig;
  production: boolean;
  /** Origins whose web pages may call the gateway; empty or left out: same origin only. */
  corsOrigins?: string[];
  /** Where `npm start` writes the demo agencies' keys, which the explorer offers outside production. */
  dataDirectory?: string;
}

export interface RunningGateway {
  gateway: RunningServer;
  /** The stewards' operations over the gateway's store, as the admin API and the CLI use them. */
  stewardship: Stewardship;
  /** The steward accounts and their console sessions. */
  accounts: Accounts;
  policyCache: PolicyCache;
  auditLog: AuditLog;
  auditTrail: AuditTrail;
  stop(): Promise<void>;
}

/**
 * Given the gateway's own database and where the subgraphs answer, loads the policy and starts the gateway
 * with the stewards' /admin API beside /graphql, and the /health and /ready probes.
 */
export async function startGatewayService(gatewayDb: Knex, subgraphUrls: Record<Sector, string>, options: GatewayServiceOptions): Promise<RunningGateway> {
  const logger = getLogger('platform');
  const repository = new PolicyRepository(gatewayDb);
  const policyCache = new PolicyCache({
    repository,
    refreshMs: options.policy.refreshMs,
    onError: (error) => logger.error({ err: error }, 'policy refresh failed; the previous policy stays in force'),
    onReload: (snapshot) => logger.info({ version: snapshot.version }, 'policy loaded'),
  });
  await policyCache.start();
  const auditLog = new AuditLog(gatewayDb, options.audit, { production: options.production });
  try {
    await auditLog.start();
  } catch (error) {
    policyCache.stop();
    throw error;
  }
  try {
    const stewardship = new Stewardship({ repository, onChange: () => policyCache.refreshNow() });
    const authenticator = new Authenticator({ jwt: options.jwt });
    const accounts = new Accounts({ repository: new AccountRepository(gatewayDb) });
    const auditTrail = new AuditTrail({
      repository: new AuditRepository(gatewayDb),
      deferredAgencies: options.audit.deferredAgencies,
      deferralDays: options.audit.deferralDays,
      indexed: () => auditLog.indexed(),
    });
    const gateway = await startGateway({
      host: options.host,
      port: options.gatewayPort,
      subgraphTimeoutMs: options.subgraphTimeoutMs,
      queryLimits: options.queryLimits,
      ...(options.httpLimits ? { httpLimits: options.httpLimits } : {}),
      signingKey: options.signingKey,
      enforcement: { authenticator, policy: { mode: options.policy.mode, current: () => policyCache.current() }, audit: auditLog },
      extraRoutes: [
        createAdminRoute({ stewardship, authenticator, policyCache, audit: auditTrail, accounts, queryLimits: options.queryLimits }),
        createCitizenRoute({ trail: auditTrail, jwt: options.jwt, queryLimits: options.queryLimits }),
      ],
      subgraphUrls,
      plainRoutes: [
        ...webRoutes({
          build: loadWebBuild(),
          corsOrigins: options.corsOrigins ?? [],
          status: () => platformStatus(subgraphUrls),
          demoKeys: () => (options.production || !options.dataDirectory ? null : readDemoKeys(options.dataDirectory)),
          logger,
        }),
        // After CORS (in webRoutes), which every answer gets.
        ...healthRoutes(gatewayReadiness({ gatewayDb, policyCache, auditLog, subgraphUrls }), logger),
        ...consoleRoutes({ accounts, logger }),
        ...catalogueRoutes({ stewardship, logger }),
      ],
    });
    return {
      gateway,
      stewardship,
      accounts,
      policyCache,
      auditLog,
      auditTrail,
      async stop() {
        await gateway.stop();
        // After the gateway: the last responses' records are written, then sealed by the final checkpoint.
        await auditLog.stop();
        policyCache.stop();
      },
    };
  } catch (error) {
    await auditLog.stop();
    policyCache.stop();
    throw error;
  }
}

export interface RunningPlatform extends RunningGateway {
  subgraphs: Record<Sector, RunningServer>;
}

export interface PlatformOptions extends GatewayServiceOptions {
  /** The port of each subgraph; 0 picks a free one. */
  subgraphPorts: Record<Sector, number>;
}

/**
 * Given open databases, starts the four subgraphs and then the gateway in front of them. stop() stops the
 * gateway first, so no request reaches a subgraph that is already gone.
 */
export async function startPlatform(databases: PlatformDatabases, options: PlatformOptions): Promise<RunningPlatform> {
  const started: RunningServer[] = [];
  try {
    const subgraphs = {} as Record<Sector, RunningServer>;
    for (const sector of SECTORS) {
      subgraphs[sector] = await startSubgraph(sector, {
        db: databases[sector],
        signingKey: options.signingKey,
        host: options.host,
        port: options.subgraphPorts[sector],
      });
      started.push(subgraphs[sector]);
    }
    const service = await startGatewayService(
      databases.gateway,
      bySector((sector) => subgraphs[sector].url),
      options,
    );
    return {
      ...service,
      subgraphs,
      async stop() {
        await service.stop();
        await Promise.all(started.map((server) => server.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}
