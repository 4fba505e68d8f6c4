import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import type { ReferenceTables } from '../../common/referenceCache';
import type { SubgraphDefinition } from '../../common/subgraphServer';
import { dateInVietnam } from './insuranceCard';
import { createHealthLoaders } from './loaders';
import { HealthRepository } from './repository';
import type { HealthContext } from './resolvers';
import { healthResolvers } from './resolvers';

export const healthSubgraph: SubgraphDefinition<HealthContext> = {
  sector: 'health',
  resolvers: healthResolvers,
  createContext(db: Knex, access: AccessContext, reference: ReferenceTables): HealthContext {
    const repository = new HealthRepository(db, access.scope, access.subject ?? null);
    return { access, repository, loaders: createHealthLoaders(repository, reference), today: dateInVietnam() };
  },
};
