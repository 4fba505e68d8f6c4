/**
 * Our gateway, in the two configurations the bench compares. This is the one bench module that knows how the
 * gateway is put together; when gateway/server.ts changes, only this file follows.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { Config, Sector } from '../../common/config';
import { bySector } from '../../common/config';
import { maskError } from '../../common/errors';
import { startHttpServer } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import type { GatewayContext } from '../../gateway/enforcement/context';
import { queryLimitProtection } from '../../gateway/queryLimits';
import { ANONYMOUS } from '../../gateway/store/authenticator';
import { SubgraphDataSource } from '../../gateway/subgraphDataSource';
import { UNRESTRICTED_ACCESS } from '../signing';
import type { StartedTarget } from './started';
import { TargetNotAvailable } from './started';

export interface OurGatewayOptions {
  config: Config;
  subgraphUrls: Record<Sector, string>;
  supergraphSdl: string;
}

/**
 * HOOK: our gateway with policy and audit off. It is what startGateway (gateway/server.ts) builds (the
 * ApolloGateway over the static supergraph, our SubgraphDataSource with keep-alive, timeout and signing, the
 * query limits, error masking, our HTTP server) without authentication, the policy plugin or audit, which
 * startGateway has no switch for. Every call is signed with the unrestricted context. Replace the body with a
 * call to startGateway once it takes a policy-off option, so that this measures exactly what ships.
 */
export async function startOurGatewayPolicyOff(options: OurGatewayOptions): Promise<StartedTarget> {
  const { config } = options;
  const logger = getLogger('gateway');
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) =>
      new SubgraphDataSource({
        name: name as Sector,
        url: options.subgraphUrls[name as Sector],
        timeoutMs: config.subgraphTimeoutMs,
        signingKey: config.signingKey,
        onFailure: (subgraph, cause) => logger.warn({ subgraph, err: cause }, 'subgraph call failed'),
      }),
  });
  const limits = queryLimitProtection(config.queryLimits);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: limits.validationRules,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, 'gateway', (cause) => logger.error({ err: cause }, 'request failed')),
    plugins: [...limits.plugins, ApolloServerPluginLandingPageDisabled(), ApolloServerPluginSchemaReportingDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  const access = bySector(() => UNRESTRICTED_ACCESS);
  const context = async (): Promise<GatewayContext> => ({ principal: ANONYMOUS, purpose: null, userId: null, dossierId: null, access });
  const handle = await startHttpServer([{ path: '/graphql', server, context }], { port: 0, host: '127.0.0.1' }, logger);
  return { url: new URL('graphql', handle.baseUrl).toString() };
}

/**
 * HOOK: our gateway with everything on (authentication, policy decision and enforcement, audit), as
 * system/platform.ts starts it over the bench's gateway database (config.database, bench_gateway on MySQL).
 * It should register the agencies Q6 calls as (e.g. with gateway/store/demo.ts), grant them what the Q6
 * document reads, and return their Authorization and X-Purpose headers as headerSets. Until it is wired, the
 * target is reported as not available.
 */
export async function startOurGatewayEverythingOn(options: OurGatewayOptions): Promise<StartedTarget> {
  void options;
  throw new TargetNotAvailable('not available: policy and audit are not wired into the bench yet (bench/targets/ours.ts, startOurGatewayEverythingOn)');
}
