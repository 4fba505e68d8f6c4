import { ApolloServer } from '@apollo/server';
import type { BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Knex } from 'knex';
import type { Sector } from './config';
import { maskError } from './errors';
import { startHttpServer } from './httpServer';
import { getLogger } from './logger';
import { subgraphDocument } from '../schema/load';

/** What a sector contributes: its resolvers and how to make a per-request context from its database. */
export interface SubgraphDefinition<Context extends BaseContext> {
  sector: Sector;
  resolvers: GraphQLResolverMap<Context>;
  createContext(db: Knex): Context;
}

export interface SubgraphServerOptions {
  db: Knex;
  port?: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Given a sector's definition and its database, starts its subgraph over HTTP and returns its URL.
 * Port 0 picks a free port. Inline tracing, stack traces, batching and the CDN landing page are off.
 */
export async function startSubgraphServer<Context extends BaseContext>(
  definition: SubgraphDefinition<Context>,
  options: SubgraphServerOptions,
): Promise<RunningServer> {
  const logger = getLogger(`subgraph:${definition.sector}`);
  const server = new ApolloServer<Context>({
    schema: buildSubgraphSchema({ typeDefs: subgraphDocument(definition.sector), resolvers: definition.resolvers as GraphQLResolverMap<unknown> }),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      maskError(formatted, error, definition.sector, (cause) => logger.error({ err: cause }, 'resolver failed')),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
    ],
  });
  const handle = await startHttpServer(
    [{ path: '/graphql', server, context: async () => definition.createContext(options.db) }],
    { port: options.port ?? 0, host: options.host ?? '127.0.0.1' },
    logger,
  );
  const url = new URL('graphql', handle.baseUrl).toString();
  logger.info({ url }, 'subgraph listening');
  return { url, stop: handle.stop };
}
