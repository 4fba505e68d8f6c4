import { Kind, getNamedType, isAbstractType, isCompositeType, isInterfaceType, isObjectType } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { badUserInput } from '../../common/errors';
import { printable } from '../../common/nationalId';
import { NO_CONDITIONS, mayExecute } from './conditions';
import type { ExecutionConditions } from './conditions';
import type { FieldCoordinate } from './types';

/**
 * Root fields that filter or sort by data fields, with those fields. Reading such a root field discloses
 * something of those fields (which rows match, in which order, and the keyset cursor carries the sort key),
 * so the fields count as touched, and the root field is refused when any of them is masked or denied.
 * Query.citizensByNamePrefix orders by (name, national ID) and its cursors carry both.
 */
export const FILTER_FIELDS: Readonly<Record<FieldCoordinate, readonly FieldCoordinate[]>> = {
  'Query.citizensByNamePrefix': ['Citizen.fullName', 'Citizen.nationalId'],
  'Query.citizensByCommune': ['Citizen.currentResidence', 'Citizen.nationalId'],
  'Query.landParcelsByCommune': ['LandParcel.communeCode', 'LandParcel.landUsePurpose'],
};

/** Meta fields answered by the gateway itself: never data, never in the list. */
const META_FIELDS: ReadonlySet<string> = new Set(['__typename', '__schema', '__type']);

/**
 * Where a selection set is read: its static type, and the object types the value there can be at run time
 * (narrowed by enclosing type conditions).
 */
interface Position {
  type: GraphQLCompositeType;
  runtimeTypes: readonly GraphQLObjectType[];
}

/** Given a document and an operation name, returns the operation to run, or throws BAD_USER_INPUT. */
export function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName) {
    const named = operations.find((operation) => operation.name?.value === operationName);
    if (!named) throw badUserInput(`Unknown operation named "${printable(operationName)}"`, 'operationName');
    return named;
  }
  if (operations.length === 1 && operations[0]) return operations[0];
  throw badUserInput(
    operations.length === 0 ? 'The document contains no operation' : 'The document contains several operations: name one in operationName',
    'operationName',
  );
}

function positionOf(schema: GraphQLSchema, type: GraphQLCompositeType): Position {
  return { type, runtimeTypes: isAbstractType(type) ? schema.getPossibleTypes(type) : [type] };
}

/**
 * Given the API schema, a document, the name of the operation to run (needed when the document holds
 * several) and the request's @skip/@include conditions, returns every "Type.field" the operation can touch
 * with those variables, sorted and unique: through aliases, fragments and nesting; on an interface or union
 * position, the interface's field and that field of every object type the value can be there; plus the
 * fields FILTER_FIELDS lists for the root fields read. A field, inline fragment or spread that surely does
 * not execute (mayExecute) is left out with everything under it; one whose condition cannot be known counts.
 * __typename and introspection are left out. Throws BAD_USER_INPUT when the operation cannot be chosen.
 */
export function collectFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  conditions: ExecutionConditions = NO_CONDITIONS,
): FieldCoordinate[] {
  const operation = selectOperation(document, operationName);
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw badUserInput(`The schema has no ${operation.operation} type`);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const touched = new Set<FieldCoordinate>();
  // A selection set read twice at the same position adds nothing new: remembering the pairs keeps reused
  // fragments linear and ends a fragment cycle.
  const visited = new WeakMap<SelectionSetNode, Set<string>>();

  const narrow = (position: Position, typeName: string | undefined): Position | null => {
    if (typeName === undefined) return position;
    const type = schema.getType(typeName);
    if (!type || !isCompositeType(type)) throw badUserInput(`Unknown type "${printable(typeName)}" in a type condition`);
    const runtimeTypes = position.runtimeTypes.filter((candidate) => candidate === type || (isAbstractType(type) && schema.isSubType(type, candidate)));
    return runtimeTypes.length > 0 ? { type, runtimeTypes } : null;
  };

  const visit = (selectionSet: SelectionSetNode, position: Position): void => {
    const positionKey = `${position.type.name}:${position.runtimeTypes.map((type) => type.name).join(',')}`;
    const positionsSeen = visited.get(selectionSet) ?? new Set<string>();
    if (positionsSeen.has(positionKey)) return;
    visited.set(selectionSet, positionsSeen.add(positionKey));
    for (const selection of selectionSet.selections) {
      if (!mayExecute(selection, conditions)) continue;
      if (selection.kind === Kind.FIELD) {
        const fieldName = selection.name.value;
        if (META_FIELDS.has(fieldName)) continue;
        const owners = isInterfaceType(position.type) ? [position.type, ...position.runtimeTypes] : isObjectType(position.type) ? [position.type] : [];
        // A field the schema lacks still counts: the decision denies what the catalog does not know.
        if (owners.length === 0) touched.add(`${position.type.name}.${fieldName}`);
        for (const owner of owners) touched.add(`${owner.name}.${fieldName}`);
        const returned = new Set(
          owners.flatMap((owner) => {
            const field = owner.getFields()[fieldName];
            return field ? [getNamedType(field.type)] : [];
          }),
        );
        if (!selection.selectionSet) continue;
        for (const type of returned) {
          if (isCompositeType(type)) visit(selection.selectionSet, positionOf(schema, type));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = narrow(position, selection.typeCondition?.name.value);
        if (inner) visit(selection.selectionSet, inner);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) throw badUserInput(`Unknown fragment "${printable(name)}"`);
        const inner = narrow(position, fragment.typeCondition.name.value);
        if (inner) visit(fragment.selectionSet, inner);
      }
    }
  };

  visit(operation.selectionSet, { type: rootType, runtimeTypes: [rootType] });
  for (const coordinate of [...touched]) {
    for (const filterField of FILTER_FIELDS[coordinate] ?? []) touched.add(filterField);
  }
  return [...touched].sort();
}
