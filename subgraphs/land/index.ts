import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { SubgraphDefinition } from '../../common/subgraphServer';
import { createLandLoaders } from './loaders';
import { LandRepository } from './repository';
import type { LandContext } from './resolvers';
import { landResolvers } from './resolvers';

export const landSubgraph: SubgraphDefinition<LandContext> = {
  sector: 'land',
  resolvers: landResolvers,
  createContext(db: Knex, access: AccessContext): LandContext {
    const repository = new LandRepository(db, access.scope, access.subject ?? null);
    return { access, repository, loaders: createLandLoaders(repository) };
  },
};
