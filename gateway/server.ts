import fs from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { QueryLimits, Sector } from '../common/config';
import { maskError } from '../common/errors';
import { startHttpServer } from '../common/httpServer';
import { getLogger } from '../common/logger';
import type { RunningServer } from '../common/subgraphServer';
import { SUPERGRAPH_PATH } from '../schema/load';
import { queryLimitProtection } from './queryLimits';
import { SubgraphDataSource } from './subgraphDataSource';

export interface GatewayOptions {
  queryLimits: QueryLimits;
  /** Where each subgraph answers; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<Sector, string>;
  subgraphTimeoutMs: number;
  port?: number;
  host?: string;
  /** The composed supergraph SDL; defaults to the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
}

/**
 * Given the subgraphs' URLs, starts the federation gateway over the static supergraph and returns its URL.
 * The static supergraph lets the gateway start, and answer for the rest, while a subgraph is down.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const logger = getLogger('gateway');
  // @apollo/gateway otherwise sends usage metrics to Apollo's servers, which a closed government network must not do.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: options.subgraphUrls[name as Sector] ?? url ?? '',
        timeoutMs: options.subgraphTimeoutMs,
        onFailure: (subgraph, cause) => logger.warn({ subgraph, err: cause }, 'subgraph call failed'),
      }),
  });
  const limits = queryLimitProtection(options.queryLimits);
  const server = new ApolloServer({
    gateway,
    validationRules: limits.validationRules,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, 'gateway', (cause) => logger.error({ err: cause }, 'request failed')),
    plugins: [
      ...limits.plugins,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
  const handle = await startHttpServer(
    [{ path: '/graphql', server, context: async () => ({}) }],
    { port: options.port ?? 0, host: options.host ?? '127.0.0.1' },
    logger,
  );
  const url = new URL('graphql', handle.baseUrl).toString();
  logger.info({ url }, 'gateway listening');
  return { url, stop: handle.stop };
}
