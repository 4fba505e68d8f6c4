import type { RunningServer } from '../../common/subgraphServer';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { UNITS, citizenFixture, copyTables, insertPopulation } from '../helpers/fixtures';
import { errorCodes } from '../helpers/graphql';
import type { SubgraphPost } from '../helpers/subgraphClient';
import { TEST_SIGNING_KEY, collectPages, subgraphClient } from '../helpers/subgraphClient';

/** The scope of the scoped caller: ward Hạc Thành. Even fixture citizens live there, odd ones in 40779. */
const SCOPE = ['40778'];
const UNKNOWN_ID = '038099999999';

describe('population subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;
  const post = subgraphClient(() => server, 'population');
  // HK-0002 is in scope with a member who is not; HK-0003 is out of scope with a member who is in.
  const households = [
    { code: 'HK-0001', unit_code: '40778', address: 'Số 0 đường Lê Lợi', head_national_id: citizenFixture(0).national_id },
    { code: 'HK-0002', unit_code: '40778', address: 'Số 4 đường Lê Lợi', head_national_id: citizenFixture(4).national_id },
    { code: 'HK-0003', unit_code: '40779', address: 'Số 3 đường Lê Lợi', head_national_id: citizenFixture(3).national_id },
  ];

  beforeAll(async () => {
    databases = await createTestDatabases();
    const db = databases.databases.population;
    await insertPopulation(db, 45);
    await db('citizens').insert(citizenFixture(900, { full_name: 'Đặng Thị Ánh', current_unit_code: '40779' }));
    await db('households').insert(households);
    await db('household_members').insert([
      { household_code: 'HK-0001', national_id: citizenFixture(0).national_id, relationship: 'HEAD' },
      { household_code: 'HK-0001', national_id: citizenFixture(2).national_id, relationship: 'CHILD' },
      { household_code: 'HK-0002', national_id: citizenFixture(4).national_id, relationship: 'HEAD' },
      { household_code: 'HK-0002', national_id: citizenFixture(1).national_id, relationship: 'SPOUSE' },
      { household_code: 'HK-0003', national_id: citizenFixture(3).national_id, relationship: 'HEAD' },
      { household_code: 'HK-0003', national_id: citizenFixture(6).national_id, relationship: 'CHILD' },
    ]);
    server = await startSubgraph('population', { db, signingKey: TEST_SIGNING_KEY });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('returns a citizen with residence, unit hierarchy and household', async () => {
    const response = await post(
      `query ($id: ID!) { citizen(nationalId: $id) {
      nationalId fullName sex dateOfBirth currentResidence { addressLine unit { code name parent { code level } } }
      householdMembership { relationshipToHead household { code members { citizen { nationalId } relationshipToHead } } } } }`,
      { id: citizenFixture(0).national_id },
    );
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
    const response = await post('query { citizen(nationalId: "038099999999") { fullName } }');
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ citizen: null });
  });

  it.each([
    ['too short', '03809000'],
    ['not digits', '03809000000X'],
    ['unknown province', '099090000001'],
  ])('rejects a malformed national ID (%s) with BAD_USER_INPUT', async (_case, id) => {
    const response = await post('query ($id: ID!) { citizen(nationalId: $id) { fullName } }', { id });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(/Malformed national ID/);
    expect(response.status).toBe(200);
  });

  it('pages through a commune in national-ID order without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response: any = await post(
        `query ($after: String) { citizensByCommune(communeCode: "40778", first: 10, after: $after) {
        nodes { nationalId } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
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
    const response = await post('query { citizensByNamePrefix(prefix: "dang thi") { nodes { fullName } } }');
    expect(response.data?.citizensByNamePrefix.nodes).toEqual([{ fullName: 'Đặng Thị Ánh' }]);
  });

  it('follows a replaced unit to its successor', async () => {
    const response = await post('query { administrativeUnit(code: "14755") { name validTo replacedBy { code name } } }');
    expect(response.data?.administrativeUnit).toEqual({ name: 'Điện Biên', validTo: '2025-06-30', replacedBy: { code: '40778', name: 'Hạc Thành' } });
  });

  it.each([
    ['page size over the maximum', '{ citizensByCommune(communeCode: "40778", first: 101) { nodes { nationalId } } }', /between 1 and 100/],
    ['malformed cursor', '{ citizensByCommune(communeCode: "40778", after: "not-a-cursor") { nodes { nationalId } } }', /Malformed cursor/],
    [
      'cursor of another list',
      '{ citizensByCommune(communeCode: "40778", after: "WyJjaXRpemVuc0J5TmFtZVByZWZpeCIsImEiLCJiIl0") { nodes { nationalId } } }',
      /Malformed cursor/,
    ],
    ['malformed commune code', '{ citizensByCommune(communeCode: "4077") { nodes { nationalId } } }', /Malformed commune code/],
    ['unknown filter value', '{ citizensByCommune(communeCode: "40778", status: "MISSING") { nodes { nationalId } } }', /Unknown status "MISSING"/],
  ])('rejects a %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await post(query);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  it.each([
    ['any row', {}],
    ['the rows of a scope', { scope: SCOPE }],
  ])('resolves a page of citizen references with a constant number of statements, for a caller who may see %s', async (_case, access) => {
    const counter = countStatements(databases.databases.population);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { fullName currentResidence { unit { name parent { name } } } householdMembership { household { code } } } } }`;
    const countFor = async (size: number) => {
      counter.reset();
      const representations = Array.from({ length: size }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));
      const response = await post(query, { representations }, access);
      expect(response.errors).toBeUndefined();
      expect(response.data?._entities).toHaveLength(size);
      return counter.count;
    };
    // The units of the residences come from the reference cache once a first answer filled it.
    await countFor(40);
    const small = await countFor(3);
    const large = await countFor(40);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it.each([
    // The citizens; their memberships with the households; then the heads not read yet (citizen 4). The units are
    // served by the reference cache, which the same query filled just before.
    ['any row', {}, ['HK-0001', 'HK-0002', 'HK-0001', 'HK-0003'], 3],
    // Citizens 1 and 3 are out of scope; HK-0001's head, citizen 0, was read with the others.
    ['the rows of a scope', { scope: SCOPE }, ['HK-0001', null, 'HK-0001', null], 2],
  ])(
    'reads a membership and its household in one statement, the household as its own query reads it, for a caller who may see %s',
    async (_case, access, codes, statements) => {
      const counter = countStatements(databases.databases.population);
      const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { householdMembership { relationshipToHead household { code address unit { code } head { nationalId } } } } } }`;
      const representations = [0, 1, 2, 3].map((index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));
      await post(query, { representations }, access);
      counter.reset();
      const response = await post(query, { representations }, access);
      expect(response.errors).toBeUndefined();
      const entities = response.data?._entities as Array<{ householdMembership: { household: { code: string } } | null } | null>;
      expect(entities.map((entity) => entity?.householdMembership?.household.code ?? null)).toEqual(codes);
      // No statement reads the households on their own.
      expect(counter.count).toBe(statements);
      for (const entity of entities) {
        const household = entity?.householdMembership?.household;
        if (!household) continue;
        const direct = await post(
          `query ($code: String!) { household(code: $code) { code address unit { code } head { nationalId } } }`,
          { code: household.code },
          access,
        );
        expect(household).toEqual(direct.data?.household);
      }
    },
  );

  it.each([
    ['any row', {}],
    ['the rows of a scope', { scope: SCOPE }],
  ])('reads a citizen asked for with its membership, and the household, in one statement, for a caller who may see %s', async (_case, access) => {
    const counter = countStatements(databases.databases.population);
    const fields = 'nationalId fullName householdMembership { relationshipToHead household { code address unit { code } } }';
    const byId = `query ($id: ID!) { citizen(nationalId: $id) { ${fields} } }`;
    const byFragment = `query ($id: ID!) { citizen(nationalId: $id) { ...Member } } fragment Member on Citizen { ${fields} }`;
    const entities = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { ${fields} } } }`;
    // A head in scope, a member in scope of a household out of it, a spouse out of scope, a child, someone in no household.
    for (const index of [0, 6, 1, 2, 9]) {
      const id = citizenFixture(index).national_id;
      const reference = await post(entities, { representations: [{ __typename: 'Citizen', nationalId: id }] }, access);
      expect(reference.errors).toBeUndefined();
      for (const query of [byId, byFragment]) {
        counter.reset();
        const response = await post(query, { id }, access);
        expect(response.errors).toBeUndefined();
        expect(response.data?.citizen).toEqual(reference.data?._entities[0]);
        // The unit of the household comes from the reference cache, filled by the reference read.
        expect(counter.count).toBe(1);
      }
    }
  });

  describe('row scope', () => {
    let reference: TestDatabases;
    let referenceServer: RunningServer;
    const scoped: SubgraphPost = (query, variables) => post(query, variables, { scope: SCOPE });
    const unscoped = subgraphClient(() => referenceServer, 'population');

    // The reference database holds only what the scope admits, written as a rule of its own: the scoped
    // caller must get, byte for byte, what an unrestricted caller gets from it.
    beforeAll(async () => {
      reference = await createTestDatabases();
      const db = reference.databases.population;
      await db('administrative_units').insert(UNITS);
      await copyTables(databases.databases.population, db, ['citizens', 'households', 'household_members']);
      await db('household_members')
        .whereNotIn('national_id', db('citizens').select('national_id').whereIn('current_unit_code', SCOPE))
        .orWhereNotIn('household_code', db('households').select('code').whereIn('unit_code', SCOPE))
        .delete();
      await db('households').whereNotIn('unit_code', SCOPE).delete();
      await db('citizens').whereNotIn('current_unit_code', SCOPE).delete();
      referenceServer = await startSubgraph('population', { db, signingKey: TEST_SIGNING_KEY });
    });

    afterAll(async () => {
      await referenceServer?.stop();
      await reference?.destroy();
    });

    const CITIZEN = `query ($id: ID!) { citizen(nationalId: $id) { nationalId fullName currentResidence { unit { code } }
      householdMembership { relationshipToHead household { code head { nationalId } members { citizen { nationalId } relationshipToHead } } } } }`;
    const HOUSEHOLD = `query ($code: String!) { household(code: $code) { code address unit { code }
      head { nationalId } members { citizen { nationalId householdMembership { relationshipToHead } } relationshipToHead } } }`;
    const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { nationalId fullName householdMembership { household { code } } } ... on Household { code members { citizen { nationalId } } } } }`;
    const BY_COMMUNE = `query ($communeCode: String!, $status: String, $after: String) {
      citizensByCommune(communeCode: $communeCode, status: $status, first: 4, after: $after) {
        edges { cursor node { nationalId } } pageInfo { hasNextPage endCursor } } }`;
    const BY_NAME = `query ($prefix: String!, $after: String) { citizensByNamePrefix(prefix: $prefix, first: 6, after: $after) {
      edges { cursor node { nationalId fullName } } pageInfo { hasNextPage endCursor } } }`;

    it.each([
      ['a citizen in scope, head of a household in scope', true, CITIZEN, { id: citizenFixture(0).national_id }],
      ['a citizen in scope whose household has a member out of scope', true, CITIZEN, { id: citizenFixture(4).national_id }],
      ['a citizen in scope whose household is out of scope', true, CITIZEN, { id: citizenFixture(6).national_id }],
      ['a citizen out of scope', false, CITIZEN, { id: citizenFixture(1).national_id }],
      ['a household in scope with a member out of scope', true, HOUSEHOLD, { code: 'HK-0002' }],
      ['a household out of scope', false, HOUSEHOLD, { code: 'HK-0003' }],
      [
        'references to citizens and households on both sides of the scope',
        true,
        ENTITIES,
        {
          representations: [
            ...Array.from({ length: 10 }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id })),
            { __typename: 'Citizen', nationalId: citizenFixture(900).national_id },
            { __typename: 'Household', code: 'HK-0002' },
            { __typename: 'Household', code: 'HK-0003' },
          ],
        },
      ],
      ['open reference data', true, '{ administrativeUnit(code: "38") { code children { code name } } }', {}],
    ])('answers %s exactly as if the rows out of scope did not exist', async (_case, found, query, variables) => {
      const [expected, actual] = await Promise.all([unscoped(query, variables), scoped(query, variables)]);
      expect(actual).toEqual(expected);
      expect(actual.errors).toBeUndefined();
      expect(Object.values(actual.data!)[0] !== null).toBe(found);
    });

    it.each([
      ['the commune in scope', BY_COMMUNE, { communeCode: '40778' }, 'citizensByCommune'],
      ['a commune out of scope', BY_COMMUNE, { communeCode: '40779', status: 'ALIVE' }, 'citizensByCommune'],
      ['a name prefix matching both sides of the scope', BY_NAME, { prefix: 'nguyen van thu' }, 'citizensByNamePrefix'],
      ['a name prefix matching only a citizen out of scope', BY_NAME, { prefix: 'dang thi' }, 'citizensByNamePrefix'],
    ])('pages through %s exactly as if the rows out of scope did not exist', async (_case, query, variables, field) => {
      const expected = await collectPages(unscoped, query, variables, field);
      const actual = await collectPages(scoped, query, variables, field);
      expect(actual).toEqual(expected);
      expect(actual.every((page) => page.errors === undefined)).toBe(true);
    });

    it('serves the residents of the scope only, every one of them', async () => {
      const pages = await collectPages(scoped, BY_NAME, { prefix: 'nguyen van thu' }, 'citizensByNamePrefix');
      const seen = pages.flatMap((page) => page.data!.citizensByNamePrefix.edges.map((edge: { node: { nationalId: string } }) => edge.node.nationalId));
      const expected = Array.from({ length: 45 }, (_, index) => citizenFixture(index)).filter((citizen) => SCOPE.includes(citizen.current_unit_code));
      expect(seen.sort()).toEqual(expected.map((citizen) => citizen.national_id).sort());
    });

    it.each([
      ['a citizen', CITIZEN, { id: citizenFixture(1).national_id }, { id: UNKNOWN_ID }],
      ['a household', HOUSEHOLD, { code: 'HK-0003' }, { code: 'HK-9999' }],
      ['a commune', BY_COMMUNE, { communeCode: '40779' }, { communeCode: '99999' }],
    ])('answers for %s out of scope exactly as for an unknown one', async (_case, query, outOfScope, unknown) => {
      const [hidden, missing] = await Promise.all([scoped(query, outOfScope), scoped(query, unknown)]);
      expect(hidden).toEqual(missing);
      expect(hidden.status).toBe(200);
    });

    it('sees nothing with an empty scope, and everything without one', async () => {
      const query = '{ citizensByCommune(communeCode: "40778", first: 100) { nodes { nationalId } } }';
      const nothing = await post(query, {}, { scope: [] });
      expect(nothing.data?.citizensByCommune.nodes).toEqual([]);
      const everything = await post(query, {}, { scope: null });
      expect(everything.data?.citizensByCommune.nodes).toHaveLength(23);
    });
  });

  describe('masks', () => {
    const CITIZEN = `query ($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth
      currentResidence { addressLine } householdMembership { household { code address members { citizen { nationalId fullName } } } } } }`;

    it('masks the listed fields wherever they appear, and nothing else', async () => {
      const response = await post(
        CITIZEN,
        { id: citizenFixture(0).national_id },
        {
          masks: { 'Citizen.dateOfBirth': 'YEAR_ONLY', 'Citizen.fullName': 'INITIALS', 'Residence.addressLine': 'REDACTED' },
        },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.citizen).toEqual({
        nationalId: citizenFixture(0).national_id,
        fullName: 'Nguyễn V. T. 0.',
        dateOfBirth: '1980',
        currentResidence: { addressLine: '***' },
        householdMembership: {
          household: {
            code: 'HK-0001',
            address: 'Số 0 đường Lê Lợi',
            members: [0, 2]
              .map((index) => ({ nationalId: citizenFixture(index).national_id, fullName: `Nguyễn V. T. ${index}.` }))
              .map((citizen) => ({ citizen })),
          },
        },
      });
    });

    it('masks fields of entities and of lists alike', async () => {
      const masks = { 'Citizen.fullName': 'REDACTED' } as const;
      const entities = await post(
        'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { fullName } } }',
        {
          representations: [{ __typename: 'Citizen', nationalId: citizenFixture(0).national_id }],
        },
        { masks },
      );
      expect(entities.data?._entities).toEqual([{ fullName: '***' }]);
      const list = await post('{ citizensByCommune(communeCode: "40778", first: 3) { nodes { fullName } } }', {}, { masks });
      expect(list.data?.citizensByCommune.nodes).toEqual([{ fullName: '***' }, { fullName: '***' }, { fullName: '***' }]);
    });

    it('never masks a key, which the gateway needs to join entities and masks itself', async () => {
      const response = await post(
        'query ($id: ID!) { citizen(nationalId: $id) { nationalId householdMembership { household { code } } } }',
        {
          id: citizenFixture(0).national_id,
        },
        { masks: { 'Citizen.nationalId': 'PARTIAL_ID', 'Household.code': 'REDACTED' } },
      );
      expect(response.data?.citizen).toEqual({ nationalId: citizenFixture(0).national_id, householdMembership: { household: { code: 'HK-0001' } } });
    });

    it('fails closed on a field whose type cannot carry a masked value', async () => {
      const response = await post(
        'query ($id: ID!) { citizen(nationalId: $id) { nationalId sex } }',
        { id: citizenFixture(0).national_id },
        {
          masks: { 'Citizen.sex': 'REDACTED' },
        },
      );
      expect(errorCodes(response)).toEqual(['MASK_NOT_APPLICABLE']);
      expect(response.errors?.[0]?.message).toBe('Citizen.sex is disclosed only as REDACTED, which a value of type Sex! cannot carry');
      expect(response.data).toEqual({ citizen: null });
    });
  });
});
