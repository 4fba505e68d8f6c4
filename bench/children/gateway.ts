/**
 * One gateway target in its own process, in front of the bench's subgraphs (POPULATION_URL, LAND_URL,
 * HEALTH_URL, EDUCATION_URL) and signing with SUBGRAPH_SIGNING_KEY.
 * Usage: node --import tsx bench/children/gateway.ts <apollo|apollo-keepalive|ours-off|ours-policy|ours-full|ours-full-database|ours-bare|ours-production|ours-redis|ours-replicas|hive|hive-router>
 */
import { getConfig, requireSharedSigningKey } from '../../common/config';
import { announceServer, answerParentCalls } from '../ipc';
import type { StartedTarget } from '../targets/started';
import { TargetNotAvailable } from '../targets/started';
import { supergraphWithUrls } from '../targets/supergraph';
import { byBuiltInSector, sectorNamed } from '../../common/sectors';

/**
 * Given a target's name, starts it. Each target's modules are loaded only for that target, so that no
 * gateway process carries another's code in its memory and start-up.
 */
async function start(target: string): Promise<StartedTarget> {
  const config = getConfig();
  requireSharedSigningKey(config);
  const subgraphUrls = byBuiltInSector((sector) => sectorNamed(config.sectors, sector).url);
  const supergraphSdl = supergraphWithUrls(subgraphUrls);
  switch (target) {
    case 'apollo':
      return (await import('../targets/apollo')).startApolloGateway(supergraphSdl, config.signingKey, 'default');
    case 'apollo-keepalive':
      return (await import('../targets/apollo')).startApolloGateway(supergraphSdl, config.signingKey, 'keep-alive');
    case 'ours-off':
      return (await import('../targets/ours')).startOurGatewayPolicyOff({ config, subgraphUrls, supergraphSdl });
    case 'ours-policy':
      return (await import('../targets/ours')).startOurGatewayPolicyOnly({ config, subgraphUrls, supergraphSdl });
    case 'ours-full':
    case 'ours-full-database':
    case 'ours-bare':
    case 'ours-production':
    case 'ours-redis':
      return (await import('../targets/ours')).startOurGatewayEverythingOn({ config, subgraphUrls, supergraphSdl });
    case 'ours-replicas':
      return (await import('../targets/replicas')).startOurGatewayReplicas({ config, subgraphUrls, supergraphSdl });
    case 'hive':
      return (await import('../targets/hive')).startHiveGateway(supergraphSdl, subgraphUrls, config.signingKey, false);
    case 'hive-router':
      return (await import('../targets/hive')).startHiveGateway(supergraphSdl, subgraphUrls, config.signingKey, true);
    default:
      throw new Error(`no gateway target "${target}"`);
  }
}

answerParentCalls({});
void announceServer(
  () => start(process.argv[2] ?? ''),
  (error) => error instanceof TargetNotAvailable,
);
