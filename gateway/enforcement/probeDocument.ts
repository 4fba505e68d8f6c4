import { Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, FieldNode, GraphQLCompositeType, GraphQLSchema, InlineFragmentNode, SelectionNode, SelectionSetNode } from 'graphql';
import { badUserInput } from '../../common/errors';

/** Given a reserved alias and the field it reads, returns the selection `alias: field`. */
export function probeFieldOf(alias: string, field: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: field } };
}

/** Given an object type's name and a probe field, returns `... on Type { probe }`, the probe inside an abstract type's selection. */
export function probeOnType(typeName: string, probe: FieldNode): InlineFragmentNode {
  return {
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeName } },
    selectionSet: { kind: Kind.SELECTION_SET, selections: [probe] },
  };
}

/** Given a document and an alias the gateway reserves, throws BAD_USER_INPUT when the client's document uses it. */
export function assertAliasFree(document: DocumentNode, alias: string): void {
  visit(document, {
    Field(node) {
      if (node.alias?.value === alias) throw badUserInput(`The alias ${alias} is reserved by the gateway: choose another`);
    },
  });
}

/**
 * Given the API schema, a document (that does not use the alias: assertAliasFree), the reserved alias of a
 * probe and what each selection set gets for its parent type (a probe field on an object type, `... on Type`
 * fragments on an abstract one, or nothing), returns the document with those selections added to every
 * selection set of operations and fragments alike that does not hold the probe already.
 */
export function withProbes(
  schema: GraphQLSchema,
  document: DocumentNode,
  alias: string,
  probesFor: (type: GraphQLCompositeType) => readonly SelectionNode[],
): DocumentNode {
  const isProbe = (selection: SelectionNode) => selection.kind === Kind.FIELD && selection.alias?.value === alias;
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const type = typeInfo.getParentType();
          if (!type || node.selections.some(isProbe)) return undefined;
          const added = probesFor(type);
          return added.length > 0 ? { ...node, selections: [...node.selections, ...added] } : undefined;
        },
      },
    }),
  );
}
