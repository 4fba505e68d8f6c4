import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { ReferenceTables } from '../../common/referenceCache';
import type { SubgraphDefinition } from '../../common/subgraphServer';
import { createPopulationLoaders } from './loaders';
import { PopulationRepository } from './repository';
import type { PopulationContext } from './resolvers';
import { populationResolvers } from './resolvers';

export const populationSubgraph: SubgraphDefinition<PopulationContext> = {
  sector: 'population',
  resolvers: populationResolvers,
  createContext(db: Knex, access: AccessContext, reference: ReferenceTables): PopulationContext {
    const repository = new PopulationRepository(db, access.scope, access.subject ?? null);
    return { access, repository, loaders: createPopulationLoaders(repository, reference) };
  },
};
