import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, Kind, defaultFieldResolver, getNamedType, isObjectType } from 'graphql';
import type { DocumentNode, GraphQLFieldResolver, GraphQLFormattedError, GraphQLObjectType, GraphQLOutputType, GraphQLSchema } from 'graphql';
import type { Knex } from 'knex';
import type { AccessContext } from './accessContext';
import { ACCESS_CONTEXT_HEADER, NonceRegistry, verifyAccessContext } from './accessContext';
import type { MetricsConfig } from './config';
import { LOOPBACK_NETWORKS } from './config';
import type { SectorName } from './sectors';
import { ErrorCode, VALIDATION_OPTIONS, maskError } from './errors';
import { healthRoutes } from './healthRoutes';
import { requestIdOf, startHttpServer } from './httpServer';
import type { ReferenceCacheConfig } from './referenceCache';
import { REFERENCE_CACHE_DEFAULTS, ReferenceTables } from './referenceCache';
import { subgraphShortcut } from './subgraphShortcut';
import { serverTls } from './tls';
import type { SubgraphTlsServerConfig } from './tlsConfig';
import { getAccessLogger, getLogger } from './logger';
import { MASK_KINDS, maskValue } from './masks';
import { metricsRoute } from './metrics/metricsRoute';
import { subgraphMetrics } from './metrics/subgraphMetrics';
import { CHECK_TIMEOUT_MS, READY_CACHE_MS, cachedFor, runChecks } from './readiness';
import { pingDatabase } from '../db/ping';
import { subgraphDocument } from '../schema/load';

/** What every subgraph's per-request context carries: the access context the gateway signed for the request. */
export interface SubgraphContext {
  access: AccessContext;
}

/** What a sector contributes: its resolvers and how to make a per-request context from its database and the caller's access. */
export interface SubgraphDefinition<Context extends SubgraphContext> {
  sector: SectorName;
  /** The subgraph's SDL; a built-in sector's is schema/<sector>.graphql. */
  typeDefs?: DocumentNode;
  resolvers: GraphQLResolverMap<Context>;
  /** Given the database, the caller's access and the server's caches of open reference data, returns the request's context. */
  createContext(db: Knex, access: AccessContext, reference: ReferenceTables): Context;
}

export interface SubgraphServerOptions {
  db: Knex;
  /** The key shared with the gateway, which signs the access context of every call. */
  signingKey: Buffer;
  port?: number;
  host?: string;
  /** Serve https with this certificate, and with a client CA require the gateway's client certificate; null: plain HTTP. */
  tls?: SubgraphTlsServerConfig | null;
  /** Who may read the subgraph's GET /metrics; this host only when left out. */
  metrics?: Pick<MetricsConfig, 'allowedNetworks' | 'token'> & Partial<Pick<MetricsConfig, 'enabled'>>;
  /** False: no line per request (ACCESS_LOG=off); on when left out. */
  accessLog?: boolean;
  /**
   * Execute queries over documents validated once per text, before Apollo Server's pipeline (common/subgraphShortcut.ts);
   * true when left out. False sends every request through Apollo Server: the reference the shortcut is tested against.
   */
  shortcut?: boolean;
  /** How long rows of open reference data are served from memory, and how many per table (REFERENCE_CACHE_*); the defaults when left out. */
  referenceCache?: ReferenceCacheConfig;
  /** The clock the reference cache reads; Date.now when left out. */
  referenceClock?: () => number;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** The code of a request refused because the gateway did not sign it, or signed something else. */
export const UNAUTHENTICATED = ErrorCode.UNAUTHENTICATED;

/** The code of a field that is to be masked but whose type cannot carry a masked value. */
export const MASK_NOT_APPLICABLE = ErrorCode.MASK_NOT_APPLICABLE;

const NATIONAL_ID = /^\d{12}$/;

/**
 * Given the signed principal and subject, tells whether they fit together: a citizen reads their own rows only,
 * so a citizen's context always names that citizen as its subject; any subject is a national ID.
 */
function subjectFits(principal: object, subject: unknown): boolean {
  if (subject !== undefined && (typeof subject !== 'string' || !NATIONAL_ID.test(subject))) return false;
  const citizen = principal as { kind?: unknown; nationalId?: unknown };
  if (citizen.kind !== 'CITIZEN') return true;
  return typeof citizen.nationalId === 'string' && subject === citizen.nationalId;
}

/** Given verified claims, tells whether they hold an access context a subgraph can apply. */
function isAccessContext(claims: Partial<AccessContext>): claims is AccessContext {
  const { scope, masks, principal, purpose, subject } = claims;
  return (
    typeof principal === 'object' &&
    principal !== null &&
    subjectFits(principal, subject) &&
    (purpose === null || typeof purpose === 'string') &&
    (scope === null || (Array.isArray(scope) && scope.every((code) => typeof code === 'string'))) &&
    typeof masks === 'object' &&
    masks !== null &&
    !Array.isArray(masks) &&
    Object.values(masks).every((mask) => (MASK_KINDS as readonly string[]).includes(mask))
  );
}

/** Given why a request is refused, returns the error that answers it with HTTP 401 before anything executes. */
function refusal(sector: SectorName, reason: string): GraphQLError {
  return new GraphQLError(`The ${sector} subgraph answers only requests signed by the gateway: ${reason}`, {
    extensions: { code: UNAUTHENTICATED, reason, http: { status: 401 } },
  });
}

/**
 * Given the shared key, the subgraph's sector, an HTTP request with its raw body, the clock and the nonce
 * registry, returns the access context the gateway signed for exactly this request, or throws
 * UNAUTHENTICATED (HTTP 401) with the reason. Only POST is served: a GET carries its operation in the URL,
 * which the signature (bound to the body) does not cover.
 */
export function assertSignedAccess(
  signingKey: Buffer,
  sector: SectorName,
  request: IncomingMessage,
  rawBody: string,
  now: number,
  nonces: NonceRegistry,
): AccessContext {
  if (request.method !== 'POST') throw refusal(sector, `only POST requests are signed, got ${request.method ?? 'none'}`);
  const header = request.headers[ACCESS_CONTEXT_HEADER];
  const claims = verifyAccessContext(signingKey, Array.isArray(header) ? header.join(', ') : header, sector, rawBody, now, nonces);
  if ('error' in claims) throw refusal(sector, claims.error);
  if (!isAccessContext(claims)) throw refusal(sector, 'the gateway signature carries a malformed access context');
  const { principal, purpose, scope, subject, masks } = claims;
  return { principal, purpose, scope, ...(subject !== undefined ? { subject } : {}), masks };
}

/** Given an object type, returns the names of the fields its @key directives name. */
function keyFieldsOf(type: GraphQLObjectType): Set<string> {
  const names = new Set<string>();
  for (const node of [type.astNode, ...type.extensionASTNodes]) {
    for (const directive of node?.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
      if (fields?.kind !== Kind.STRING) continue;
      // A nested key selects into an object: its outer field is the one a join reads.
      let depth = 0;
      for (const token of fields.value.match(/[A-Za-z_][A-Za-z0-9_]*|[{}]/g) ?? []) {
        if (token === '{') depth += 1;
        else if (token === '}') depth -= 1;
        else if (depth === 0) names.add(token);
      }
    }
  }
  return names;
}

/** Given a field's type, tells whether a masked value (a string) can stand in for its values. */
function carriesMaskedText(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return named.name === 'String' || named.name === 'ID';
}

/** Given a resolved value of a string (or list of strings) field and a mask, returns the masked value. */
/**
 * Given a subgraph schema, wraps every field resolver so that a field the request's context lists in
 * access.masks ("Type.field", or "Interface.field" for a field an interface declares) resolves to its
 * masked value. Key fields are never masked here: the gateway joins entities across subgraphs by the
 * values of their keys (Citizen.nationalId, LandParcel.id...), so a masked key would join the wrong
 * entity or none; the gateway masks keys itself in the response it returns. A field whose type cannot
 * carry a masked string (a number, an enum, an object) fails closed with MASK_NOT_APPLICABLE.
 */
export function enforceFieldMasks(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const keys = keyFieldsOf(type);
    for (const field of Object.values(type.getFields())) {
      if (keys.has(field.name)) continue;
      const coordinates = [
        `${type.name}.${field.name}`,
        ...type
          .getInterfaces()
          .filter((face) => field.name in face.getFields())
          .map((face) => `${face.name}.${field.name}`),
      ];
      const maskable = carriesMaskedText(field.type);
      const resolve: GraphQLFieldResolver<unknown, SubgraphContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: SubgraphContext, info) => {
        const masks = context.access.masks;
        const coordinate = coordinates.find((name) => masks[name] !== undefined);
        if (coordinate === undefined) return resolve(source, args, context, info);
        const mask = masks[coordinate]!;
        if (!maskable) {
          throw new GraphQLError(`${coordinate} is disclosed only as ${mask}, which a value of type ${String(field.type)} cannot carry`, {
            extensions: { code: MASK_NOT_APPLICABLE, coordinate, mask },
          });
        }
        const value: unknown = resolve(source, args, context, info);
        return value instanceof Promise ? value.then((resolved) => maskValue(resolved, mask)) : maskValue(value, mask);
      };
    }
  }
  return schema;
}

/**
 * Given a sector's definition and its database, starts its subgraph over HTTP and returns its URL.
 * Every request, _service and _entities and introspection included, must carry the access context the
 * gateway signed for this subgraph and this very body; anything else is refused with HTTP 401 before any
 * resolver runs or the database is read. GET /health and GET /ready (its database) answer probes, unsigned.
 * Port 0 picks a free port. Inline tracing, stack traces, batching and the CDN landing page are off.
 */
export async function startSubgraphServer<Context extends SubgraphContext>(
  definition: SubgraphDefinition<Context>,
  options: SubgraphServerOptions,
): Promise<RunningServer> {
  const logger = getLogger(`subgraph:${definition.sector}`);
  const schema = buildSubgraphSchema({
    typeDefs: definition.typeDefs ?? subgraphDocument(definition.sector),
    resolvers: definition.resolvers as GraphQLResolverMap<unknown>,
  });
  const maskedSchema = enforceFieldMasks(schema);
  const formatError = (formatted: GraphQLFormattedError, error: unknown) =>
    maskError(formatted, error, definition.sector, (cause) => logger.error({ err: cause }, 'resolver failed'));
  const server = new ApolloServer<Context>({
    schema: maskedSchema,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationOptions: VALIDATION_OPTIONS,
    stopOnTerminationSignals: false,
    formatError,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
  // One registry per server: a signed call is accepted once, whichever route or connection replays it.
  const nonces = new NonceRegistry();
  // One set per server: open reference data read for one request serves the next ones, whoever makes them.
  const reference = new ReferenceTables(options.referenceCache ?? REFERENCE_CACHE_DEFAULTS, options.referenceClock);
  const context = async (request: IncomingMessage, rawBody: string): Promise<Context> => {
    let access: AccessContext;
    try {
      access = assertSignedAccess(options.signingKey, definition.sector, request, rawBody, Date.now(), nonces);
    } catch (error) {
      logger.warn(
        { requestId: requestIdOf(request), reason: (error as GraphQLError).extensions?.reason, remote: request.socket.remoteAddress },
        'refused a request the gateway did not sign',
      );
      throw error;
    }
    return definition.createContext(options.db, access, reference);
  };
  // Unsigned, as probes are: they tell only whether the subgraph and its database answer.
  const ready = cachedFor(READY_CACHE_MS, () => runChecks([{ name: 'database', check: () => pingDatabase(options.db) }], CHECK_TIMEOUT_MS));
  const metricsEnabled = options.metrics?.enabled ?? true;
  const accessLog = options.accessLog ?? true;
  const accessLogger = getAccessLogger(`subgraph:${definition.sector}`);
  const metrics = metricsEnabled ? subgraphMetrics(definition.sector, options.db) : null;
  const handle = await startHttpServer(
    [
      {
        path: '/graphql',
        server,
        context,
        ...(options.shortcut === false ? {} : { shortcut: subgraphShortcut<Context>({ schema: maskedSchema, formatError }) }),
      },
    ],
    {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      tls: options.tls ? serverTls(options.tls) : null,
      // One line per request, under the id the gateway forwarded: a request is followed from the gateway's line to its subgraphs'.
      onAnswered: (_request, answer) => {
        metrics?.answered(answer.status, answer.elapsedMs / 1000);
        if (accessLog) accessLogger.info({ requestId: answer.requestId, status: answer.status, latencyMs: Math.round(answer.elapsedMs * 10) / 10 }, 'request');
      },
    },
    logger,
    [
      ...healthRoutes(ready, logger),
      ...(metrics ? [metricsRoute(metrics.registry, options.metrics ?? { allowedNetworks: LOOPBACK_NETWORKS, token: null }, logger)] : []),
    ],
  );
  const url = new URL('graphql', handle.baseUrl).toString();
  logger.info({ url }, 'subgraph listening');
  return { url, stop: handle.stop };
}
