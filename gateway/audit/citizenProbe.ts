import { Kind, TypeInfo, isAbstractType, isObjectType, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, FieldNode, GraphQLSchema, InlineFragmentNode, SelectionNode, SelectionSetNode } from 'graphql';
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

/** What the audit trail reads off a response's data. */
export interface ResponseSubjects {
  /** The national IDs of every Citizen object in the data, unique and sorted. */
  citizenIds: string[];
  /** The objects the data holds below its root: the rows the response returned. */
  rowCount: number;
}

/**
 * Given the data of a response to a document that withCitizenIdProbe rewrote, returns the national IDs of every
 * Citizen object in it and the objects it holds below its root, and empties the probe's keys in place, so that
 * the client is sent only what it asked for; in one walk. The probe's alias is reserved, and the gateway shapes
 * the data after the document, so the key is found exactly on the Citizen objects, wherever the client's
 * aliases, fragments, lists and unions put them. A value that is not 12 digits is not an ID.
 */
export function takeResponseSubjects(data: unknown): ResponseSubjects {
  const found = new Set<string>();
  let rowCount = 0;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    rowCount += 1;
    const object = value as Record<string, unknown>;
    if (CITIZEN_ID_PROBE in object) {
      const nationalId = object[CITIZEN_ID_PROBE];
      if (typeof nationalId === 'string' && NATIONAL_ID.test(nationalId)) found.add(nationalId);
      // Left as undefined, which JSON leaves out of the answer: deleting the key would turn every citizen
      // object into a slower dictionary.
      object[CITIZEN_ID_PROBE] = undefined;
    }
    for (const key in object) walk(object[key]);
  };
  if (data === null || typeof data !== 'object') return { citizenIds: [], rowCount: 0 };
  walk(data);
  // The root object is the response, not a row.
  return { citizenIds: [...found].sort(), rowCount: rowCount - 1 };
}
