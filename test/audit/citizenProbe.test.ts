import { buildSchema, execute, parse, print } from 'graphql';
import type { DocumentNode } from 'graphql';
import { CITIZEN_ID_PROBE, responseGuide, takeResponseSubjects, withCitizenIdProbe } from '../../gateway/audit/citizenProbe';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, createFullAccessAgency, startSeededPlatform } from '../helpers/platform';

const SCHEMA = buildSchema(`
  type Query { citizen(id: ID!): Citizen parcels: [Parcel!]! search(text: String!): [SearchResult!]! school: School }
  type Citizen { nationalId: ID! fullName: String! household: Household }
  type Household { code: String! head: Citizen members: [Citizen!]! }
  type Parcel { id: ID! owners: [Ownership!]! }
  type Ownership { owner: Citizen! share: Float! }
  type School { code: String! name: String! }
  union SearchResult = Citizen | School
`);

const A = '038085000001';
const B = '038190000002';
const C = '038201000003';
const D = '001099000004';

/** Resolves every field from the citizens, parcels and search results below, as the subgraphs would. */
const citizens: Record<string, { nationalId: string; fullName: string; household: unknown }> = {};
const household = { code: 'HK1', head: null as unknown, members: [] as unknown[] };
for (const [nationalId, fullName] of [
  [A, 'Lê Văn An'],
  [B, 'Lê Thị Bình'],
  [C, 'Lê Văn Cường'],
  [D, 'Trịnh Văn Dũng'],
] as const) {
  citizens[nationalId] = { nationalId, fullName, household };
}
household.head = citizens[A];
household.members = [citizens[A], citizens[B]];
const ROOT = {
  citizen: ({ id }: { id: string }) => citizens[id] ?? null,
  parcels: [
    {
      id: 'P1',
      owners: [
        { owner: citizens[C], share: 50 },
        { owner: citizens[A], share: 50 },
      ],
    },
  ],
  search: () => [
    { __typename: 'School', code: 'S1', name: 'THPT Hàm Rồng' },
    { __typename: 'Citizen', ...citizens[D] },
  ],
  school: { code: 'S1', name: 'THPT Hàm Rồng' },
};

async function run(query: string): Promise<{ data: Record<string, unknown>; probed: DocumentNode }> {
  const probed = withCitizenIdProbe(SCHEMA, parse(query));
  const result = await execute({
    schema: SCHEMA,
    document: probed,
    rootValue: ROOT,
    typeResolver: (value: { __typename?: string }) => value.__typename ?? 'Citizen',
  });
  expect(result.errors).toBeUndefined();
  return { data: result.data as Record<string, unknown>, probed };
}

describe('citizen ID probe', () => {
  it('adds the probe to every selection set of type Citizen, in fragments too, and "... on Citizen" where Citizen is one of several types', () => {
    const probed = print(
      withCitizenIdProbe(
        SCHEMA,
        parse(`
          query Q { citizen(id: "${A}") { fullName household { head { ...Person } } } search(text: "x") { ... on School { code } } school { name } }
          fragment Person on Citizen { fullName }
        `),
      ),
    );
    expect(probed).toContain(`citizen(id: "${A}") {\n    fullName\n    household {\n      head {\n        ...Person\n        ${CITIZEN_ID_PROBE}: nationalId`);
    expect(probed).toContain(`fragment Person on Citizen {\n  fullName\n  ${CITIZEN_ID_PROBE}: nationalId\n}`);
    expect(probed).toContain(`... on Citizen {\n      ${CITIZEN_ID_PROBE}: nationalId\n    }`);
    expect(probed).not.toMatch(/school \{\n\s+name\n\s+__audit/);
    expect(probed.match(new RegExp(CITIZEN_ID_PROBE, 'g'))).toHaveLength(4);
  });

  it('refuses a document that uses the reserved alias itself, with BAD_USER_INPUT', () => {
    expect(() => withCitizenIdProbe(SCHEMA, parse(`{ citizen(id: "${A}") { ${CITIZEN_ID_PROBE}: fullName } }`))).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('finds every citizen returned, through aliases, fragments, lists, nesting and a union, whatever the client selected', async () => {
    const { data } = await run(`
      query Everyone {
        first: citizen(id: "${B}") { name: fullName }
        missing: citizen(id: "038085999999") { fullName }
        parcels { owners { ... on Ownership { owner { ...Named } } } }
        search(text: "x") { ... on School { code } }
        again: citizen(id: "${B}") { household { members { fullName } } }
      }
      fragment Named on Citizen { fullName }
    `);
    expect(takeResponseSubjects(data).citizenIds).toEqual([D, A, B, C].sort());
  });

  it('led by its document, visits only the keys that hold objects, and finds the same citizens and rows as a walk of every key', async () => {
    const query = `
      query Everyone {
        first: citizen(id: "${B}") { name: fullName }
        missing: citizen(id: "038085999999") { fullName }
        parcels { id owners { share ... on Ownership { owner { ...Named } } } }
        search(text: "x") { ... on School { code } }
        again: citizen(id: "${B}") { household { code members { fullName } } }
        school { name }
      }
      query Other { school { code } }
      fragment Named on Citizen { fullName household { head { nationalId } } }
    `;
    const everyKey = takeResponseSubjects((await run(query.replace('query Other { school { code } }', ''))).data);
    const { data, probed } = await run(query.replace('query Other { school { code } }', ''));
    const guide = responseGuide(probed, 'Everyone')!;
    // Aliases are the keys; leaves, and the probe itself, are not visited.
    expect(guide.keys).toEqual(['first', 'missing', 'parcels', 'search', 'again', 'school']);
    expect(guide.children[2]).toEqual({
      keys: ['owners'],
      children: [{ keys: ['owner'], children: [{ keys: ['household'], children: [{ keys: ['head'], children: [{ keys: [], children: [] }] }] }] }],
    });
    expect(takeResponseSubjects(data, guide)).toEqual(everyKey);
    expect(JSON.stringify(data)).not.toContain(CITIZEN_ID_PROBE);
    // One guide per document and operation; none for an operation the document does not hold.
    const twoOperations = parse(query);
    expect(responseGuide(twoOperations, 'Other')).toEqual({ keys: ['school'], children: [{ keys: [], children: [] }] });
    expect(responseGuide(twoOperations, 'Other')).toBe(responseGuide(twoOperations, 'Other'));
    expect(responseGuide(twoOperations, 'Missing')).toBeNull();
    expect(responseGuide(twoOperations, null)).toBeNull();
  });

  it('takes only 12-digit IDs from the probe: a value that is not an ID names nobody', () => {
    const data = { a: { [CITIZEN_ID_PROBE]: A, fullName: 'x' }, b: { [CITIZEN_ID_PROBE]: '038*******02' }, c: { nationalId: C } };
    expect(takeResponseSubjects(data)).toEqual({ citizenIds: [A], rowCount: 3 });
    expect(data).toEqual({ a: { fullName: 'x' }, b: {}, c: { nationalId: C } });
  });

  it('empties the probe in the data in place, so the client is sent only what it asked for', async () => {
    const { data } = await run(`{ parcels { id owners { share owner { fullName } } } }`);
    expect(JSON.stringify(data)).toContain(CITIZEN_ID_PROBE);
    takeResponseSubjects(data);
    expect(JSON.stringify(data)).not.toContain(CITIZEN_ID_PROBE);
    expect(data).toEqual({
      parcels: [
        {
          id: 'P1',
          owners: [
            { share: 50, owner: { fullName: 'Lê Văn Cường' } },
            { share: 50, owner: { fullName: 'Lê Văn An' } },
          ],
        },
      ],
    });
  });

  it('counts the objects the data holds below its root', () => {
    expect(
      takeResponseSubjects({ parcels: [{ id: 'P1', owners: [{ owner: { fullName: 'x' } }, { owner: { fullName: 'y' } }] }], school: null, count: 3 }).rowCount,
    ).toBe(5);
    expect(takeResponseSubjects({ citizen: null })).toEqual({ citizenIds: [], rowCount: 0 });
    expect(takeResponseSubjects(null)).toEqual({ citizenIds: [], rowCount: 0 });
  });

  describe('through the federation gateway', () => {
    let seeded: SeededPlatform;
    let key: string;

    beforeAll(async () => {
      seeded = await startSeededPlatform(30);
      key = await createFullAccessAgency(seeded.platform.stewardship);
    });

    afterAll(async () => {
      await seeded?.stop();
    });

    it("reads the national IDs of a parcel page's owners, resolved across subgraphs, when the client asked only for their names", async () => {
      const land = seeded.databases.databases.land;
      const { commune_code: communeCode } = (await land('parcels').select('commune_code').groupBy('commune_code').orderByRaw('count(*) desc').first()) as {
        commune_code: string;
      };
      const before = seeded.platform.auditLog.chainHead().seq;
      const query = `query Parcels($commune: String!) { landParcelsByCommune(communeCode: $commune, first: 5) { nodes { id owners { owner { fullName } } } } }`;
      const response = await postGraphQL(seeded.platform.gateway.url, query, { commune: communeCode }, asAgency(key, 'STATISTICS'));
      expect(response.errors).toBeUndefined();
      expect(JSON.stringify(response)).not.toContain(CITIZEN_ID_PROBE);
      const parcelIds = (response.data!.landParcelsByCommune.nodes as Array<{ id: string }>).map((parcel) => Number(parcel.id));
      const owners = (await land('ownership_shares').whereIn('parcel_id', parcelIds).distinct('national_id')) as Array<{ national_id: string }>;
      expect(owners.length).toBeGreaterThan(0);
      // With an outbox, the record reaches the database just after the answer.
      await seeded.platform.auditLog.indexed();
      const records = await seeded.databases.databases.gateway('audit_records').where('seq', '>', before).orderBy('seq');
      expect(records).toHaveLength(1);
      expect(JSON.parse(records[0].citizen_ids_json)).toEqual(owners.map((owner) => owner.national_id).sort());
    });

    it("refuses a client that writes the probe's alias itself, so no one can answer in its place", async () => {
      const response = await postGraphQL(
        seeded.platform.gateway.url,
        '{ citizensByCommune(communeCode: "40778") { nodes { __auditNationalId: fullName } } }',
        {},
        asAgency(key, 'STATISTICS'),
      );
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
