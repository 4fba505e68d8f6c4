import { Kind, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, FieldNode, GraphQLSchema, SelectionSetNode } from 'graphql';
import { NO_CONDITIONS, mayExecute } from '../policy/conditions';
import type { ExecutionConditions } from '../policy/conditions';
import type { FieldDecision } from '../policy/types';
import { fieldRule } from './fieldRules';

/** The response key of the `__typename` that keeps a selection set emptied by the policy valid; the client never asked for it. */
export const PLACEHOLDER_KEY = '__policyPlaceholder';

const PLACEHOLDER: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY }, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * Given the API schema, an operation document, the decided fields and the request's @skip/@include
 * conditions, returns a new document without the denied fields (filter mode), so that no subgraph is asked
 * for them. A selection set left empty keeps `__typename` (under PLACEHOLDER_KEY), which every object answers. What does not execute
 * was not decided and is left as it is, since it asks nothing of a subgraph.
 */
export function removeDeniedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  decisions: ReadonlyMap<string, FieldDecision>,
  conditions: ExecutionConditions = NO_CONDITIONS,
): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const pruned = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      InlineFragment(node) {
        return mayExecute(node, conditions) ? undefined : false;
      },
      Field(node) {
        if (!mayExecute(node, conditions)) return false;
        const parentType = typeInfo.getParentType();
        if (!parentType || node.name.value.startsWith('__')) return undefined;
        return fieldRule(schema, decisions, parentType, node.name.value).denied ? null : undefined;
      },
    }),
  );
  return visit(pruned, {
    SelectionSet: {
      leave(node: SelectionSetNode) {
        return node.selections.length === 0 ? { ...node, selections: [PLACEHOLDER] } : undefined;
      },
    },
  });
}
