import type { RunningServer } from '../../common/subgraphServer';
import { startPopulationSubgraph } from '../../subgraphs/population';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { citizenFixture, insertPopulation } from '../helpers/fixtures';
import { errorCodes, postGraphQL } from '../helpers/graphql';

describe('population subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;
  const households = [{ code: 'HK-0001', unit_code: '40778', address: 'Số 0 đường Lê Lợi', head_national_id: citizenFixture(0).national_id }];

  beforeAll(async () => {
    databases = await createTestDatabases();
    const db = databases.databases.population;
    await insertPopulation(db, 45);
    await db('citizens').insert(citizenFixture(900, { full_name: 'Đặng Thị Ánh', current_unit_code: '40779' }));
    await db('households').insert(households);
    await db('household_members').insert([
      { household_code: 'HK-0001', national_id: citizenFixture(0).national_id, relationship: 'HEAD' },
      { household_code: 'HK-0001', national_id: citizenFixture(2).national_id, relationship: 'CHILD' },
    ]);
    server = await startPopulationSubgraph({ db });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('returns a citizen with residence, unit hierarchy and household', async () => {
    const response = await postGraphQL(server.url, `query ($id: ID!) { citizen(nationalId: $id) {
      nationalId fullName sex dateOfBirth currentResidence { addressLine unit { code name parent { code level } } }
      householdMembership { relationshipToHead household { code members { citizen { nationalId } relationshipToHead } } } } }`,
      { id: citizenFixture(0).national_id });
    expect(response.errors).toBeUndefined();
    expect(response.data?.citizen).toEqual({
      nationalId: citizenFixture(0).national_id,
      fullName: 'Nguyễn Văn Thử 0',
      sex: 'MALE',
      dateOfBirth: '1980-03-15',
      currentResidence: { addressLine: 'Số 0 đường Lê Lợi', unit: { code: '40778', name: 'Hạc Thành', parent: { code: '38', level: 'PROVINCE' } } },
      householdMembership: {
        relationshipToHead: 'HEAD',
        household: {
          code: 'HK-0001',
          members: [
            { citizen: { nationalId: citizenFixture(0).national_id }, relationshipToHead: 'HEAD' },
            { citizen: { nationalId: citizenFixture(2).national_id }, relationshipToHead: 'CHILD' },
          ].sort((a, b) => a.citizen.nationalId.localeCompare(b.citizen.nationalId)),
        },
      },
    });
  });

  it('returns null for an unknown but well-formed national ID', async () => {
    const response = await postGraphQL(server.url, 'query { citizen(nationalId: "038099999999") { fullName } }');
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ citizen: null });
  });

  it.each([
    ['too short', '03809000'],
    ['not digits', '03809000000X'],
    ['unknown province', '099090000001'],
  ])('rejects a malformed national ID (%s) with BAD_USER_INPUT', async (_case, id) => {
    const response = await postGraphQL(server.url, 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', { id });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(/Malformed national ID/);
    expect(response.status).toBe(200);
  });

  it('pages through a commune in national-ID order without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response: any = await postGraphQL(server.url, `query ($after: String) { citizensByCommune(communeCode: "40778", first: 10, after: $after) {
        nodes { nationalId } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(response.errors).toBeUndefined();
      const connection = response.data.citizensByCommune;
      seen.push(...connection.nodes.map((node: { nationalId: string }) => node.nationalId));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    const expected = Array.from({ length: 45 }, (_, index) => citizenFixture(index))
      .filter((citizen) => citizen.current_unit_code === '40778')
      .map((citizen) => citizen.national_id)
      .sort();
    expect(seen).toEqual(expected);
  });

  it('finds names by a prefix without diacritics', async () => {
    const response = await postGraphQL(server.url, 'query { citizensByNamePrefix(prefix: "dang thi") { nodes { fullName } } }');
    expect(response.data?.citizensByNamePrefix.nodes).toEqual([{ fullName: 'Đặng Thị Ánh' }]);
  });

  it('follows a replaced unit to its successor', async () => {
    const response = await postGraphQL(server.url, 'query { administrativeUnit(code: "14755") { name validTo replacedBy { code name } } }');
    expect(response.data?.administrativeUnit).toEqual({ name: 'Điện Biên', validTo: '2025-06-30', replacedBy: { code: '40778', name: 'Hạc Thành' } });
  });

  it.each([
    ['page size over the maximum', '{ citizensByCommune(communeCode: "40778", first: 101) { nodes { nationalId } } }', /between 1 and 100/],
    ['malformed cursor', '{ citizensByCommune(communeCode: "40778", after: "not-a-cursor") { nodes { nationalId } } }', /Malformed cursor/],
    ['cursor of another list', '{ citizensByCommune(communeCode: "40778", after: "WyJjaXRpemVuc0J5TmFtZVByZWZpeCIsImEiLCJiIl0") { nodes { nationalId } } }', /Malformed cursor/],
    ['malformed commune code', '{ citizensByCommune(communeCode: "4077") { nodes { nationalId } } }', /Malformed commune code/],
    ['unknown filter value', '{ citizensByCommune(communeCode: "40778", status: "MISSING") { nodes { nationalId } } }', /Unknown status "MISSING"/],
  ])('rejects a %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await postGraphQL(server.url, query);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  it('resolves a page of citizen references with a constant number of statements', async () => {
    const counter = countStatements(databases.databases.population);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { fullName currentResidence { unit { name parent { name } } } householdMembership { household { code } } } } }`;
    const countFor = async (size: number) => {
      counter.reset();
      const representations = Array.from({ length: size }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));
      const response = await postGraphQL(server.url, query, { representations });
      expect(response.errors).toBeUndefined();
      expect(response.data?._entities).toHaveLength(size);
      return counter.count;
    };
    const small = await countFor(3);
    const large = await countFor(40);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });
});
