import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { ReferenceTables } from '../../common/referenceCache';
import type { SubgraphDefinition } from '../../common/subgraphServer';
import { createEducationLoaders } from './loaders';
import { EducationRepository } from './repository';
import type { EducationContext } from './resolvers';
import { educationResolvers } from './resolvers';

export const educationSubgraph: SubgraphDefinition<EducationContext> = {
  sector: 'education',
  resolvers: educationResolvers,
  createContext(db: Knex, access: AccessContext, reference: ReferenceTables): EducationContext {
    const repository = new EducationRepository(db, access.scope, access.subject ?? null);
    return { access, repository, loaders: createEducationLoaders(repository, reference) };
  },
};
