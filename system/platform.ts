import type { Knex } from 'knex';
import type { BuiltInSector, SectorConfig, SectorName } from '../common/sectors';
import { BUILT_IN_SECTORS, builtInSectorDefault, sectorUrls } from '../common/sectors';
import { loadConfig } from '../common/config';
import { healthRoutes } from '../common/healthRoutes';
import { clientTlsOptions } from '../common/tls';
import { getLogger } from '../common/logger';
import { metricsRoute } from '../common/metrics/metricsRoute';
import { demoCitizens } from '../db/demoCitizens';
import type { RunningServer } from '../common/subgraphServer';
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
import { UncountedGatewayMetrics } from '../gateway/metrics/uncountedMetrics';
import { DEFAULT_REPLICA_COUNT, ReplicaHeartbeat } from '../gateway/quotas/replicaHeartbeat';
import { consoleRequestRoutes } from '../gateway/citizen/consoleRequestRoutes';
import type { GatewayExecutor } from '../gateway/server';
import { stewardSignInRoutes } from '../gateway/console/stewardSignIn';
import { startGateway } from '../gateway/server';
import { readDemoKeys } from '../gateway/web/demoCredentials';
import { platformStatus } from '../gateway/web/status';
import { loadWebBuild } from '../gateway/web/webBuild';
import { webRoutes } from '../gateway/web/webRoutes';
import { consoleRoutes } from '../gateway/console/consoleRoutes';
import { Authenticator } from '../gateway/store/authenticator';
import { PolicyCache } from '../gateway/store/policyCache';
import { PolicyRepository } from '../gateway/store/policyRepository';
import { QuotaCounter } from '../gateway/quotas/quotaCounter';
import { quotaRedis } from '../gateway/quotas/redisConnection';
import { signInThrottle } from '../gateway/console/signInThrottle';
import type { PlanWarmer } from '../gateway/operations/planWarmer';
import { startSubgraph } from '../subgraphs';
import { supergraphFor } from '../schema/supergraphFor';
import { citizenServices } from './citizenServices';
import type { PlatformDatabases } from './databases';
import type { GatewayServiceOptions, RunningGateway } from './gatewayServiceOptions';
import { LOOPBACK_ONLY } from './gatewayServiceOptions';
import { gatewayReadiness } from './readiness';
import { stewardServices } from './stewardServices';

export type { PlatformDatabases } from './databases';
export { closeDatabases, openDatabases } from './databases';
export type { GatewayServiceOptions, RunningGateway } from './gatewayServiceOptions';

/**
 * Given the gateway's own database and where the subgraphs answer, loads the policy and starts the gateway
 * with the stewards' /admin API beside /graphql, and the /health and /ready probes.
 */
export async function startGatewayService(gatewayDb: Knex, subgraphUrls: Record<SectorName, string>, options: GatewayServiceOptions): Promise<RunningGateway> {
  const logger = getLogger('platform');
  const subgraphTls = options.subgraphTls ? clientTlsOptions(options.subgraphTls.client) : undefined;
  const repository = new PolicyRepository(gatewayDb);
  // Handed over once the gateway listens: from then on, each policy loaded has its registered operations planned ahead.
  const warming: { warmer: PlanWarmer | null } = { warmer: null };
  const policyCache = new PolicyCache({
    repository,
    refreshMs: options.policy.refreshMs,
    onError: (error) => logger.error({ err: error }, 'policy refresh failed; the previous policy stays in force'),
    onReload: (snapshot) => {
      logger.info({ version: snapshot.version }, 'policy loaded');
      void warming.warmer?.warm(snapshot);
    },
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
  const readiness = gatewayReadiness({
    gatewayDb,
    policyCache,
    auditLog,
    subgraphUrls,
    redis,
    ...(subgraphTls ? { subgraphTls } : {}),
    planWarming: () => warming.warmer?.unavailable() ?? null,
  });
  const withdrawSources = metrics.useSources({ policy: () => policyCache.current(), readiness, audit: () => auditLog.figures() });
  try {
    const quotaDefaults = { requestsPerMinute: quotaConfig.requestsPerMinute, costPerMinute: quotaConfig.costPerMinute };
    const counter = new QuotaCounter({ redis, keyPrefix: quotaConfig.redisKeyPrefix, ...(heartbeat ? { replicas: () => heartbeat.replicas() } : {}) });
    const authenticator = new Authenticator({ jwt: options.jwt });
    const auditRepository = new AuditRepository(gatewayDb);
    const { stewardship, quotas, operations, sharing, accounts, previews } = stewardServices({
      gatewayDb,
      repository,
      auditRepository,
      policyCache,
      quotaDefaults,
      options,
      // A registration answers once its operations are planned ahead (within the warmer's bounds).
      onOperationsChange: async () => warming.warmer?.warm(await policyCache.refreshNow()),
    });
    metrics.useOverdueSharingRequests(() => sharing.countOverdue());
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
    const steward = options.steward ?? { identityProvider: null, passwordSignIn: true };
    // The gateway hands its executor over once it listens.
    let executor: GatewayExecutor | null = null;
    const citizens = citizenServices({ gatewayDb, policyCache, auditTrail, accessProofs, executor: () => executor, options });
    const gateway = await startGateway({
      onExecutor: (given) => {
        executor = given;
      },
      onPlanWarmer: (warmer) => {
        warming.warmer = warmer;
        void warmer.warm(policyCache.current());
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
          notifications: citizens.notifications,
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
        ...citizens.routes(logger),
        ...consoleRoutes({
          accounts,
          logger,
          extraRoutes: [consoleRequestRoutes({ accounts, requests: citizens.requests, logger })],
          signInMethods: { password: steward.passwordSignIn, identityProvider: steward.identityProvider !== null },
          throttle: signInThrottle({ redis, keyPrefix: quotaConfig.redisKeyPrefix }),
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
      citizenSessions: citizens.sessions,
      citizenRequests: citizens.requests,
      policyCache,
      planWarmer: warming.warmer!,
      auditLog,
      auditTrail,
      async stop() {
        warming.warmer?.stop();
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
