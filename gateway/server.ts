import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { UNRESTRICTED_ACCESS } from '../common/accessContext';
import type { HttpLimits, PolicyMode, QueryLimits } from '../common/config';
import type { SectorName } from '../common/sectors';
import { VALIDATION_OPTIONS, maskError } from '../common/errors';
import type { AnyGraphQLRoute, PlainRoute } from '../common/httpServer';
import { requestIdOf, startHttpServer } from '../common/httpServer';
import { getAccessLogger, getLogger } from '../common/logger';
import type { RunningServer } from '../common/subgraphServer';
import { SELF_SERVICE, SUPERGRAPH_PATH } from '../schema/load';
import type { GatewayContext } from './enforcement/context';
import { readRequestHeaders } from './enforcement/context';
import { officerUnitOf } from './enforcement/officerUnit';
import { auditPlugin } from './enforcement/auditPlugin';
import { policyPlugin } from './enforcement/policyPlugin';
import { approvedOperations } from './operations/approvedOperationsPlugin';
import { gatewayPlanCache } from './operations/gatewayPlanCache';
import { PlanWarmer } from './operations/planWarmer';
import type { UnknownOperationEvent } from './operations/types';
import { apiSchemaOf, buildCatalog } from './policy/catalog';
import { selfServiceDataSource } from './selfService/selfServiceSubgraph';
import type { SharingDesk } from './sharing/sharingDesk';
import type { AuditLog } from './audit/auditLog';
import type { Authenticator } from './store/authenticator';
import { AuthenticationError } from './store/errors';
import type { StoreSnapshot } from './store/types';
import type { Principal } from './policy/types';
import { quotaPlugin } from './quotas/quotaPlugin';
import type { QuotaPluginOptions } from './quotas/quotaPlugin';
import type { GatewayMetrics } from './metrics/gatewayMetrics';
import { gatewayMetrics } from './metrics/gatewayMetrics';
import { requestObserver } from './observability/requestObserver';
import { queryLimitProtection } from './queryLimits';
import { requestAuditing } from './requestAuditing';
import { SubgraphDataSource } from './subgraphDataSource';

export interface GatewayEnforcement {
  /** Who is calling: API keys and agency tokens, checked against the current policy snapshot. */
  authenticator: Authenticator;
  policy: {
    mode: PolicyMode;
    /** The policy in force, kept current by a PolicyCache. */
    current(): StoreSnapshot;
  };
  /** Where every request is recorded; null only in the benchmark, to measure the policy without the audit. */
  audit: AuditLog | null;
  /** Quotas per agency (requests and query cost per minute); left out, none is counted (the benchmark's policy-only gateway). */
  quotas?: Omit<QuotaPluginOptions, 'settings'>;
  /** Where agencies file sharing requests through the self-service; left out, fileSharingRequest is refused. */
  sharing?: SharingDesk;
}

export interface GatewayOptions {
  queryLimits: QueryLimits;
  /** Timeouts, body size and connections per client of the HTTP server; a subgraph's bounds when left out. */
  httpLimits?: HttpLimits;
  /** Where each subgraph answers; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SectorName, string>;
  subgraphTimeoutMs: number;
  /** The key shared with the subgraphs, which refuse any call not signed with it. */
  signingKey: Buffer;
  /** The TLS options of calls to https subgraphs (common/tls.ts clientTlsOptions); none: Node's bundled CAs. */
  subgraphTls?: ConnectionOptions;
  /**
   * Authentication, the access policy and the audit trail. Null turns all three off, so that every caller reads
   * everything unrecorded: only the benchmark does that, to measure what they cost. A deployment never does.
   */
  enforcement: GatewayEnforcement | null;
  /** More routes on the same server, such as the stewards' /admin API. */
  extraRoutes?: AnyGraphQLRoute[];
  /** Routes answered before the GraphQL endpoints: CORS, the web apps' pages and files, the status, /health and /ready. */
  plainRoutes?: PlainRoute[];
  port?: number;
  host?: string;
  /** The composed supergraph SDL; defaults to the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Told of every unregistered operation an agency in log-unknown mode runs (approved operations): a metric's counter. */
  onUnknownOperation?: (event: UnknownOperationEvent) => void;
  /** Where each request's access line goes (info); the process logger's `access` component by default. */
  accessLogger?: Logger;
  /** False: no access-log line is written (ACCESS_LOG=off); on when left out. */
  accessLog?: boolean;
  /** The metrics requests are counted in; the process's gateway metrics by default. */
  metrics?: GatewayMetrics;
  /** Handed, once the gateway listens, the way to run an operation of the gateway's own (the citizen's copy). */
  onExecutor?: (executor: GatewayExecutor) => void;
  /** Handed, once the gateway listens, what plans agencies' registered operations ahead into its query-plan cache (with enforcement only). */
  onPlanWarmer?: (warmer: PlanWarmer) => void;
}

/** An operation the gateway runs for a caller it has authenticated itself, not taken from a request. */
export interface InternalOperation {
  query: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/** The answer to an internal operation, as a client of /graphql would read it. */
export interface InternalAnswer {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * Given an operation and the principal it runs as, runs it through the gateway's whole pipeline (limits, quotas,
 * the policy's decision and its signed access contexts, the federated execution, the audit record) as a request
 * of /graphql would be; only the principal comes from the gateway, not from a credential.
 */
export type GatewayExecutor = (operation: InternalOperation, principal: Principal) => Promise<InternalAnswer>;

/**
 * Given the subgraphs' URLs, the policy and how to authenticate, starts the federation gateway over the
 * static supergraph and returns its URL. The static supergraph lets the gateway start, and answer for the
 * rest, while a subgraph is down; every operation is decided before any subgraph is called.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const logger = getLogger('gateway');
  const metrics = options.metrics ?? gatewayMetrics();
  // @apollo/gateway otherwise sends usage metrics to Apollo's servers, which a closed government network must not do.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const catalog = buildCatalog(supergraphSdl);
  const unlocated = catalog.sectors.filter((sector) => options.subgraphUrls[sector] === undefined);
  if (unlocated.length > 0) throw new Error(`The supergraph's sectors ${unlocated.join(', ')} have no URL: configure each sector the supergraph holds`);
  // What each subgraph is told when enforcement is off.
  const unrestricted = Object.fromEntries(catalog.sectors.map((sector) => [sector, UNRESTRICTED_ACCESS]));
  const { enforcement } = options;
  // The self-service subgraph is answered inside this process; the sectors' subgraphs over signed HTTP calls.
  const selfService = (name: string) =>
    name === SELF_SERVICE
      ? selfServiceDataSource({
          apiSchema: apiSchemaOf(supergraphSdl),
          catalog,
          snapshot: enforcement ? () => enforcement.policy.current() : null,
          sharing: enforcement?.sharing ?? null,
        })
      : null;
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) =>
      selfService(name) ??
      new SubgraphDataSource({
        name,
        url: options.subgraphUrls[name]!,
        timeoutMs: options.subgraphTimeoutMs,
        signingKey: options.signingKey,
        ...(options.subgraphTls ? { tls: options.subgraphTls } : {}),
        onFailure: (subgraph, cause) => logger.warn({ subgraph, err: cause }, 'subgraph call failed'),
        onFetched: (subgraph, seconds, code) => metrics.subgraphFetched(subgraph, seconds, code),
      }),
  });
  const limits = queryLimitProtection(options.queryLimits);
  const operations = enforcement
    ? approvedOperations({
        snapshot: () => enforcement.policy.current(),
        logger,
        ...(options.onUnknownOperation ? { onUnknownOperation: options.onUnknownOperation } : {}),
      })
    : null;
  const observer = requestObserver({
    metrics,
    logger: options.accessLogger ?? getAccessLogger(),
    auditInstance: enforcement?.audit?.instance ?? null,
    accessLog: options.accessLog ?? true,
  });
  const auditing = enforcement?.audit ? requestAuditing(enforcement.audit, new Set(['/graphql', null]), logger, observer.noteOf) : null;
  const server = new ApolloServer<GatewayContext>({
    gateway,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    validationOptions: VALIDATION_OPTIONS,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, 'gateway', (cause) => logger.error({ err: cause }, 'request failed')),
    plugins: [
      // First: a registered operation's text is put in place before anything reads the request.
      ...(operations ? [operations.plugin] : []),
      ...(limits.plugins as Array<ApolloServerPlugin<GatewayContext>>),
      ...(auditing ? [auditing.plugin] : []),
      ...(enforcement?.quotas ? [quotaPlugin({ ...enforcement.quotas, settings: () => enforcement.policy.current().quotas })] : []),
      ...(enforcement ? [policyPlugin({ catalog, mode: enforcement.policy.mode, snapshot: () => enforcement.policy.current(), logger })] : []),
      // After the policy: it probes the document the policy leaves, and records the answer the policy has masked.
      ...(enforcement?.audit ? [auditPlugin({ audit: enforcement.audit, logger })] : []),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
  const context = async (request: IncomingMessage, rawBody: string): Promise<GatewayContext> => {
    const requestId = requestIdOf(request);
    const note = observer.noteOf(request);
    if (!enforcement) return { principal: { kind: 'ANONYMOUS' }, purpose: null, userId: null, dossierId: null, access: unrestricted, requestId, note };
    const arrivedAt = new Date();
    try {
      const headers = readRequestHeaders(request);
      const principal = await enforcement.authenticator.authenticate(request.headers.authorization, enforcement.policy.current());
      if (principal instanceof AuthenticationError) throw principal;
      const officerUnit = officerUnitOf(request, principal.kind === 'AGENCY' ? principal.agency : null);
      // Before Apollo Server reads a persisted query: what the caller's operations mode refuses never reaches its APQ cache.
      const admission = operations?.admit(principal, request, rawBody) ?? null;
      const built: GatewayContext = {
        ...headers,
        principal: principal.kind === 'AGENCY' ? { ...principal, userId: headers.userId, officerUnit } : principal,
        clientAddress: request.socket.remoteAddress ?? null,
        ...(admission ? { operations: admission } : {}),
        requestId,
        note,
      };
      auditing?.contextBuilt(request, built);
      return built;
    } catch (error) {
      // Refused before any operation is read: recorded too, as the anonymous caller, with nothing returned.
      const code = error instanceof GraphQLError ? String(error.extensions.code) : 'INTERNAL_SERVER_ERROR';
      auditing?.contextRefused(request, arrivedAt, code);
      throw error;
    }
  };
  const handle = await startHttpServer(
    [{ path: '/graphql', server, context }, ...(options.extraRoutes ?? [])],
    {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      ...(options.httpLimits ? { limits: options.httpLimits } : {}),
      onAnswered: (request, answer) => {
        // The audit first: a request refused before the pipeline gets its record there, which the access line names.
        auditing?.answered(request, answer);
        observer.answered(request, answer);
      },
    },
    logger,
    options.plainRoutes,
  );
  options.onExecutor?.(async (operation, principal) => {
    const contextValue: GatewayContext = { principal, purpose: null, userId: null, dossierId: null, ...(enforcement ? {} : { access: unrestricted }) };
    const response = await server.executeOperation(operation, { contextValue });
    if (response.body.kind !== 'single') throw new Error('an internal operation is answered in one part');
    return response.body.singleResult as InternalAnswer;
  });
  if (enforcement && options.onPlanWarmer) {
    // The document each request sends depends on these plugins, which the warmer goes through as requests do.
    const chain = { mode: enforcement.policy.mode, audited: enforcement.audit !== null };
    options.onPlanWarmer(new PlanWarmer({ cache: gatewayPlanCache(gateway), catalog, chain, logger }));
  }
  const url = new URL('graphql', handle.baseUrl).toString();
  logger.info({ url }, 'gateway listening');
  return { url, stop: handle.stop };
}
