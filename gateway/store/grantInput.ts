import { getNamedType } from 'graphql';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { printable } from '../../common/nationalId';
import { describeTarget } from '../policy/describeTarget';
import { targetReaches } from '../policy/targetReaches';
import { MASK_KINDS, PERSONAL_DATA_LEVELS, SHARING_CLASSES } from '../policy/types';
import type { FieldFacts, Grant, GrantTarget, MaskKind, SchemaCatalog } from '../policy/types';
import { badInput } from './errors';

/** What checking a grant against the schema needs: the catalog, the API schema and its type names. */
export interface SchemaFacts {
  catalog: SchemaCatalog;
  apiSchema: GraphQLSchema;
  typeNames: ReadonlySet<string>;
}

/** A grant's target as a steward writes it; the kind says which other members count. */
export interface GrantTargetInput {
  kind: string;
  coordinate?: string | null;
  typeName?: string | null;
  sharing?: string | null;
  personal?: string | null;
  /** CLASSIFICATION only: the one sector whose fields the grant covers. */
  sector?: string | null;
  /** CLASSIFICATION only: the types whose fields the grant covers. */
  typeNames?: readonly string[] | null;
}

/** Given a value, what it is and the values allowed, returns it, or throws BAD_USER_INPUT naming the allowed ones. */
export function oneOf<T extends string>(value: string | null | undefined, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value ?? ''))
    throw badInput(`Unknown ${what} "${printable(String(value))}": expected one of ${allowed.join(', ')}`);
  return value as T;
}

/** Given a value, what it is and a length bound, returns it trimmed, or throws BAD_USER_INPUT when empty or too long. */
export function requiredText(value: string | null | undefined, what: string, max: number): string {
  const text = (value ?? '').trim();
  if (text === '') throw badInput(`${what} is required`);
  if (text.length > max) throw badInput(`${what} has ${text.length} characters; at most ${max} are allowed`);
  return text;
}

/**
 * Given a grant's target and a field's facts, tells whether the grant reaches the field: INTERNAL data
 * is its owner's alone, and SENSITIVE data is reached only by a grant naming the field itself.
 */
export function targetCovers(target: GrantTarget, facts: FieldFacts): boolean {
  if (facts.classification.sharing === 'INTERNAL') return false;
  if (facts.classification.personal === 'SENSITIVE' && target.kind !== 'FIELD') return false;
  return targetReaches(target, facts);
}

/** Given a CLASSIFICATION target as written, returns it with its limits checked, or throws BAD_USER_INPUT. */
function classificationTarget(input: GrantTargetInput, schema: SchemaFacts): GrantTarget {
  const sharing = oneOf(input.sharing, SHARING_CLASSES, 'sharing classification');
  const personal = oneOf(input.personal ?? 'NONE', PERSONAL_DATA_LEVELS, 'personal-data classification');
  if (sharing === 'INTERNAL') throw badInput('INTERNAL data is read only by its owner sector: no grant can open it');
  if (personal === 'SENSITIVE') throw badInput('SENSITIVE personal data is opened only by FIELD grants, one field at a time');
  const sector = input.sector === null || input.sector === undefined || input.sector === '' ? null : oneOf(input.sector, schema.catalog.sectors, 'sector');
  let typeNames: string[] | null = null;
  if (input.typeNames !== null && input.typeNames !== undefined) {
    if (input.typeNames.length === 0) throw badInput('An empty list of types would cover nothing: leave the types out for every type');
    const unknown = input.typeNames.filter((typeName) => !schema.typeNames.has(typeName));
    if (unknown.length > 0)
      throw badInput(`Unknown type ${unknown.map((typeName) => `"${printable(typeName)}"`).join(', ')}: expected types of the API schema`);
    typeNames = [...new Set(input.typeNames)].sort();
  }
  const target: GrantTarget = { kind: 'CLASSIFICATION', sharing, personal, ...(sector ? { sector } : {}), ...(typeNames ? { typeNames } : {}) };
  if (![...schema.catalog.fields.values()].some((facts) => targetReaches(target, facts))) {
    throw badInput(`${describeTarget(target)} covers no field of the API schema: widen the sector or the types`);
  }
  return target;
}

/** Given a target as written, returns it checked against the catalog, or throws BAD_USER_INPUT. */
export function grantTargetOf(input: GrantTargetInput, schema: SchemaFacts): GrantTarget {
  const kind = oneOf(input.kind, ['FIELD', 'TYPE', 'CLASSIFICATION'] as const, 'grant target kind');
  const limited = (input.sector !== null && input.sector !== undefined) || (input.typeNames !== null && input.typeNames !== undefined);
  if (kind !== 'CLASSIFICATION' && limited) throw badInput(`A sector or types limit a CLASSIFICATION target only; a ${kind} target names its data already`);
  if (kind === 'FIELD') {
    const coordinate = requiredText(input.coordinate, "A FIELD target's coordinate", 200);
    const facts = schema.catalog.fields.get(coordinate);
    if (!facts) throw badInput(`Unknown field "${printable(coordinate)}": expected Type.field of the API schema`);
    if (facts.classification.sharing === 'INTERNAL')
      throw badInput(`${coordinate} is INTERNAL: only the ${facts.owner} sector reads it, and no grant can open it`);
    return { kind, coordinate };
  }
  if (kind === 'TYPE') {
    const typeName = requiredText(input.typeName, "A TYPE target's type name", 200);
    if (!schema.typeNames.has(typeName)) throw badInput(`Unknown type "${printable(typeName)}": expected a type of the API schema`);
    return { kind, typeName };
  }
  return classificationTarget(input, schema);
}

/** Given a checked target and the masks as written, returns the masks checked and sorted, or throws BAD_USER_INPUT. */
export function grantMasksOf(
  target: GrantTarget,
  input: ReadonlyArray<{ coordinate: string; mask: string }> | null | undefined,
  schema: SchemaFacts,
): Grant['masks'] {
  const masks: Grant['masks'] = [];
  for (const { coordinate, mask } of input ?? []) {
    const facts = schema.catalog.fields.get(coordinate);
    if (!facts) throw badInput(`Unknown field "${printable(coordinate)}" in a mask: expected Type.field of the API schema`);
    const kind: MaskKind = oneOf(mask, MASK_KINDS, `mask kind for ${coordinate}`);
    // A masked value is text: a number, an enum or an object cannot carry one, and would fail every request.
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.apiSchema.getType(typeName);
    const fieldType = type && 'getFields' in type ? getNamedType((type as GraphQLObjectType).getFields()[fieldName]?.type) : undefined;
    if (!fieldType || (fieldType.name !== 'String' && fieldType.name !== 'ID')) {
      throw badInput(`${coordinate} cannot be masked: only text fields (String, ID) can carry a masked value`);
    }
    if (!targetCovers(target, facts)) throw badInput(`The mask on ${coordinate} is outside the grant: ${describeTarget(target)} does not cover it`);
    if (masks.some((existing) => existing.coordinate === coordinate)) throw badInput(`${coordinate} is masked twice`);
    masks.push({ coordinate, mask: kind });
  }
  return masks.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}
