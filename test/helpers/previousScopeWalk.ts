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
import type { OutgoingResult } from '../../gateway/enforcement/outOfScope';
import { SCOPED_ENTITIES, SCOPE_PROBE } from '../../gateway/enforcement/scopeProbe';

type Path = ReadonlyArray<string | number>;

/** A position in the result, linked to its parent's as graphql-js's own paths are: cheap to make, written out as a path only where an entity is null. */
interface Position {
  readonly parent: Position | undefined;
  readonly key: string | number;
}

/** Given a position, returns the key of its path from the result's root. */
function positionKey(position: Position | undefined): string {
  const path: Array<string | number> = [];
  for (let at = position; at; at = at.parent) path.push(at.key);
  return pathKey(path.reverse());
}

/** A value that cannot stand where the schema says non-null: its parent takes the null instead, as GraphQL does. */
const INVALID = Symbol('invalid');

const PROBED_TYPES: ReadonlySet<string> = new Set(SCOPED_ENTITIES.map((entity) => entity.typeName));

/**
 * What the walk asks of an output type, answered once per type rather than once per value: graphql-js's type
 * checks cost more than the walk itself on a large result.
 */
interface TypeFacts {
  /** The facts of the type under its non-null, when it is one. */
  nullable: TypeFacts | null;
  /** The item's facts when the type (under its non-null) is a list. */
  item: TypeFacts | null;
  namedName: string;
  /** The composite type the value is an object of, or null for a leaf. */
  composite: GraphQLCompositeType | null;
  abstract: boolean;
}

const TYPE_FACTS = new WeakMap<GraphQLOutputType, TypeFacts>();

/** Given an output type, returns its facts. */
function factsOf(type: GraphQLOutputType): TypeFacts {
  let facts = TYPE_FACTS.get(type);
  if (facts) return facts;
  const named = getNamedType(type);
  facts = {
    nullable: isNonNullType(type) ? factsOf(type.ofType) : null,
    item: isListType(type) ? factsOf(type.ofType) : null,
    namedName: named.name,
    composite: isCompositeType(named) ? named : null,
    abstract: isAbstractType(named),
  };
  TYPE_FACTS.set(type, facts);
  return facts;
}

/** One selection of a selection set on a parent type, resolved once per response: a field with sub-selections, or a fragment. */
type CompiledSelection =
  | { kind: 'field'; key: string; selectionSet: SelectionSetNode; type: TypeFacts }
  | { kind: 'fragment'; selectionSet: SelectionSetNode; condition: GraphQLCompositeType };

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
 * The walk as the gateway made it before it was compiled per document (resolving selection sets and types per
 * response), kept as the oracle the compiled walk is compared with over random results.
 *
 * Given the API schema, the document the gateway sent (with the scope probes of withScopeProbe) and the result
 * about to be sent, makes every scoped entity its owner did not vouch for (its probe is not true: the owner
 * answered null for it, being outside the caller's row scope, or could not be asked) behave as one that does
 * not exist: it becomes null, its key included, and a null that cannot stand there moves up to the nearest
 * nullable parent. Removes the probes, every error whose path lies at or below such an entity, and the value
 * completion errors below a scoped entity that is null (Apollo's, for the fields an owner that refused the
 * entity did not send), so that no error names where it was. A resolver's own error is kept.
 */
export function previousDropOutOfScopeEntities(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  result: OutgoingResult,
): void {
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

  const isProbed = (type: GraphQLCompositeType, abstract: boolean, object: Record<string, unknown>): boolean => {
    if (PROBED_TYPES.has(type.name)) return true;
    if (!abstract) return false;
    return typeof object.__typename === 'string' ? PROBED_TYPES.has(object.__typename) : SCOPE_PROBE in object;
  };

  // Per response: each selection set on each parent type is resolved once, however many objects it walks.
  const compiled = new Map<SelectionSetNode, Map<string, CompiledSelection[]>>();
  const compile = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): CompiledSelection[] => {
    let byType = compiled.get(selectionSet);
    if (!byType) compiled.set(selectionSet, (byType = new Map()));
    const found = byType.get(parentType.name);
    if (found) return found;
    const selections: CompiledSelection[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : parentType;
        if (!condition || !isCompositeType(condition)) continue;
        selections.push({ kind: 'fragment', selectionSet: fragment.selectionSet, condition });
        continue;
      }
      if (!selection.selectionSet || !('getFields' in parentType)) continue;
      const definition = parentType.getFields()[selection.name.value];
      if (!definition) continue;
      selections.push({
        kind: 'field',
        key: selection.alias?.value ?? selection.name.value,
        selectionSet: selection.selectionSet,
        type: factsOf(definition.type),
      });
    }
    byType.set(parentType.name, selections);
    return selections;
  };

  const completeObject = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    object: Record<string, unknown>,
    path: Position | undefined,
  ): boolean => {
    const runtimeTypeName = typeof object.__typename === 'string' ? object.__typename : undefined;
    for (const selection of compile(selectionSet, parentType)) {
      if (selection.kind === 'fragment') {
        if (runtimeTypeName && !appliesTo(schema, selection.condition, runtimeTypeName)) continue;
        if (!completeObject(selection.selectionSet, selection.condition, object, path)) return false;
        continue;
      }
      const completed = completeValue(selection.selectionSet, selection.type, object[selection.key], { parent: path, key: selection.key });
      if (completed === INVALID) return false;
      object[selection.key] = completed;
    }
    return true;
  };

  const completeValue = (selectionSet: SelectionSetNode, type: TypeFacts, value: unknown, path: Position): unknown => {
    if (type.nullable !== null) {
      const completed = completeValue(selectionSet, type.nullable, value, path);
      return completed === null ? INVALID : completed;
    }
    if (value === null || value === undefined) {
      if (PROBED_TYPES.has(type.namedName) && type.item === null) nulls.add(positionKey(path));
      return value;
    }
    if (type.item !== null) {
      if (!Array.isArray(value)) return value;
      const item = type.item;
      const items = value.map((each, index) => completeValue(selectionSet, item, each, { parent: path, key: index }));
      return items.includes(INVALID) ? null : items;
    }
    const named = type.composite;
    if (named === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if (isProbed(named, type.abstract, object)) {
      if (object[SCOPE_PROBE] !== true) {
        const key = positionKey(path);
        dropped.add(key);
        nulls.add(key);
        return null;
      }
      vouched.add(object);
    }
    return completeObject(selectionSet, named, object, path) ? object : null;
  };

  if (!completeObject(operation.selectionSet, rootType, result.data, undefined)) result.data = null;
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
