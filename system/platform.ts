import fs from 'node:fs';
import { parse } from 'graphql';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { BuiltInSector, SectorConfig, SectorName } from '../common/sectors';
import { BUILT_IN_SECTORS, builtInSectorDefault, sectorUrls } from '../common/sectors';
import type {
  AuditConfig,
  Config,
  DatabaseName,
  HttpLimits,
  JwtConfig,
  PolicyMode,
  QueryLimits,
  QuotaConfig,
  MetricsConfig,
  CitizenConfig,
  StewardConfig,
} from '../common/config';
import { DATABASES, LOOPBACK_NETWORKS, loadConfig } from '../common/config';
import { healthRoutes } from '../common/healthRoutes';
import { clientTlsOptions } from '../common/tls';
import type { SubgraphTlsConfig } from '../common/tlsConfig';
import { getLogger } from '../common/logger';
import { metricsRoute } from '../common/metrics/metricsRoute';
import type { DemoCitizen } from '../db/demoCitizens';
import { demoCitizens } from '../db/demoCitizens';
import type { RunningServer } from '../common/subgraphServer';
import type { ReferenceCacheConfig } from '../common/referenceCache';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { catalogueRoutes } from '../gateway/catalogue/catalogueRoute';
import { createAdminRoute } from '../gateway/admin';
import { AuditLog } from '../gateway/audit/auditLog';
import { ensureAuditPartitions } from '../gateway/audit/auditPartitions';
import { AuditRepository } from '../gateway/audit/auditRepository';
import { VerificationLog } from '../gateway/audit/verificationLog';
import { AuditTrail } from '../gateway/audit/auditTrail';
import { AccessProofs, proofTrustOf } from '../gateway/audit/accessProofs';
import { createCitizenRoute } from '../gateway/audit/citizenRoute';
import { gatewayMetrics } from '../gateway/metrics/gatewayMetrics';
import { GrantPreviews } from '../gateway/operations/grantPreviews';
import { UncountedGatewayMetrics } from '../gateway/metrics/uncountedMetrics';
import { DEFAULT_REPLICA_COUNT, ReplicaHeartbeat } from '../gateway/quotas/replicaHeartbeat';
import { CitizenRepository } from '../gateway/citizen/citizenRepository';
import { CitizenRequests } from '../gateway/citizen/citizenRequests';
import { citizenRoutes } from '../gateway/citizen/citizenRoutes';
import { CitizenSessions } from '../gateway/citizen/citizenSessions';
import { citizenSignIn } from '../gateway/citizen/citizenSignIn';
import { consoleRequestRoutes } from '../gateway/citizen/consoleRequestRoutes';
import { CitizenNotifications } from '../gateway/citizen/citizenNotifications';
import { readDataCopy } from '../gateway/citizen/dataCopy';
import { NotificationRepository } from '../gateway/citizen/notificationRepository';
import type { GatewayExecutor } from '../gateway/server';
import { stewardSignInRoutes } from '../gateway/console/stewardSignIn';
import { declaredLabels } from '../gateway/policy/labels';
import { buildCatalog } from '../gateway/policy/catalog';
import { dataConcernedList, dataOwner } from '../gateway/citizen/requestRouting';
import { startGateway } from '../gateway/server';
import { SUPERGRAPH_PATH } from '../schema/load';
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
import { QuotaStewardship } from '../gateway/store/quotaStewardship';
import { Stewardship } from '../gateway/store/stewardship';
import { QuotaCounter } from '../gateway/quotas/quotaCounter';
import type { QuotaRefusal } from '../gateway/quotas/quotaTypes';
import { quotaRedis } from '../gateway/quotas/redisConnection';
import { OperationRegistration } from '../gateway/operations/registration';
import type { UnknownOperationEvent } from '../gateway/operations/types';
import { SharingDesk } from '../gateway/sharing/sharingDesk';
import type { WorkingCalendar } from '../common/workingDays';
import { loadWorkingCalendar } from '../common/workingDays';
import { startSubgraph } from '../subgraphs';
import { supergraphFor } from '../schema/supergraphFor';
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
  /** TLS between the gateway and the subgraphs (SUBGRAPH_TLS_*); left out: plain HTTP. */
  subgraphTls?: SubgraphTlsConfig;
  policy: { mode: PolicyMode; refreshMs: number };
  jwt: JwtConfig | null;
  audit: AuditConfig;
  production: boolean;
  /** Origins whose web pages may call the gateway; empty or left out: same origin only. */
  corsOrigins?: string[];
  /** Where `npm start` writes the demo agencies' keys, which the explorer offers outside production. */
  dataDirectory?: string;
  /** The supergraph served (supergraphFor(config.sectors)); the committed schema/supergraph.graphql when left out. */
  supergraphSdl?: string;
  /** Quotas per agency: the defaults and where they are counted; left out, the configuration's defaults, in memory. */
  quotas?: QuotaConfig;
  /** Told of every request refused over its quota: the one place such a refusal is counted. */
  onQuotaRefused?: (refusal: QuotaRefusal) => void;
  /** Told of every unregistered operation an agency in log-unknown mode runs: the one place a metric counter is wired. */
  onUnknownOperation?: (event: UnknownOperationEvent) => void;
  /** The working days sharing requests' deadlines count (config.workingCalendar); the built-in public holidays when left out. */
  workingCalendar?: WorkingCalendar;
  /** Who may read GET /metrics; loopback only, without a token, when left out. */
  metrics?: MetricsConfig;
  /** Where each request's access line goes; the process logger by default. */
  accessLogger?: Logger;
  /** False: the gateway and the subgraphs write no access-log line (ACCESS_LOG=off); on when left out. */
  accessLog?: boolean;
  /** How long the subgraphs serve open reference data from memory (REFERENCE_CACHE_*); the defaults when left out. */
  referenceCache?: ReferenceCacheConfig;
  /** The citizens' page: how they sign in (the development provider when left out) and how long a session lasts. */
  citizen?: CitizenConfig;
  /** How stewards sign in to the console: local accounts when left out. */
  steward?: StewardConfig;
  /** The seeded citizens the development identity provider offers; none when left out. */
  demoCitizens?: () => Promise<DemoCitizen[]>;
}

/** Who reads the metrics when the configuration says nothing: this host only. */
const LOOPBACK_ONLY: MetricsConfig = { allowedNetworks: LOOPBACK_NETWORKS, token: null, maxOperationNames: 100, enabled: true };

export interface RunningGateway {
  gateway: RunningServer;
  /** The stewards' operations over the gateway's store, as the admin API and the CLI use them. */
  stewardship: Stewardship;
  /** The agencies' registered operations and modes, as the admin API and the CLI use them. */
  operations: OperationRegistration;
  /** The steward accounts and their console sessions. */
  accounts: Accounts;
  /** The stewards' operations on quotas. */
  quotas: QuotaStewardship;
  /** The agencies' sharing requests and their answers. */
  sharing: SharingDesk;
  /** The citizens' sessions and their requests (contested accesses, rights requests). */
  citizenSessions: CitizenSessions;
  citizenRequests: CitizenRequests;
  policyCache: PolicyCache;
  auditLog: AuditLog;
  auditTrail: AuditTrail;
  stop(): Promise<void>;
}

/**
 * Given the gateway's own database and where the subgraphs answer, loads the policy and starts the gateway
 * with the stewards' /admin API beside /graphql, and the /health and /ready probes.
 */
export async function startGatewayService(gatewayDb: Knex, subgraphUrls: Record<SectorName, string>, options: GatewayServiceOptions): Promise<RunningGateway> {
  const logger = getLogger('platform');
  const subgraphTls = options.subgraphTls ? clientTlsOptions(options.subgraphTls.client) : undefined;
  const repository = new PolicyRepository(gatewayDb);
  const policyCache = new PolicyCache({
    repository,
    refreshMs: options.policy.refreshMs,
    onError: (error) => logger.error({ err: error }, 'policy refresh failed; the previous policy stays in force'),
    onReload: (snapshot) => logger.info({ version: snapshot.version }, 'policy loaded'),
  });
  await policyCache.start();
  try {
    // The months ahead get partitions of their own before any of them is written (MySQL; nothing on SQLite).
    const added = await ensureAuditPartitions(gatewayDb, new Date());
    if (added.length > 0) logger.info({ months: added }, 'audit partitions added');
  } catch (error) {
    // Records still land (in pmax) without them: a replica that lost the race to add them, or lacks the right, serves on.
    logger.warn({ err: error }, 'audit partitions could not be added; records of later months go to pmax meanwhile');
  }
  const quotaConfig = options.quotas ?? loadConfig({}).quotas;
  const redis = quotaConfig.redisUrl ? quotaRedis(quotaConfig.redisUrl, logger) : null;
  // With Redis, each replica's heartbeat tells the others how many share a quota while Redis is down.
  const heartbeat = redis
    ? new ReplicaHeartbeat({ db: gatewayDb, instance: options.audit.instance, config: quotaConfig.replicas ?? DEFAULT_REPLICA_COUNT, logger })
    : null;
  await heartbeat?.start();
  // A clean stop takes this replica's heartbeat out of the count at once, before the gateway database closes.
  const closeQuotas = async () => {
    redis?.disconnect();
    await heartbeat?.stop();
  };
  const metricsConfig = options.metrics ?? LOOPBACK_ONLY;
  const metrics = metricsConfig.enabled ? gatewayMetrics(metricsConfig.maxOperationNames) : new UncountedGatewayMetrics();
  const auditLog = new AuditLog(gatewayDb, options.audit, {
    production: options.production,
    onBatchWritten: (records, seconds) => metrics.auditBatchWritten(records, seconds),
  });
  try {
    await auditLog.start();
  } catch (error) {
    policyCache.stop();
    await closeQuotas();
    throw error;
  }
  const readiness = gatewayReadiness({ gatewayDb, policyCache, auditLog, subgraphUrls, redis, ...(subgraphTls ? { subgraphTls } : {}) });
  const withdrawSources = metrics.useSources({ policy: () => policyCache.current(), readiness, audit: () => auditLog.figures() });
  try {
    const stewardship = new Stewardship({
      repository,
      onChange: () => policyCache.refreshNow(),
      ...(options.supergraphSdl ? { supergraphSdl: options.supergraphSdl } : {}),
    });
    const quotaDefaults = { requestsPerMinute: quotaConfig.requestsPerMinute, costPerMinute: quotaConfig.costPerMinute };
    const quotas = new QuotaStewardship({ repository, defaults: quotaDefaults, onChange: () => policyCache.refreshNow() });
    const counter = new QuotaCounter({ redis, keyPrefix: quotaConfig.redisKeyPrefix, ...(heartbeat ? { replicas: () => heartbeat.replicas() } : {}) });
    const operations = new OperationRegistration({ repository, stewardship, onChange: () => policyCache.refreshNow() });
    const authenticator = new Authenticator({ jwt: options.jwt });
    const sharing = new SharingDesk({ stewardship, repository, calendar: options.workingCalendar ?? loadWorkingCalendar() });
    metrics.useOverdueSharingRequests(() => sharing.countOverdue());
    const accounts = new Accounts({ repository: new AccountRepository(gatewayDb) });
    const auditRepository = new AuditRepository(gatewayDb);
    const previews = new GrantPreviews({
      repository,
      stewardship,
      audit: auditRepository,
      ...(options.supergraphSdl ? { supergraphSdl: options.supergraphSdl } : {}),
    });
    const accessProofs = new AccessProofs(gatewayDb, () => proofTrustOf(options.audit));
    const auditTrail = new AuditTrail({
      repository: auditRepository,
      deferredAgencies: options.audit.deferredAgencies,
      deferralDays: options.audit.deferralDays,
      indexed: () => auditLog.indexed(),
      verifications: new VerificationLog(gatewayDb),
      ...(options.audit.verificationMaxAgeMs ? { verificationMaxAgeMs: options.audit.verificationMaxAgeMs } : {}),
      proofs: accessProofs,
    });
    const citizenConfig = options.citizen ?? { signIn: { kind: 'development' as const }, sessionTtlMs: 30 * 60 * 1000 };
    if (citizenConfig.signIn.kind === 'development' && options.production) throw new Error('production never runs the development identity provider');
    const steward = options.steward ?? { identityProvider: null, passwordSignIn: true };
    const citizenRepository = new CitizenRepository(gatewayDb);
    const citizenSessions = new CitizenSessions(citizenRepository, citizenConfig.sessionTtlMs);
    const supergraphText = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
    const labels = declaredLabels(parse(supergraphText));
    const catalog = buildCatalog(supergraphText);
    const agencyName = (code: string) => policyCache.current().agencies.get(code)?.name ?? null;
    const citizenRequests = new CitizenRequests({
      repository: citizenRepository,
      calendar: options.workingCalendar ?? loadWorkingCalendar(),
      accessAgencyOf: async (nationalId, reference) => {
        if (!(await auditTrail.citizenMaySee(nationalId, reference))) return undefined;
        const [instance, seq] = reference.split(':');
        return citizenRepository.accessAgency(instance!, Number(seq));
      },
      dataOwnerOf: (concerns) => dataOwner(concerns, catalog, policyCache.current().agencies.values()),
      agencyName,
    });
    const citizenNotifications = new CitizenNotifications({
      repository: new NotificationRepository(gatewayDb),
      deferredAgencies: options.audit.deferredAgencies,
      deferralDays: options.audit.deferralDays,
    });
    // The gateway hands its executor over once it listens; a copy asked before then cannot be read.
    let executor: GatewayExecutor | null = null;
    const readCopy = (nationalId: string) => {
      if (!executor) throw new Error('the gateway is not listening yet');
      return readDataCopy(executor, nationalId, labels);
    };
    const gateway = await startGateway({
      onExecutor: (given) => {
        executor = given;
      },
      host: options.host,
      port: options.gatewayPort,
      subgraphTimeoutMs: options.subgraphTimeoutMs,
      queryLimits: options.queryLimits,
      ...(options.httpLimits ? { httpLimits: options.httpLimits } : {}),
      signingKey: options.signingKey,
      ...(options.supergraphSdl ? { supergraphSdl: options.supergraphSdl } : {}),
      ...(subgraphTls ? { subgraphTls } : {}),
      enforcement: {
        authenticator,
        policy: { mode: options.policy.mode, current: () => policyCache.current() },
        audit: auditLog,
        sharing,
        quotas: {
          counter,
          defaults: quotaDefaults,
          onRefused: (refusal) => {
            metrics.rateLimitRefused(refusal.agencyCode);
            options.onQuotaRefused?.(refusal);
          },
        },
      },
      metrics,
      ...(options.accessLogger ? { accessLogger: options.accessLogger } : {}),
      accessLog: options.accessLog ?? true,
      onUnknownOperation: (event) => {
        metrics.unknownOperation(event.agencyCode);
        options.onUnknownOperation?.(event);
      },
      extraRoutes: [
        createAdminRoute({
          stewardship,
          quotas,
          operations,
          sharing,
          previews,
          authenticator,
          policyCache,
          audit: auditTrail,
          accounts,
          notifications: citizenNotifications,
          queryLimits: options.queryLimits,
        }),
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
        ...healthRoutes(readiness, logger),
        ...(metricsConfig.enabled ? [metricsRoute(metrics.registry, metricsConfig, logger)] : []),
        ...citizenRoutes({
          signIn: citizenSignIn({ config: citizenConfig.signIn, demoCitizens: options.demoCitizens ?? (async () => []) }),
          sessions: citizenSessions,
          requests: citizenRequests,
          trail: auditTrail,
          labels,
          dataConcerned: dataConcernedList(catalog, labels),
          copy: readCopy,
          notifications: citizenNotifications,
          deferral: { agencies: options.audit.deferredAgencies, days: options.audit.deferralDays },
          agencyName,
          proofTrust: () => accessProofs.trust(),
          logger,
        }),
        ...consoleRoutes({
          accounts,
          logger,
          extraRoutes: [consoleRequestRoutes({ accounts, requests: citizenRequests, logger })],
          signInMethods: { password: steward.passwordSignIn, identityProvider: steward.identityProvider !== null },
        }),
        ...(steward.identityProvider ? stewardSignInRoutes({ provider: steward.identityProvider, accounts, logger }) : []),
        ...catalogueRoutes({ stewardship, logger }),
      ],
    });
    return {
      gateway,
      stewardship,
      operations,
      accounts,
      quotas,
      sharing,
      citizenSessions,
      citizenRequests,
      policyCache,
      auditLog,
      auditTrail,
      async stop() {
        await gateway.stop();
        // After the gateway: the last responses' records are written, then sealed by the final checkpoint.
        await auditLog.stop();
        policyCache.stop();
        await closeQuotas();
        withdrawSources();
        metrics.useOverdueSharingRequests(null);
      },
    };
  } catch (error) {
    withdrawSources();
    metrics.useOverdueSharingRequests(null);
    await auditLog.stop();
    policyCache.stop();
    await closeQuotas();
    throw error;
  }
}

export interface RunningPlatform extends RunningGateway {
  subgraphs: Record<BuiltInSector, RunningServer>;
}

export interface PlatformOptions extends GatewayServiceOptions {
  /** The port of each built-in subgraph; 0 picks a free one. */
  subgraphPorts: Record<BuiltInSector, number>;
  /**
   * The sectors (config.sectors; the built-in four when left out): the platform runs the built-in ones' subgraphs
   * and calls the others, which their agencies run, at their URLs.
   */
  sectors?: readonly SectorConfig[];
}

/**
 * Given open databases, starts the built-in subgraphs and then the gateway in front of them and of the sectors
 * configuration adds. stop() stops the gateway first, so no request reaches a subgraph that is already gone.
 */
export async function startPlatform(databases: PlatformDatabases, options: PlatformOptions): Promise<RunningPlatform> {
  const started: RunningServer[] = [];
  try {
    const sectors = options.sectors ?? BUILT_IN_SECTORS.map((sector) => builtInSectorDefault(sector, options.host));
    const subgraphs = {} as Record<BuiltInSector, RunningServer>;
    for (const sector of BUILT_IN_SECTORS) {
      subgraphs[sector] = await startSubgraph(sector, {
        db: databases[sector],
        signingKey: options.signingKey,
        host: options.host,
        port: options.subgraphPorts[sector],
        tls: options.subgraphTls?.server ?? null,
        ...(options.metrics ? { metrics: options.metrics } : {}),
        accessLog: options.accessLog ?? true,
        ...(options.referenceCache ? { referenceCache: options.referenceCache } : {}),
      });
      started.push(subgraphs[sector]);
    }
    const urls = { ...sectorUrls(sectors), ...Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [sector, subgraphs[sector].url])) };
    const service = await startGatewayService(databases.gateway, urls, {
      demoCitizens: () => demoCitizens(databases.population, 5),
      ...options,
      supergraphSdl: options.supergraphSdl ?? supergraphFor(sectors),
    });
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
