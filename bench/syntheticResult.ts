import {
  Kind,
  getNamedType,
  getNullableType,
  getOperationAST,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isObjectType,
  typeFromAST,
  valueFromASTUntyped,
} from 'graphql';
import type { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLObjectType, GraphQLOutputType, GraphQLSchema, SelectionSetNode } from 'graphql';

/**
 * Given the API schema, a document, its variables and a value for the fields of a given name (the scope probe),
 * returns a result of the size the document asks for: every field selected once, the first list at or below a
 * field with a `first` argument (a connection's page) that long, other lists three items long, leaves of their type, abstract types as their first possible type.
 * It stands in for a subgraph's answer where only the result's shape matters: a walk over it costs what a walk
 * over the real one costs.
 */
export function syntheticResult(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  fieldValues: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const operation = getOperationAST(document);
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) throw new Error('the document has no single operation');
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const pageSizeOf = (field: FieldNode): number | null => {
    const first = field.arguments?.find((argument) => argument.name.value === 'first');
    const value = first ? valueFromASTUntyped(first.value, variables) : undefined;
    return typeof value === 'number' ? value : null;
  };

  const leaf = (type: GraphQLOutputType): unknown => {
    const named = getNamedType(type);
    if (isEnumType(named)) return named.getValues()[0]?.value ?? null;
    if (named.name === 'Int' || named.name === 'Float') return 1;
    if (named.name === 'Boolean') return true;
    return 'x';
  };

  // pageSize: the page a connection above asked for, not yet taken by a list.
  const objectOf = (
    selectionSet: SelectionSetNode,
    type: GraphQLObjectType,
    target: Record<string, unknown>,
    pageSize: number | null,
  ): Record<string, unknown> => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const key = selection.alias?.value ?? name;
        if (key in fieldValues) target[key] = fieldValues[key];
        else if (name === '__typename') target[key] = type.name;
        else target[key] = valueOf(selection, type.getFields()[name]!.type, pageSizeOf(selection) ?? pageSize);
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : type;
      if (condition && (condition.name === type.name || (isAbstractType(condition) && schema.isSubType(condition, type))))
        objectOf(fragment.selectionSet, type, target, pageSize);
    }
    return target;
  };

  const valueOf = (field: FieldNode, type: GraphQLOutputType, pageSize: number | null): unknown => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) return Array.from({ length: pageSize ?? 3 }, () => valueOf(field, nullable.ofType, null));
    if (isLeafType(nullable)) return leaf(nullable);
    const objectType = isObjectType(nullable) ? nullable : schema.getPossibleTypes(nullable)[0]!;
    return objectOf(field.selectionSet!, objectType, isObjectType(nullable) ? {} : { __typename: objectType.name }, pageSize);
  };

  return objectOf(operation.selectionSet, root, {}, null);
}
