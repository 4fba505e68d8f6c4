import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import { ACCESS_CONTEXT_HEADER } from '../../common/accessContext';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import type { RunningServer } from '../../common/subgraphServer';
import { seedAll } from '../../db/seed';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';
import { TEST_SIGNING_KEY, accessHeader, bodyOf, postRaw, postToSubgraph } from '../helpers/subgraphClient';

jest.setTimeout(120_000);

/** What the gateway signs for a citizen reading their own data. */
const asCitizen = (nationalId: string): Partial<AccessContext> => ({ principal: { kind: 'CITIZEN', nationalId }, subject: nationalId });

const ENTITIES: Record<Exclude<BuiltInSector, 'population'>, string> = {
  land: '... on Citizen { nationalId landParcels { id owners { sharePercent owner { nationalId } } certificates { serial } } }',
  health: '... on Citizen { nationalId healthInsurance { socialInsuranceNumber } vaccinations { dose } encounters { diagnosisCode } }',
  education: '... on Citizen { nationalId enrollments { grade } diplomas { serial } }',
};
const entitiesQuery = (selection: string) => `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;
const citizenRepresentation = (nationalId: string) => ({ representations: [{ __typename: 'Citizen', nationalId }] });

describe("a citizen's signed context: their own rows only, in every subgraph's SQL", () => {
  let databases: TestDatabases;
  const servers = {} as Record<BuiltInSector, RunningServer>;
  /** Someone with rows in every sector, and someone else with rows in every sector. */
  let alice: string;
  let bob: string;
  const db = (sector: BuiltInSector): Knex => databases.databases[sector];

  beforeAll(async () => {
    databases = await createTestDatabases();
    await seedAll(databases.databases, { citizens: 80, randomSeed: 11 });
    for (const sector of BUILT_IN_SECTORS) servers[sector] = await startSubgraph(sector, { db: db(sector), signingKey: TEST_SIGNING_KEY });
    const holders = async (knex: Knex, table: string) =>
      new Set(((await knex(table).distinct('national_id')) as Array<{ national_id: string }>).map((row) => row.national_id));
    const everywhere = [
      await holders(db('land'), 'ownership_shares'),
      await holders(db('health'), 'insurance_cards'),
      await holders(db('education'), 'diplomas'),
    ];
    const both = [...everywhere[0]!].filter((id) => everywhere.every((set) => set.has(id))).sort();
    expect(both.length).toBeGreaterThanOrEqual(2);
    [alice, bob] = both as [string, string];
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await databases?.destroy();
  });

  it.each(['land', 'health', 'education'] as const)('%s: answers the citizen about themselves, and about another as about no one', async (sector) => {
    const own = await postToSubgraph(servers[sector], sector, entitiesQuery(ENTITIES[sector]), citizenRepresentation(alice), asCitizen(alice));
    expect(own.errors).toBeUndefined();
    const [mine] = own.data!._entities as Array<Record<string, unknown[] | Record<string, unknown> | null>>;
    const filled = Object.entries(mine!).filter(([key, value]) => key !== 'nationalId' && value !== null && (!Array.isArray(value) || value.length > 0));
    expect(filled.length).toBeGreaterThan(0);
    const other = await postToSubgraph(servers[sector], sector, entitiesQuery(ENTITIES[sector]), citizenRepresentation(bob), asCitizen(alice));
    expect(other.errors).toBeUndefined();
    const [theirs] = other.data!._entities as Array<Record<string, unknown>>;
    for (const [key, value] of Object.entries(theirs!)) if (key !== 'nationalId') expect([key, value]).toEqual([key, Array.isArray(value) ? [] : null]);
    // The same question as an agency with no restriction: Bob's rows are there, so the SQL is what hid them.
    const unrestricted = await postToSubgraph(servers[sector], sector, entitiesQuery(ENTITIES[sector]), citizenRepresentation(bob));
    expect(JSON.stringify(unrestricted.data)).not.toEqual(JSON.stringify(other.data));
  });

  it("land: lists a shared parcel's shares as the citizen's own alone", async () => {
    const response = await postToSubgraph(servers.land, 'land', entitiesQuery(ENTITIES.land), citizenRepresentation(alice), asCitizen(alice));
    const [mine] = response.data!._entities as Array<{ landParcels: Array<{ owners: Array<{ owner: { nationalId: string } | null }> }> }>;
    const owners = mine!.landParcels.flatMap((parcel) => parcel.owners.map((share) => share.owner?.nationalId));
    expect(new Set(owners)).toEqual(new Set([alice]));
  });

  it("population, land, health, education: root lookups of another citizen's records find nothing", async () => {
    const bobsCard = (await db('health')('insurance_cards').where('national_id', bob).first()) as { social_insurance_number: string };
    const bobsEnrollmentSchool = (await db('education')('diplomas').where('national_id', bob).first()) as { serial: string } | undefined;
    const bobsParcel = (await db('land')('ownership_shares as o')
      .join('parcels as p', 'p.id', 'o.parcel_id')
      .where('o.national_id', bob)
      .whereNotIn('o.parcel_id', db('land')('ownership_shares').select('parcel_id').where('national_id', alice))
      .first('p.commune_code', 'p.map_sheet_number', 'p.parcel_number')) as { commune_code: string; map_sheet_number: number; parcel_number: number };
    const bobsPerson = (await db('population')('citizens').where('national_id', bob).first()) as { current_unit_code: string };
    const asked: Array<[BuiltInSector, string, Record<string, unknown>, (data: Record<string, unknown>) => unknown]> = [
      ['population', 'query ($id: ID!) { citizen(nationalId: $id) { nationalId } }', { id: bob }, (data) => data.citizen],
      [
        'population',
        'query ($c: String!) { citizensByCommune(communeCode: $c, first: 100) { nodes { nationalId } } }',
        { c: bobsPerson.current_unit_code },
        (data) => (data.citizensByCommune as { nodes: Array<{ nationalId: string }> }).nodes.filter((node) => node.nationalId !== alice),
      ],
      [
        'health',
        'query ($n: String!) { healthInsuranceCard(socialInsuranceNumber: $n) { benefitLevel } }',
        { n: bobsCard.social_insurance_number },
        (data) => data.healthInsuranceCard,
      ],
      [
        'land',
        'query ($c: String!, $m: Int!, $p: Int!) { landParcel(communeCode: $c, mapSheetNumber: $m, parcelNumber: $p) { id } }',
        { c: bobsParcel.commune_code, m: bobsParcel.map_sheet_number, p: bobsParcel.parcel_number },
        (data) => data.landParcel,
      ],
    ];
    if (bobsEnrollmentSchool)
      asked.push(['education', 'query ($s: String!) { diploma(serial: $s) { type } }', { s: bobsEnrollmentSchool.serial }, (data) => data.diploma]);
    for (const [sector, query, variables, pick] of asked) {
      const asAlice = await postToSubgraph(servers[sector], sector, query, variables, asCitizen(alice));
      expect(asAlice.errors).toBeUndefined();
      expect([sector, query, pick(asAlice.data!)]).toEqual([sector, query, Array.isArray(pick(asAlice.data!)) ? [] : null]);
      const asAgency = await postToSubgraph(servers[sector], sector, query, variables);
      expect([sector, query, pick(asAgency.data!)]).not.toEqual([sector, query, Array.isArray(pick(asAgency.data!)) ? [] : null]);
    }
  });

  it.each<[string, Partial<AccessContext>]>([
    ['a citizen naming another as the subject', { principal: { kind: 'CITIZEN', nationalId: '038085001234' }, subject: '038090009999' }],
    ['a citizen with no subject', { principal: { kind: 'CITIZEN', nationalId: '038085001234' } }],
    ['a subject that is no national ID', { subject: '12345' }],
  ])('refuses %s as a malformed access context', async (_case, access) => {
    const response = await postToSubgraph(servers.population, 'population', '{ citizen(nationalId: "038085001234") { nationalId } }', {}, access);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'the gateway signature carries a malformed access context' });
  });

  it("refuses the citizen's signed context replayed, or over a body asking about someone else", async () => {
    const query = 'query ($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';
    const body = bodyOf(query, { id: alice });
    const header = accessHeader('population', body, { access: asCitizen(alice) });
    const first = await postRaw(servers.population.url, body, header);
    expect(first.data?.citizen).toMatchObject({ nationalId: alice });
    const again = await postRaw(servers.population.url, body, header);
    expect(again.errors?.[0]?.extensions?.reason).toBe('the gateway signature was used already');
    const fresh = accessHeader('population', body, { access: asCitizen(alice) });
    const otherBody = await postRaw(servers.population.url, bodyOf(query, { id: bob }), fresh);
    expect(otherBody.errors?.[0]?.extensions?.reason).toBe('the gateway signature is for another request body');
    // Sent to another subgraph, it is for another audience.
    const elsewhere = await postRaw(servers.health.url, body, { [ACCESS_CONTEXT_HEADER]: fresh[ACCESS_CONTEXT_HEADER]! });
    expect(elsewhere.errors?.[0]?.extensions?.reason).toBe('the gateway signature is for another subgraph');
  });
});
