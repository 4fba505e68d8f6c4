import { Kind, TypeInfo, isAbstractType, isObjectType, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, FieldNode, GraphQLSchema, InlineFragmentNode, SelectionNode, SelectionSetNode } from 'graphql';
import type { Sector } from '../../common/config';
import { badUserInput } from '../../common/errors';

/**
 * An entity that other subgraphs refer to by its key, owned by a subgraph that applies a row scope: the
 * sector that can refuse it, and the field of that sector the gateway asks so that the sector is always asked.
 */
export interface ScopedEntity {
  typeName: string;
  owner: Sector;
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

const isProbe = (selection: SelectionNode) => selection.kind === Kind.FIELD && selection.alias?.value === SCOPE_PROBE;

function probeOf(entity: ScopedEntity): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: SCOPE_PROBE }, name: { kind: Kind.NAME, value: entity.probeField } };
}

function onType(entity: ScopedEntity): InlineFragmentNode {
  return {
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: entity.typeName } },
    selectionSet: { kind: Kind.SELECTION_SET, selections: [probeOf(entity)] },
  };
}

/**
 * Given the API schema, an operation document and the sectors whose rows are restricted for the request,
 * returns the document with `__rowScopeProbe: <probe field>` in every selection set of a scoped entity whose
 * owner is restricted (and `... on <entity> { ... }` in the abstract types it belongs to), or the document
 * itself when none is. The query planner then asks the owner about every such entity, even one reached
 * through another subgraph with only its key selected, and the owner answers null for one out of scope.
 * Throws BAD_USER_INPUT when the client's document uses the alias itself.
 */
export function withScopeProbe(schema: GraphQLSchema, document: DocumentNode, restricted: ReadonlySet<Sector>): DocumentNode {
  visit(document, {
    Field(node) {
      if (node.alias?.value === SCOPE_PROBE) throw badUserInput(`The alias ${SCOPE_PROBE} is reserved by the gateway: choose another`);
    },
  });
  const entities = SCOPED_ENTITIES.filter((entity) => restricted.has(entity.owner) && isObjectType(schema.getType(entity.typeName)));
  if (entities.length === 0) return document;
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const type = typeInfo.getParentType();
          if (!type || node.selections.some(isProbe)) return undefined;
          const exact = entities.find((entity) => entity.typeName === type.name);
          if (exact) return { ...node, selections: [...node.selections, probeOf(exact)] };
          if (!isAbstractType(type)) return undefined;
          const possible = new Set(schema.getPossibleTypes(type).map((each) => each.name));
          const fragments = entities.filter((entity) => possible.has(entity.typeName)).map(onType);
          return fragments.length > 0 ? { ...node, selections: [...node.selections, ...fragments] } : undefined;
        },
      },
    }),
  );
}
