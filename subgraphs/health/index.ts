import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { RunningServer, SubgraphDefinition, SubgraphServerOptions } from '../../common/subgraphServer';
import { startSubgraphServer } from '../../common/subgraphServer';
import { dateInVietnam } from './insuranceCard';
import { createHealthLoaders } from './loaders';
import { HealthRepository } from './repository';
import type { HealthContext } from './resolvers';
import { healthResolvers } from './resolvers';

export const healthSubgraph: SubgraphDefinition<HealthContext> = {
  sector: 'health',
  resolvers: healthResolvers,
  createContext(db: Knex, access: AccessContext): HealthContext {
    const repository = new HealthRepository(db, access.scope);
    return { access, repository, loaders: createHealthLoaders(repository), today: dateInVietnam() };
  },
};

/** Given the health database and the key shared with the gateway, starts the health subgraph. */
export function startHealthSubgraph(options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(healthSubgraph, options);
}
