import { Kind, getOperationAST, isAbstractType, isListType, isNonNullType, isObjectType } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, GraphQLAbstractType, GraphQLObjectType, GraphQLOutputType, GraphQLSchema, SelectionSetNode } from 'graphql';
import { SCOPED_ENTITIES, SCOPE_TYPE } from './scopeProbe';

/**
 * What the walk does at one position of a response, compiled from the document once: plain data, so that the
 * walk over each response reads properties and never asks graphql-js. A position whose subtree holds no scoped
 * entity, and no key of the gateway's to remove, has no plan: the walk does not descend there.
 */
export type PositionPlan = ListPlan | ObjectPositionPlan | AbstractPlan;

interface PositionFacts {
  /** A null here cannot stand: it moves up to the nearest nullable parent. */
  nonNull: boolean;
}

export interface ListPlan extends PositionFacts {
  kind: 'list';
  item: PositionPlan;
}

export interface ObjectPositionPlan extends PositionFacts {
  kind: 'object';
  object: ObjectPlan;
}

/** A position of an interface or a union: the object's runtime type, read under typeKey, picks its plan. */
export interface AbstractPlan extends PositionFacts {
  kind: 'abstract';
  /** The response key of an unconditional `__typename` at this position, or null when the document selects none. */
  typeKey: string | null;
  /** The type key is the gateway's own (SCOPE_TYPE): the walk removes it. */
  stripTypeKey: boolean;
  /** A scoped entity may stand here: an object whose type cannot be told is treated as one its owner did not vouch for. */
  mayBeScoped: boolean;
  /** The plan of each type an object here may be, every one of them (an unknown name is not one). */
  byType: ReadonlyMap<string, ObjectPlan>;
}

/** An object of a given runtime type and its merged selections. */
export interface ObjectPlan {
  /** The object is a scoped entity: its probe must be true, or it becomes null. */
  scoped: boolean;
  /** The response keys that hold objects with something to do below, each once however many fragments select it. */
  fields: readonly FieldPlan[];
}

export interface FieldPlan {
  key: string;
  plan: PositionPlan;
}

/** The compiled walk of an operation: the plan of its root object. */
export interface ScopeWalk {
  root: ObjectPlan;
}

const SCOPED_TYPES: ReadonlySet<string> = new Set(SCOPED_ENTITIES.map((entity) => entity.typeName));

/** A field's name and every selection set the response key gathers from the fields and fragments selecting it. */
interface MergedField {
  name: string;
  selectionSets: SelectionSetNode[];
}

/**
 * Given the API schema, a document with the scope probes of withScopeProbe and the name of the operation to run
 * (null for its only one), returns the compiled walk of its responses, or null when the document holds no such
 * operation. Fragments and inline fragments are merged into the selection set they stand in, per runtime type;
 * @skip and @include are not applied: a key they left out is missing from the data and skipped, so the plan
 * does not depend on the variables.
 */
export function compileScopeWalk(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): ScopeWalk | null {
  const operation = getOperationAST(document, operationName);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Plans are shared between positions that merge the same selection sets on the same type: a fragment spread
  // a hundred times is compiled once, and a document whose fragments multiply does not multiply the plan.
  const selectionSetIds = new Map<SelectionSetNode, number>();
  const idOf = (selectionSet: SelectionSetNode) => {
    let id = selectionSetIds.get(selectionSet);
    if (id === undefined) selectionSetIds.set(selectionSet, (id = selectionSetIds.size));
    return id;
  };
  const objectPlans = new Map<string, ObjectPlan | null>();

  const applies = (condition: string | undefined, runtimeType: GraphQLObjectType): boolean => {
    if (condition === undefined || condition === runtimeType.name) return true;
    const type = schema.getType(condition);
    return type !== undefined && isAbstractType(type) && schema.isSubType(type, runtimeType);
  };

  /** Given selection sets and an object's runtime type, returns its fields by response key, fragments merged in. */
  const mergeFields = (selectionSets: readonly SelectionSetNode[], runtimeType: GraphQLObjectType): Map<string, MergedField> => {
    const merged = new Map<string, MergedField>();
    const spread = new Set<string>();
    const collect = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          let field = merged.get(key);
          if (!field) merged.set(key, (field = { name: selection.name.value, selectionSets: [] }));
          if (selection.selectionSet && !field.selectionSets.includes(selection.selectionSet)) field.selectionSets.push(selection.selectionSet);
          continue;
        }
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || spread.has(fragment.name.value) || !applies(fragment.typeCondition.name.value, runtimeType)) continue;
          spread.add(fragment.name.value);
          collect(fragment.selectionSet);
          continue;
        }
        if (applies(selection.typeCondition?.name.value, runtimeType)) collect(selection.selectionSet);
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet);
    return merged;
  };

  /** Given an object's runtime type and the selection sets on it, returns its plan, or null when nothing below needs the walk. */
  const objectPlan = (runtimeType: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): ObjectPlan | null => {
    const memoKey = `${runtimeType.name}:${selectionSets.map(idOf).join(',')}`;
    if (objectPlans.has(memoKey)) return objectPlans.get(memoKey)!;
    const scoped = SCOPED_TYPES.has(runtimeType.name);
    const definitions = runtimeType.getFields();
    const fields: FieldPlan[] = [];
    for (const [key, field] of mergeFields(selectionSets, runtimeType)) {
      const definition = definitions[field.name];
      if (!definition || field.selectionSets.length === 0) continue;
      const plan = positionPlan(definition.type, field.selectionSets);
      if (plan) fields.push({ key, plan });
    }
    const plan = scoped || fields.length > 0 ? { scoped, fields } : null;
    objectPlans.set(memoKey, plan);
    return plan;
  };

  /** Given an abstract type and the selection sets on it, returns the key of an unconditional `__typename`, the gateway's first. */
  const typeKeyOf = (type: GraphQLAbstractType, selectionSets: readonly SelectionSetNode[]): string | null => {
    const keys: string[] = [];
    const collect = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.directives?.length) continue;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === '__typename') keys.push(selection.alias?.value ?? selection.name.value);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!selection.typeCondition || selection.typeCondition.name.value === type.name) collect(selection.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet);
    return keys.includes(SCOPE_TYPE) ? SCOPE_TYPE : (keys[0] ?? null);
  };

  const positionPlan = (type: GraphQLOutputType, selectionSets: readonly SelectionSetNode[]): PositionPlan | null => {
    if (isNonNullType(type)) {
      const inner = positionPlan(type.ofType, selectionSets);
      return inner && { ...inner, nonNull: true };
    }
    if (isListType(type)) {
      const item = positionPlan(type.ofType as GraphQLOutputType, selectionSets);
      return item && { kind: 'list', nonNull: false, item };
    }
    if (isObjectType(type)) {
      const object = objectPlan(type, selectionSets);
      return object && { kind: 'object', nonNull: false, object };
    }
    if (!isAbstractType(type)) return null;
    const possibleTypes = schema.getPossibleTypes(type);
    const mayBeScoped = possibleTypes.some((possible) => SCOPED_TYPES.has(possible.name));
    const typeKey = typeKeyOf(type, selectionSets);
    const stripTypeKey = typeKey === SCOPE_TYPE;
    const byType = new Map<string, ObjectPlan>();
    for (const possible of possibleTypes) byType.set(possible.name, objectPlan(possible, selectionSets) ?? { scoped: false, fields: [] });
    const busy = mayBeScoped || stripTypeKey || [...byType.values()].some((plan) => plan.scoped || plan.fields.length > 0);
    return busy ? { kind: 'abstract', nonNull: false, typeKey, stripTypeKey, mayBeScoped, byType } : null;
  };

  return { root: objectPlan(rootType, [operation.selectionSet]) ?? { scoped: false, fields: [] } };
}
