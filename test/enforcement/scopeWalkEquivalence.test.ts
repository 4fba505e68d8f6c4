import fs from 'node:fs';
import { Kind, getNamedType, getNullableType, isListType, isNonNullType, isObjectType, parse, typeFromAST, validate } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, GraphQLFormattedError, GraphQLObjectType, GraphQLOutputType, SelectionSetNode } from 'graphql';
import { PLACEHOLDER_FIXTURES } from '../../bench/limitsCost';
import { SHAPES } from '../../bench/shapes';
import type { ShapeName } from '../../bench/shapes';
import { syntheticResult } from '../../bench/syntheticResult';
import { Random } from '../../db/seed/random';
import { applyScopeWalk } from '../../gateway/enforcement/outOfScope';
import type { OutgoingResult } from '../../gateway/enforcement/outOfScope';
import { SCOPE_PROBE, withScopeProbe } from '../../gateway/enforcement/scopeProbe';
import { compileScopeWalk } from '../../gateway/enforcement/scopeWalk';
import { apiSchemaOf } from '../../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../../schema/load';
import { previousDropOutOfScopeEntities } from '../helpers/previousScopeWalk';

const schema = apiSchemaOf(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
type Path = Array<string | number>;

/** Documents of the supergraph that reach citizens in many ways: the bench's shapes and some that nest them. */
// movesUp: a citizen stands where null cannot (a page's nodes, a household's members), so a refusal nulls more.
const DOCUMENTS: Array<{ name: string; query: string; variables: Record<string, unknown>; movesUp: boolean }> = [
  ...(['Q1', 'Q2', 'Q3', 'Q4', 'Q7', 'Q8'] as ShapeName[]).map((shape) => {
    const { query, variables } = SHAPES[shape].body(PLACEHOLDER_FIXTURES, { sequence: 0, random: new Random(38) }, 4);
    return { name: shape, query, variables: variables ?? {}, movesUp: shape === 'Q4' || shape === 'Q8' };
  }),
  {
    name: 'households within households',
    query: `{ household(code: "HK1") { code head { fullName } members { relationshipToHead citizen { nationalId ...Home } } } }
      fragment Home on Citizen { fullName householdMembership { household { head { fullName } members { citizen { ... on Citizen { nationalId } } } } } }`,
    variables: {},
    movesUp: true,
  },
  {
    name: 'aliases, fragments and parcels of owners',
    query: `query ($with: Boolean!) { a: citizen(nationalId: "1") { ...C } b: citizen(nationalId: "2") { ... on Citizen { nationalId } ...C }
      parcel: landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 2) { owners { owner { ...C landParcels { owners { owner @include(if: $with) { fullName } } } } } }
      diploma(serial: "D") { holder { fullName healthEvents { date } } } }
      fragment C on Citizen { fullName householdMembership { household { head { nationalId } } } }`,
    variables: { with: true },
    movesUp: false,
  },
];

/**
 * Given a result the synthetic generator made for a document, and a seeded draw, changes it as population and
 * Apollo may: citizens refused (probe null, false or missing), null where null may stand, lists cut short.
 * Returns where the gateway must null a citizen, and where one is null already.
 */
function randomise(document: DocumentNode, data: Record<string, unknown>, random: Random) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const refused: Path[] = [];
  const nullCitizens: Path[] = [];
  const positions: Path[] = [];
  const decided = new WeakSet<object>();

  const valueOf = (selectionSet: SelectionSetNode, type: GraphQLOutputType, value: unknown, path: Path): unknown => {
    if (value === null || value === undefined) return value;
    positions.push(path);
    const inner = getNullableType(type);
    if (!isNonNullType(type) && random.chance(0.04)) {
      if (!isListType(inner) && getNamedType(type).name === 'Citizen') nullCitizens.push(path);
      return null;
    }
    if (isListType(inner)) {
      const items = value as unknown[];
      const kept = random.chance(0.15) ? items.slice(0, random.int(0, items.length)) : items;
      return kept.map((item, index) => valueOf(selectionSet, inner.ofType as GraphQLOutputType, item, [...path, index]));
    }
    const object = value as Record<string, unknown>;
    const objectType = isObjectType(inner) ? inner : (schema.getType(object.__typename as string) as GraphQLObjectType);
    if (SCOPE_PROBE in object && !decided.has(object)) {
      decided.add(object);
      const draw = random.next();
      object[SCOPE_PROBE] = draw < 0.7 ? true : draw < 0.85 ? null : draw < 0.95 ? false : undefined;
      if (object[SCOPE_PROBE] !== true) refused.push(path);
    }
    fieldsOf(selectionSet, objectType, object, path);
    return object;
  };

  const fieldsOf = (selectionSet: SelectionSetNode, type: GraphQLObjectType, object: Record<string, unknown>, path: Path) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.selectionSet && key in object) {
          object[key] = valueOf(selection.selectionSet, type.getFields()[selection.name.value]!.type, object[key], [...path, key]);
        }
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value)! : selection;
      const condition = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : type;
      if (condition && (condition === type || schema.isSubType(condition as never, type))) fieldsOf(fragment.selectionSet, type, object, path);
    }
  };

  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
  fieldsOf(operation.selectionSet, schema.getQueryType()!, data, []);
  // Errors anywhere: at objects, below them, at their leaves; and Apollo's value completion errors below them.
  const errorAt = (path: Path, message: string): GraphQLFormattedError => ({ message, path: random.chance(0.5) ? path : [...path, 'fullName'] });
  const pick = () => positions[random.int(0, positions.length - 1)] ?? [];
  const errors = Array.from({ length: random.int(0, 6) }, (_, index) => errorAt(pick(), `error ${index}`));
  const completion = Array.from({ length: random.int(0, 4) }, (_, index) => errorAt(pick(), `completion ${index}`));
  for (const path of [...refused, ...nullCitizens].slice(0, 3)) errors.push(errorAt(path, 'at a citizen'));
  for (const path of nullCitizens.slice(0, 2))
    completion.push({ message: 'Cannot return null for non-nullable field Citizen.fullName.', path: [...path, 'fullName'] });
  return { refused, nullCitizens, errors, completion };
}

/** Given an error's path and some positions, tells whether it lies at one of them (when `orAt`) or below. */
function liesUnder(path: readonly (string | number)[] | undefined, positions: Path[], orAt: boolean): boolean {
  return (
    path !== undefined && positions.some((position) => position.length <= path.length - (orAt ? 0 : 1) && position.every((key, index) => path[index] === key))
  );
}

/** Given the data sent and where citizens were refused, tells whether a refusal's null moved up past its citizen. */
function movedUp(data: unknown, refused: Path[]): boolean {
  return refused.some((path) => {
    let at = data;
    for (let length = 0; length < path.length; length += 1) {
      if (at === null) return !refused.some((other) => other.length === length && other.every((key, index) => path[index] === key));
      at = (at as Record<string | number, unknown>)[path[length]!];
    }
    return false;
  });
}

describe('the compiled scope walk over random results', () => {
  it.each(DOCUMENTS.map((document) => [document.name, document] as const))(
    'nulls what the previous walk nulled, and drops every error under a refused citizen (%s)',
    (_name, { query, variables, movesUp }) => {
      const document = withScopeProbe(schema, parse(query), new Set(['population'] as const));
      expect(validate(schema, document)).toEqual([]);
      const walk = compileScopeWalk(schema, document, null)!;
      const template = syntheticResult(schema, document, variables, { [SCOPE_PROBE]: true });
      let refusals = 0;
      let propagated = 0;
      for (let seed = 0; seed < 60; seed += 1) {
        const data = structuredClone(template);
        const { refused, nullCitizens, errors, completion } = randomise(document, data, new Random(seed, 4111));
        refusals += refused.length;
        const given = (): OutgoingResult => ({ data: structuredClone(data), errors: [...errors], extensions: { valueCompletion: [...completion], other: 1 } });
        const previous = given();
        previousDropOutOfScopeEntities(schema, document, null, previous);
        const compiled = given();
        applyScopeWalk(walk, compiled);
        expect(compiled.data).toEqual(previous.data);
        if (movedUp(compiled.data, refused)) propagated += 1;
        // Where the previous walk stopped at a null that moved up, it left errors under the refused citizens beside it: no more.
        const expectedErrors = (previous.errors ?? []).filter((error) => refused.length === 0 || !liesUnder(error.path, refused, true));
        expect(compiled.errors ?? []).toEqual(expectedErrors);
        const nulled = [...refused, ...nullCitizens];
        const previousCompletion = (previous.extensions?.valueCompletion ?? []) as GraphQLFormattedError[];
        expect(compiled.extensions?.valueCompletion ?? []).toEqual(
          previousCompletion.filter((error) => nulled.length === 0 || !liesUnder(error.path, nulled, false)),
        );
        expect(JSON.stringify(compiled)).not.toContain(SCOPE_PROBE);
      }
      // The draw is one that tries the walk: citizens refused, and nulls that moved up where a citizen cannot be null.
      expect(refusals).toBeGreaterThan(10);
      if (movesUp) expect(propagated).toBeGreaterThan(5);
      else expect(propagated).toBe(0);
    },
  );
});
