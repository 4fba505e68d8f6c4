import { Kind, getNamedType, getOperationAST, isAbstractType, isCompositeType, isListType, isNonNullType, isObjectType, typeFromAST } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLFormattedError,
  GraphQLOutputType,
  GraphQLSchema,
  SelectionSetNode,
} from 'graphql';
import { SCOPED_ENTITIES, SCOPE_PROBE } from './scopeProbe';

type Path = ReadonlyArray<string | number>;

/** What the gateway is about to send: the data and the errors, in the client's or Apollo's value-completion list. */
export interface OutgoingResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** A value that cannot stand where the schema says non-null: its parent takes the null instead, as GraphQL does. */
const INVALID = Symbol('invalid');

const PROBED_TYPES: ReadonlySet<string> = new Set(SCOPED_ENTITIES.map((entity) => entity.typeName));

function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** Given an error's path and some positions, tells whether the path lies at one of them (when `orAt`) or below. */
function lies(path: Path | undefined, positions: ReadonlySet<string>, orAt: boolean): boolean {
  if (!path) return false;
  const longest = orAt ? path.length : path.length - 1;
  for (let length = 1; length <= longest; length += 1) if (positions.has(pathKey(path.slice(0, length)))) return true;
  return false;
}

/** Given a fragment's type condition and an object's runtime type, tells whether the fragment applies to it. */
function appliesTo(schema: GraphQLSchema, condition: GraphQLCompositeType, runtimeTypeName: string): boolean {
  if (condition.name === runtimeTypeName) return true;
  const runtimeType = schema.getType(runtimeTypeName);
  return isAbstractType(condition) && isObjectType(runtimeType) && schema.isSubType(condition, runtimeType);
}

/**
 * Given the API schema, the document the gateway sent (with the scope probes of withScopeProbe) and the result
 * about to be sent, makes every scoped entity its owner did not vouch for (its probe is not true: the owner
 * answered null for it, being outside the caller's row scope, or could not be asked) behave as one that does
 * not exist: it becomes null, its key included, and a null that cannot stand there moves up to the nearest
 * nullable parent. Removes the probes, every error whose path lies at or below such an entity, and the value
 * completion errors below a scoped entity that is null (Apollo's, for the fields an owner that refused the
 * entity did not send), so that no error names where it was. A resolver's own error is kept.
 */
export function dropOutOfScopeEntities(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, result: OutgoingResult): void {
  const operation = getOperationAST(document, operationName);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType || !result.data) return;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Where the gateway nulls an entity, and where one is null already (Apollo nulled it for its missing fields).
  const dropped = new Set<string>();
  const nulls = new Set<string>();
  const vouched = new Set<Record<string, unknown>>();

  const isProbed = (type: GraphQLCompositeType, object: Record<string, unknown>): boolean => {
    if (PROBED_TYPES.has(type.name)) return true;
    if (!isAbstractType(type)) return false;
    return typeof object.__typename === 'string' ? PROBED_TYPES.has(object.__typename) : SCOPE_PROBE in object;
  };

  const completeObject = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, object: Record<string, unknown>, path: Path): boolean => {
    const runtimeTypeName = typeof object.__typename === 'string' ? object.__typename : undefined;
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : parentType;
        if (!condition || !isCompositeType(condition)) continue;
        if (runtimeTypeName && !appliesTo(schema, condition, runtimeTypeName)) continue;
        if (!completeObject(fragment.selectionSet, condition, object, path)) return false;
        continue;
      }
      if (!selection.selectionSet || !('getFields' in parentType)) continue;
      const definition = parentType.getFields()[selection.name.value];
      if (!definition) continue;
      const key = selection.alias?.value ?? selection.name.value;
      const completed = completeValue(selection.selectionSet, definition.type, object[key], [...path, key]);
      if (completed === INVALID) return false;
      object[key] = completed;
    }
    return true;
  };

  const completeValue = (selectionSet: SelectionSetNode, type: GraphQLOutputType, value: unknown, path: Path): unknown => {
    if (isNonNullType(type)) {
      const completed = completeValue(selectionSet, type.ofType, value, path);
      return completed === null ? INVALID : completed;
    }
    const named = getNamedType(type);
    if (value === null || value === undefined) {
      if (PROBED_TYPES.has(named.name) && !isListType(type)) nulls.add(pathKey(path));
      return value;
    }
    if (isListType(type)) {
      if (!Array.isArray(value)) return value;
      const items = value.map((item, index) => completeValue(selectionSet, type.ofType, item, [...path, index]));
      return items.includes(INVALID) ? null : items;
    }
    if (!isCompositeType(named) || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if (isProbed(named, object)) {
      if (object[SCOPE_PROBE] !== true) {
        dropped.add(pathKey(path));
        nulls.add(pathKey(path));
        return null;
      }
      vouched.add(object);
    }
    return completeObject(selectionSet, named, object, path) ? object : null;
  };

  if (!completeObject(operation.selectionSet, rootType, result.data, [])) result.data = null;
  for (const object of vouched) delete object[SCOPE_PROBE];
  if (nulls.size === 0) return;
  if (result.errors && dropped.size > 0) {
    const kept = result.errors.filter((error) => !lies(error.path, dropped, true));
    if (kept.length > 0) result.errors = kept;
    else delete result.errors;
  }
  const completion = result.extensions?.valueCompletion;
  if (Array.isArray(completion)) {
    const kept = (completion as GraphQLFormattedError[]).filter((error) => !lies(error.path, nulls, false));
    if (kept.length > 0) result.extensions!.valueCompletion = kept;
    else delete result.extensions!.valueCompletion;
    if (Object.keys(result.extensions!).length === 0) delete result.extensions;
  }
}
