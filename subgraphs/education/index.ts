import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { RunningServer, SubgraphDefinition, SubgraphServerOptions } from '../../common/subgraphServer';
import { startSubgraphServer } from '../../common/subgraphServer';
import { createEducationLoaders } from './loaders';
import { EducationRepository } from './repository';
import type { EducationContext } from './resolvers';
import { educationResolvers } from './resolvers';

export const educationSubgraph: SubgraphDefinition<EducationContext> = {
  sector: 'education',
  resolvers: educationResolvers,
  createContext(db: Knex, access: AccessContext): EducationContext {
    const repository = new EducationRepository(db, access.scope);
    return { access, repository, loaders: createEducationLoaders(repository) };
  },
};

/** Given the education database and the key shared with the gateway, starts the education subgraph. */
export function startEducationSubgraph(options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(educationSubgraph, options);
}
