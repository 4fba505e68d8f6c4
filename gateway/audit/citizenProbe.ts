import { Kind, TypeInfo, getNamedType, getOperationAST, isAbstractType, isCompositeType, isObjectType, typeFromAST, visit, visitWithTypeInfo } from 'graphql';
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLSchema,
  InlineFragmentNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';
import { badUserInput } from '../../common/errors';

/** The alias under which the gateway reads each returned citizen's national ID for the audit trail. */
export const CITIZEN_ID_PROBE = '__auditNationalId';

/** The entity whose objects are a person's data, and its key: the national ID. */
const CITIZEN_TYPE = 'Citizen';
const NATIONAL_ID_FIELD = 'nationalId';
const NATIONAL_ID = /^\d{12}$/;

const probeField: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: CITIZEN_ID_PROBE },
  name: { kind: Kind.NAME, value: NATIONAL_ID_FIELD },
};

const probeOnCitizen: InlineFragmentNode = {
  kind: Kind.INLINE_FRAGMENT,
  typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: CITIZEN_TYPE } },
  selectionSet: { kind: Kind.SELECTION_SET, selections: [probeField] },
};

const isProbe = (selection: SelectionNode) => selection.kind === Kind.FIELD && selection.alias?.value === CITIZEN_ID_PROBE;

/**
 * Given the API schema and an operation's document, returns the document with `__auditNationalId: nationalId`
 * in every selection set whose type is Citizen (in operations and fragments alike), and `... on Citizen { ... }`
 * in every selection set of an abstract type Citizen belongs to: every citizen the response returns then
 * carries its national ID, whatever the client selected. Throws BAD_USER_INPUT when the client's document uses
 * the alias itself, which would let it answer in the probe's place.
 */
export function withCitizenIdProbe(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  visit(document, {
    Field(node) {
      if (node.alias?.value === CITIZEN_ID_PROBE) throw badUserInput(`The alias ${CITIZEN_ID_PROBE} is reserved by the gateway: choose another`);
    },
  });
  const citizen = schema.getType(CITIZEN_TYPE);
  if (!isObjectType(citizen)) return document;
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const type = typeInfo.getParentType();
          if (!type || node.selections.some(isProbe)) return undefined;
          if (type === citizen) return { ...node, selections: [...node.selections, probeField] };
          if (isAbstractType(type) && schema.isSubType(type, citizen)) return { ...node, selections: [...node.selections, probeOnCitizen] };
          return undefined;
        },
      },
    }),
  );
}

/** Given a fragment's type condition and an object's runtime type name, tells whether the fragment applies. */
function appliesTo(schema: GraphQLSchema, condition: GraphQLCompositeType, runtimeTypeName: string | undefined): boolean {
  if (runtimeTypeName === undefined || condition.name === runtimeTypeName) return true;
  const runtimeType = schema.getType(runtimeTypeName);
  return isAbstractType(condition) && isObjectType(runtimeType) && schema.isSubType(condition, runtimeType);
}

/** What the audit trail reads off a response's data. */
export interface ResponseSubjects {
  /** The national IDs of every Citizen object in the data, unique and sorted. */
  citizenIds: string[];
  /** The objects the data holds below its root: the rows the response returned. */
  rowCount: number;
}

/**
 * Given the API schema, the document that was executed (with or without the probe), the operation's name and the
 * response data, returns the national IDs of every Citizen object in the data and the objects it holds, and
 * removes the probe's keys from the data in place, so that the client is sent only what it asked for: all in one
 * walk along the operation's selections with their types, through aliases, fragments and lists. An ID is read
 * from the probe, else from a selected nationalId; a masked value (not 12 digits) is not an ID.
 */
export function takeResponseSubjects(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, data: unknown): ResponseSubjects {
  const operation = getOperationAST(document, operationName);
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType || data === null || typeof data !== 'object') return { citizenIds: [], rowCount: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const found = new Set<string>();
  const collect = (value: unknown) => {
    if (typeof value === 'string' && NATIONAL_ID.test(value)) found.add(value);
  };
  // An object selected twice (the same field in two fragments) is walked twice but counted once.
  const rows = new Set<object>();

  const walkObject = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, object: Record<string, unknown>): void => {
    const runtimeTypeName = typeof object.__typename === 'string' ? object.__typename : undefined;
    const isCitizen = parentType.name === CITIZEN_TYPE || runtimeTypeName === CITIZEN_TYPE;
    if (isCitizen && CITIZEN_ID_PROBE in object) {
      collect(object[CITIZEN_ID_PROBE]);
      delete object[CITIZEN_ID_PROBE];
    }
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : parentType;
        if (!condition || !isCompositeType(condition) || !appliesTo(schema, condition, runtimeTypeName)) continue;
        walkObject(fragment.selectionSet, condition, object);
        continue;
      }
      const fieldName = selection.name.value;
      const value = object[selection.alias?.value ?? fieldName];
      if (value === null || value === undefined) continue;
      if (isCitizen && fieldName === NATIONAL_ID_FIELD) collect(value);
      const fieldDefinition = 'getFields' in parentType ? parentType.getFields()[fieldName] : undefined;
      const childType = fieldDefinition ? getNamedType(fieldDefinition.type) : undefined;
      if (selection.selectionSet && childType && isCompositeType(childType)) walkValue(selection.selectionSet, childType, value);
    }
  };

  const walkValue = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walkValue(selectionSet, type, item);
    } else if (value !== null && typeof value === 'object') {
      rows.add(value);
      walkObject(selectionSet, type, value as Record<string, unknown>);
    }
  };

  walkObject(operation.selectionSet, rootType, data as Record<string, unknown>);
  return { citizenIds: [...found].sort(), rowCount: rows.size };
}
