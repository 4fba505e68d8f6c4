import type { Knex } from 'knex';
import type { RunningServer, SubgraphDefinition, SubgraphServerOptions } from '../../common/subgraphServer';
import { startSubgraphServer } from '../../common/subgraphServer';
import { createEducationLoaders } from './loaders';
import { EducationRepository } from './repository';
import type { EducationContext } from './resolvers';
import { educationResolvers } from './resolvers';

export const educationSubgraph: SubgraphDefinition<EducationContext> = {
  sector: 'education',
  resolvers: educationResolvers,
  createContext(db: Knex): EducationContext {
    const repository = new EducationRepository(db);
    return { repository, loaders: createEducationLoaders(repository) };
  },
};

/** Given the education database, starts the education subgraph. */
export function startEducationSubgraph(options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(educationSubgraph, options);
}
