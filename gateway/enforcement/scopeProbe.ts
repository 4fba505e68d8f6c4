import { isAbstractType, isObjectType } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { SectorName } from '../../common/sectors';
import { assertAliasFree, probeFieldOf, probeOnType, withProbes } from './probeDocument';

/**
 * An entity that other subgraphs refer to by its key, owned by a subgraph that applies a row scope: the
 * sector that can refuse it, and the field of that sector the gateway asks so that the sector is always asked.
 */
export interface ScopedEntity {
  typeName: string;
  owner: SectorName;
  probeField: string;
}

/**
 * The entities of the supergraph that another subgraph can return by key alone: a citizen, whom land, health
 * and education know by national ID only. test/enforcement/scopeProbe.test.ts fails when the supergraph gains
 * another entity several subgraphs resolve and this list does not name it.
 */
export const SCOPED_ENTITIES: readonly ScopedEntity[] = [{ typeName: 'Citizen', owner: 'population', probeField: 'inScope' }];

/** The alias under which the gateway reads the probe of a scoped entity. */
export const SCOPE_PROBE = '__rowScopeProbe';

/** The alias under which the gateway reads the runtime type of an object where a scoped entity may stand. */
export const SCOPE_TYPE = '__rowScopeType';

const TYPE_PROBE = probeFieldOf(SCOPE_TYPE, '__typename');

/**
 * Given the API schema, an operation document and the sectors whose rows are restricted for the request,
 * returns the document with `__rowScopeProbe: <probe field>` in every selection set of a scoped entity whose
 * owner is restricted (and `... on <entity> { ... }` in the abstract types it belongs to, with
 * `__rowScopeType: __typename` so that the walk knows which objects are entities), or the document itself when
 * none is. The query planner then asks the owner about every such entity, even one reached
 * through another subgraph with only its key selected, and the owner answers null for one out of scope.
 * Throws BAD_USER_INPUT when the client's document uses either alias itself.
 */
export function withScopeProbe(schema: GraphQLSchema, document: DocumentNode, restricted: ReadonlySet<SectorName>): DocumentNode {
  assertAliasFree(document, SCOPE_PROBE);
  assertAliasFree(document, SCOPE_TYPE);
  const entities = SCOPED_ENTITIES.filter((entity) => restricted.has(entity.owner) && isObjectType(schema.getType(entity.typeName)));
  if (entities.length === 0) return document;
  const probes = new Map(entities.map((entity) => [entity.typeName, probeFieldOf(SCOPE_PROBE, entity.probeField)]));
  return withProbes(schema, document, SCOPE_PROBE, (type) => {
    const exact = probes.get(type.name);
    if (exact) return [exact];
    if (!isAbstractType(type)) return [];
    const possible = new Set(schema.getPossibleTypes(type).map((each) => each.name));
    const onEntities = entities.filter((entity) => possible.has(entity.typeName)).map((entity) => probeOnType(entity.typeName, probes.get(entity.typeName)!));
    return onEntities.length > 0 ? [TYPE_PROBE, ...onEntities] : [];
  });
}
