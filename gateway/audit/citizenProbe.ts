import { Kind, isAbstractType, isObjectType } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, GraphQLSchema, SelectionSetNode } from 'graphql';
import { assertAliasFree, probeFieldOf, probeOnType, withProbes } from '../enforcement/probeDocument';

/** The alias under which the gateway reads each returned citizen's national ID for the audit trail. */
export const CITIZEN_ID_PROBE = '__auditNationalId';

/** The entity whose objects are a person's data, and its key: the national ID. */
const CITIZEN_TYPE = 'Citizen';
const NATIONAL_ID_FIELD = 'nationalId';
const NATIONAL_ID = /^\d{12}$/;

const probeField = probeFieldOf(CITIZEN_ID_PROBE, NATIONAL_ID_FIELD);
const probeOnCitizen = probeOnType(CITIZEN_TYPE, probeField);

/**
 * Given the API schema and an operation's document, returns the document with `__auditNationalId: nationalId`
 * in every selection set whose type is Citizen (in operations and fragments alike), and `... on Citizen { ... }`
 * in every selection set of an abstract type Citizen belongs to: every citizen the response returns then
 * carries its national ID, whatever the client selected. Throws BAD_USER_INPUT when the client's document uses
 * the alias itself, which would let it answer in the probe's place.
 */
export function withCitizenIdProbe(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  assertAliasFree(document, CITIZEN_ID_PROBE);
  const citizen = schema.getType(CITIZEN_TYPE);
  if (!isObjectType(citizen)) return document;
  return withProbes(schema, document, CITIZEN_ID_PROBE, (type) => {
    if (type === citizen) return [probeField];
    return isAbstractType(type) && schema.isSubType(type, citizen) ? [probeOnCitizen] : [];
  });
}

/** What the audit trail reads off a response's data. */
export interface ResponseSubjects {
  /** The national IDs of every Citizen object in the data, unique and sorted. */
  citizenIds: string[];
  /** The objects the data holds below its root: the rows the response returned. */
  rowCount: number;
}

/**
 * Where a response's objects can be: for a selection set, the response keys (alias or name) of its fields that
 * select fields in turn, each with the guide below it. Every other key holds a leaf, which cannot hold a citizen.
 */
export interface ResponseGuide {
  keys: string[];
  children: ResponseGuide[];
}

/** Guides per document and operation name: the gateway sends the same probed documents over and over. */
const guides = new WeakMap<DocumentNode, Map<string, ResponseGuide | null>>();

/**
 * Given a document and the name of the operation it runs (null for its only one), returns the guide to its
 * response's objects, or null when the document holds no such operation. Fragments and inline fragments are
 * merged into the selection set they stand in, over every type they may apply to: a key another type would
 * have selected is missing from the data, and skipped.
 */
export function responseGuide(document: DocumentNode, operationName: string | null | undefined): ResponseGuide | null {
  let byName = guides.get(document);
  if (!byName) {
    byName = new Map();
    guides.set(document, byName);
  }
  const name = operationName ?? '';
  if (byName.has(name)) return byName.get(name)!;
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName
    ? operations.find((definition) => definition.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const guideOf = (selectionSets: readonly SelectionSetNode[]): ResponseGuide => {
    const below = new Map<string, SelectionSetNode[]>();
    const collect = (selectionSet: SelectionSetNode, inside: ReadonlySet<string>): void => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (!selection.selectionSet) continue;
          const key = selection.alias?.value ?? selection.name.value;
          const sets = below.get(key);
          if (sets) sets.push(selection.selectionSet);
          else below.set(key, [selection.selectionSet]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet, inside);
        } else {
          const fragment = fragments.get(selection.name.value);
          // Validation refuses fragments that spread themselves, before any answer; one is not followed here either.
          if (fragment && !inside.has(fragment.name.value)) collect(fragment.selectionSet, new Set([...inside, fragment.name.value]));
        }
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet, new Set());
    const keys = [...below.keys()];
    return { keys, children: keys.map((key) => guideOf(below.get(key)!)) };
  };
  const guide = operation ? guideOf([operation.selectionSet]) : null;
  byName.set(name, guide);
  return guide;
}

/**
 * Given the data of a response to a document that withCitizenIdProbe rewrote, and the guide to its objects when
 * known (responseGuide), returns the national IDs of every Citizen object in it and the objects it holds below
 * its root, and empties the probe's keys in place, so that the client is sent only what it asked for; in one
 * walk. With a guide, only the keys that hold objects are visited; without one, every key. The probe's alias is
 * reserved, and the gateway shapes the data after the document, so the key is found exactly on the Citizen
 * objects, wherever the client's aliases, fragments, lists and unions put them. A value that is not 12 digits is
 * not an ID.
 */
export function takeResponseSubjects(data: unknown, guide: ResponseGuide | null = null): ResponseSubjects {
  const found = new Set<string>();
  let rowCount = 0;
  /** Given an object of the data, counts it, and takes and empties its probe. */
  const take = (object: Record<string, unknown>): void => {
    rowCount += 1;
    const nationalId = object[CITIZEN_ID_PROBE];
    if (nationalId !== undefined) {
      if (typeof nationalId === 'string' && NATIONAL_ID.test(nationalId)) found.add(nationalId);
      // Left as undefined, which JSON leaves out of the answer: deleting the key would turn every citizen
      // object into a slower dictionary.
      object[CITIZEN_ID_PROBE] = undefined;
    }
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    take(object);
    for (const key in object) walk(object[key]);
  };
  const guided = (value: unknown, guide: ResponseGuide): void => {
    if (Array.isArray(value)) {
      for (const item of value) guided(item, guide);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    take(object);
    for (let index = 0; index < guide.keys.length; index += 1) guided(object[guide.keys[index]!], guide.children[index]!);
  };
  if (data === null || typeof data !== 'object') return { citizenIds: [], rowCount: 0 };
  if (guide) guided(data, guide);
  else walk(data);
  // The root object is the response, not a row.
  return { citizenIds: [...found].sort(), rowCount: rowCount - 1 };
}
