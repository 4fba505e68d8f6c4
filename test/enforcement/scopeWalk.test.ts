import { buildSchema, parse, print } from 'graphql';
import { applyScopeWalk } from '../../gateway/enforcement/outOfScope';
import type { OutgoingResult } from '../../gateway/enforcement/outOfScope';
import { SCOPE_PROBE, SCOPE_TYPE, withScopeProbe } from '../../gateway/enforcement/scopeProbe';
import { compileScopeWalk } from '../../gateway/enforcement/scopeWalk';
import type { ObjectPlan, ObjectPositionPlan } from '../../gateway/enforcement/scopeWalk';

// A schema of its own, for what the supergraph does not have (yet): interfaces and unions a citizen belongs to,
// lists of lists, a citizen where null cannot stand.
const schema = buildSchema(`
  type Query {
    citizen(id: ID!): Citizen
    citizens: [Citizen]
    grid: [[Citizen]]
    strictGrid: [[Citizen!]]
    party(id: ID!): Party
    parties: [Party!]
    holder: Holder
    household(code: String!): Household
    strictHousehold: Household!
  }
  interface Party { name: String }
  type Citizen implements Party { nationalId: ID! name: String inScope: Boolean household: Household spouse: Citizen }
  type Organisation implements Party { name: String taxCode: String director: Citizen }
  union Holder = Citizen | Organisation
  type Household { code: String! members: [Member!]! head: Citizen }
  type Member { citizen: Citizen! relation: String }
`);
const POPULATION = new Set(['population'] as const);

/** Given a client's document, returns it as the gateway sends it, with the probes. */
function probed(query: string) {
  return withScopeProbe(schema, parse(query), POPULATION);
}

/** Given a client's document and the result the gateway got, returns the result the client gets. */
function answer(query: string, result: OutgoingResult, operationName?: string): OutgoingResult {
  const walk = compileScopeWalk(schema, probed(query), operationName)!;
  applyScopeWalk(walk, result);
  return result;
}

const IN = { [SCOPE_PROBE]: true };
const OUT = { [SCOPE_PROBE]: null };

describe('compileScopeWalk and applyScopeWalk', () => {
  it('nulls each aliased citizen on its own, and keeps the vouched one without its probe', () => {
    const result = answer('{ a: citizen(id: "1") { nationalId } b: citizen(id: "2") { id: nationalId } }', {
      data: { a: { nationalId: '1', ...IN }, b: { id: '2', ...OUT } },
    });
    expect(result).toEqual({ data: { a: { nationalId: '1' }, b: null } });
    expect(Object.keys(result.data!.a as object)).toEqual(['nationalId']);
  });

  it('asks the type of every object of an interface or union a citizen belongs to, and reads it to tell citizens apart', () => {
    const query = `{ party(id: "1") { name ... on Organisation { director { name } } } holder { ... on Citizen { name } ... on Organisation { taxCode } } }`;
    expect(print(probed(query))).toBe(
      print(
        parse(`{ party(id: "1") { name ... on Organisation { director { name ${SCOPE_PROBE}: inScope } } ${SCOPE_TYPE}: __typename ... on Citizen { ${SCOPE_PROBE}: inScope } }
          holder { ... on Citizen { name ${SCOPE_PROBE}: inScope } ... on Organisation { taxCode } ${SCOPE_TYPE}: __typename ... on Citizen { ${SCOPE_PROBE}: inScope } } }`),
      ),
    );
    const organisation = answer(query, {
      data: {
        party: { name: 'Công ty A', director: { name: 'B', ...OUT }, [SCOPE_TYPE]: 'Organisation' },
        holder: { name: 'C', ...OUT, [SCOPE_TYPE]: 'Citizen' },
      },
    });
    expect(organisation.data).toEqual({ party: { name: 'Công ty A', director: null }, holder: null });
    const citizen = answer(query, {
      data: { party: { name: 'D', ...IN, [SCOPE_TYPE]: 'Citizen' }, holder: { taxCode: '0101', [SCOPE_TYPE]: 'Organisation' } },
    });
    expect(citizen.data).toEqual({ party: { name: 'D' }, holder: { taxCode: '0101' } });
    expect(JSON.stringify(citizen)).not.toContain(SCOPE_TYPE);
  });

  it('treats an object where a citizen may stand as one not vouched for when its type cannot be told', () => {
    // Hand-written, without the type the probe asks: a probe of true cannot stand in for the type.
    const document = parse(`{ parties { name ... on Citizen { ${SCOPE_PROBE}: inScope } } holder { ... on Organisation { taxCode } } }`);
    const result: OutgoingResult = { data: { parties: [{ name: 'E', ...IN }], holder: { taxCode: '0101' } } };
    applyScopeWalk(compileScopeWalk(schema, document, null)!, result);
    expect(result.data).toEqual({ parties: null, holder: null });
    const unknown = answer('{ holder { ... on Organisation { taxCode } } }', { data: { holder: { taxCode: '0101', [SCOPE_TYPE]: 'Robot' } } });
    expect(unknown.data).toEqual({ holder: null });
  });

  it('merges fragments and inline fragments of one key, @skip and @include or not, and walks the key once', () => {
    const query = `query ($withHousehold: Boolean!, $withoutHead: Boolean!) {
      citizen(id: "1") {
        ...Home
        ... @include(if: $withHousehold) { home: household { head @skip(if: $withoutHead) { name } } }
        ... on Citizen { home: household { code } }
      }
    }
    fragment Home on Citizen { home: household { members { relation citizen { name } } } }`;
    const walk = compileScopeWalk(schema, probed(query), null)!;
    const citizen = walk.root.fields[0]!.plan as ObjectPositionPlan;
    expect(citizen.object.fields.map((field) => field.key)).toEqual(['home']);
    const home = (citizen.object.fields[0]!.plan as ObjectPositionPlan).object;
    expect(home.fields.map((field) => field.key)).toEqual(['members', 'head']);
    const skipped = { data: { citizen: { home: { code: 'H1', members: [{ relation: 'HEAD', citizen: { name: 'F', ...IN } }] }, ...IN } } };
    applyScopeWalk(walk, skipped);
    expect(skipped.data).toEqual({ citizen: { home: { code: 'H1', members: [{ relation: 'HEAD', citizen: { name: 'F' } }] } } });
    expect('head' in skipped.data.citizen.home).toBe(false);
    const included = { data: { citizen: { home: { code: 'H1', members: [], head: { name: 'W', ...OUT } }, ...IN } } };
    applyScopeWalk(walk, included);
    expect(included.data).toEqual({ citizen: { home: { code: 'H1', members: [], head: null } } });
  });

  it('nulls a citizen nested in a vouched one, and moves the null of a member who cannot be null up to the household', () => {
    const query = `{ citizen(id: "1") { name spouse { name } household { code head { name } members { relation citizen { name } } } } }`;
    const result = answer(query, {
      data: {
        citizen: {
          name: 'G',
          spouse: { name: 'H', ...OUT },
          household: {
            code: 'H1',
            head: { name: 'G', ...IN },
            members: [
              { relation: 'HEAD', citizen: { name: 'G', ...IN } },
              { relation: 'CHILD', citizen: { name: 'I', ...OUT } },
            ],
          },
          ...IN,
        },
      },
    });
    expect(result.data).toEqual({ citizen: { name: 'G', spouse: null, household: null } });
  });

  it('walks null lists, null rows and lists of lists, a null moving up to the nearest list that may be null', () => {
    const result = answer('{ citizens { name } grid { name } strictGrid { name } }', {
      data: {
        citizens: null,
        grid: [null, [null, { name: 'J', ...OUT }, { name: 'K', ...IN }], []],
        strictGrid: [
          null,
          [{ name: 'L', ...IN }],
          [
            { name: 'M', ...IN },
            { name: 'N', ...OUT },
          ],
        ],
      },
    });
    expect(result.data).toEqual({ citizens: null, grid: [null, [null, null, { name: 'K' }], []], strictGrid: [null, [{ name: 'L' }], null] });
  });

  it('nulls the whole data when a null moves up to a root field that cannot be null', () => {
    const result = answer('{ citizen(id: "1") { name } strictHousehold { members { citizen { name } } } }', {
      data: { citizen: { name: 'O', ...IN }, strictHousehold: { members: [{ citizen: { name: 'P', ...OUT } }] } },
    });
    expect(result.data).toBeNull();
  });

  it('drops every error at or below a citizen it nulls, and the value completion errors below a null citizen, keeping the others', () => {
    const result = answer('{ citizens { name household { code } } household(code: "H2") { code head { name } } }', {
      data: {
        citizens: [
          { name: 'Q', household: null, ...IN },
          { name: 'R', household: null, ...OUT },
        ],
        household: { code: 'H2', head: null },
      },
      errors: [
        { message: 'at the citizen', path: ['citizens', 1] },
        { message: 'below the citizen', path: ['citizens', 1, 'household'] },
        { message: 'at a vouched citizen', path: ['citizens', 0, 'household'] },
        { message: 'a null head of its own', path: ['household', 'head'] },
      ],
      extensions: { valueCompletion: [{ message: 'Cannot return null for non-nullable field Citizen.name.', path: ['household', 'head', 'name'] }] },
    });
    expect(result.data).toEqual({ citizens: [{ name: 'Q', household: null }, null], household: { code: 'H2', head: null } });
    expect(result.errors!.map((error) => error.message)).toEqual(['at a vouched citizen', 'a null head of its own']);
    expect(result.extensions).toBeUndefined();
  });

  it('drops the errors under every citizen it nulls, even one beside a null that moved up past them', () => {
    const result = answer('{ household(code: "H3") { members { citizen { name } } head { name } } }', {
      data: { household: { members: [{ citizen: { name: 'S', ...OUT } }], head: { name: 'T', ...OUT } } },
      errors: [{ message: 'below the head', path: ['household', 'head', 'name'] }],
    });
    expect(result).toEqual({ data: { household: null } });
  });

  it('compiles a document whose fragments multiply once per fragment, not once per place it reaches', () => {
    const depth = 24;
    const fragments = Array.from(
      { length: depth },
      (_, level) => `fragment F${level} on Citizen { name ${level + 1 < depth ? `spouse { ...F${level + 1} } other: spouse { ...F${level + 1} }` : ''} }`,
    );
    const document = probed(`{ citizen(id: "1") { ...F0 } } ${fragments.join(' ')}`);
    const started = Date.now();
    const walk = compileScopeWalk(schema, document, null)!;
    expect(Date.now() - started).toBeLessThan(2000);
    const top = (walk.root.fields[0]!.plan as ObjectPositionPlan).object;
    const below = (plan: ObjectPlan, key: string) => (plan.fields.find((field) => field.key === key)!.plan as ObjectPositionPlan).object;
    expect(below(below(top, 'spouse'), 'spouse')).toBe(below(below(top, 'other'), 'spouse'));
    const result: OutgoingResult = { data: { citizen: { name: 'U', spouse: { name: 'V', ...OUT }, other: { name: 'V', ...IN }, ...IN } } };
    applyScopeWalk(walk, result);
    expect(result.data).toEqual({ citizen: { name: 'U', spouse: null, other: { name: 'V' } } });
  });

  it('compiles the operation it is asked for, and none for an operation the document does not hold', () => {
    const document = probed('query A { citizen(id: "1") { name } } query B { household(code: "H1") { code } }');
    expect(compileScopeWalk(schema, document, 'B')!.root.fields).toEqual([]);
    expect(compileScopeWalk(schema, document, 'A')!.root.fields.map((field) => field.key)).toEqual(['citizen']);
    expect(compileScopeWalk(schema, document, 'C')).toBeNull();
  });

  it('refuses a document that uses the alias of the type the probe asks', () => {
    expect(() => probed(`{ holder { ${SCOPE_TYPE}: __typename } }`)).toThrow(/reserved/);
  });
});
