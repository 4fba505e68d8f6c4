import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { RunningServer, SubgraphDefinition, SubgraphServerOptions } from '../../common/subgraphServer';
import { startSubgraphServer } from '../../common/subgraphServer';
import { createPopulationLoaders } from './loaders';
import { PopulationRepository } from './repository';
import type { PopulationContext } from './resolvers';
import { populationResolvers } from './resolvers';

export const populationSubgraph: SubgraphDefinition<PopulationContext> = {
  sector: 'population',
  resolvers: populationResolvers,
  createContext(db: Knex, access: AccessContext): PopulationContext {
    const repository = new PopulationRepository(db, access.scope);
    return { access, repository, loaders: createPopulationLoaders(repository) };
  },
};

/** Given the population database and the key shared with the gateway, starts the population subgraph. */
export function startPopulationSubgraph(options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(populationSubgraph, options);
}
