import type { Knex } from 'knex';
import type { RunningServer, SubgraphDefinition, SubgraphServerOptions } from '../../common/subgraphServer';
import { startSubgraphServer } from '../../common/subgraphServer';
import { createPopulationLoaders } from './loaders';
import { PopulationRepository } from './repository';
import type { PopulationContext } from './resolvers';
import { populationResolvers } from './resolvers';

export const populationSubgraph: SubgraphDefinition<PopulationContext> = {
  sector: 'population',
  resolvers: populationResolvers,
  createContext(db: Knex): PopulationContext {
    const repository = new PopulationRepository(db);
    return { repository, loaders: createPopulationLoaders(repository) };
  },
};

/** Given the population database, starts the population subgraph. */
export function startPopulationSubgraph(options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(populationSubgraph, options);
}
