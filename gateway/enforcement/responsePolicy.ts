import { Kind, getNamedType, getOperationAST, isAbstractType, isCompositeType, isObjectType, typeFromAST } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLFormattedError, GraphQLSchema, SelectionSetNode } from 'graphql';
import { ErrorCode } from '../../common/errors';
import { maskValue } from '../../common/masks';
import { NO_CONDITIONS, mayExecute } from '../policy/conditions';
import type { ExecutionConditions } from '../policy/conditions';
import type { FieldDecision } from '../policy/types';
import { fieldRule } from './fieldRules';
import { PLACEHOLDER_KEY } from './rewrite';

type Path = Array<string | number>;

/**
 * Given the API schema, the operation as the client sent it, the response data, the decided fields and the
 * request's @skip/@include conditions, masks the masked fields in place and, in filter mode, sets each denied
 * field to null and removes the rewrite's placeholders. Returns one FORBIDDEN error per denied field position
 * (filter mode), naming the field and why.
 * What did not execute was not decided, and is not walked: the response has no key for it.
 */
export function applyResponsePolicy(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: Record<string, unknown>,
  decisions: ReadonlyMap<string, FieldDecision>,
  filterDenied: boolean,
  conditions: ExecutionConditions = NO_CONDITIONS,
): GraphQLFormattedError[] {
  const operation = getOperationAST(document, operationName);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const errors: GraphQLFormattedError[] = [];

  const walkObject = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, object: Record<string, unknown>, path: Path): void => {
    const typeName = object.__typename ?? object[PLACEHOLDER_KEY];
    const runtimeTypeName = typeof typeName === 'string' ? typeName : undefined;
    // Filter mode kept an emptied selection set valid with a __typename the client did not ask for.
    if (filterDenied) delete object[PLACEHOLDER_KEY];
    for (const selection of selectionSet.selections) {
      if (!mayExecute(selection, conditions)) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD || selection.kind === Kind.INLINE_FRAGMENT) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : parentType;
        if (!condition || !isCompositeType(condition)) continue;
        if (runtimeTypeName && !appliesTo(schema, condition, runtimeTypeName)) continue;
        walkObject(fragment.selectionSet, condition, object, path);
        continue;
      }
      const fieldName = selection.name.value;
      if (fieldName.startsWith('__')) continue;
      const key = selection.alias?.value ?? fieldName;
      const fieldPath = [...path, key];
      const rule = fieldRule(schema, decisions, parentType, fieldName, runtimeTypeName);
      if (rule.denied) {
        if (filterDenied && !errors.some((error) => samePath(error.path, fieldPath))) {
          object[key] = null;
          errors.push({
            message: `Not authorized to read ${rule.denied.coordinate}: ${rule.denied.reason}`,
            path: fieldPath,
            extensions: { code: ErrorCode.FORBIDDEN, field: rule.denied.coordinate, rule: rule.denied.rule, neededGrant: rule.denied.neededGrant },
          });
        }
        continue;
      }
      const value = object[key];
      if (value === null || value === undefined) continue;
      if (rule.mask) {
        object[key] = maskValue(value, rule.mask);
        continue;
      }
      const fieldDefinition = 'getFields' in parentType ? parentType.getFields()[fieldName] : undefined;
      const childType = fieldDefinition ? getNamedType(fieldDefinition.type) : undefined;
      if (selection.selectionSet && childType && isCompositeType(childType)) walkValue(selection.selectionSet, childType, value, fieldPath);
    }
  };

  const walkValue = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, value: unknown, path: Path): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walkValue(selectionSet, type, item, [...path, index]));
    else if (value !== null && typeof value === 'object') walkObject(selectionSet, type, value as Record<string, unknown>, path);
  };

  walkObject(operation.selectionSet, rootType, data, []);
  return errors;
}

/** Given a fragment's type condition and an object's runtime type, tells whether the fragment applies to it. */
function appliesTo(schema: GraphQLSchema, condition: GraphQLCompositeType, runtimeTypeName: string): boolean {
  if (condition.name === runtimeTypeName) return true;
  const runtimeType = schema.getType(runtimeTypeName);
  return isAbstractType(condition) && isObjectType(runtimeType) && schema.isSubType(condition, runtimeType);
}

function samePath(a: ReadonlyArray<string | number> | undefined, b: Path): boolean {
  return a !== undefined && a.length === b.length && a.every((segment, index) => segment === b[index]);
}
