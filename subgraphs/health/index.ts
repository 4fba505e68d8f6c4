import type { Knex } from 'knex';
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
  createContext(db: Knex): HealthContext {
    const repository = new HealthRepository(db);
    return { repository, loaders: createHealthLoaders(repository), today: dateInVietnam() };
  },
};

/** Given the health database, starts the health subgraph. */
export function startHealthSubgraph(options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(healthSubgraph, options);
}
