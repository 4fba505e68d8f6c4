import type { RunningServer } from '../../common/subgraphServer';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { citizenFixture, copyTables } from '../helpers/fixtures';
import { cardFixture, daysFromToday, insertHealth, socialInsuranceNumberOf } from '../helpers/healthFixtures';
import { errorCodes } from '../helpers/graphql';
import type { SubgraphPost } from '../helpers/subgraphClient';
import { TEST_SIGNING_KEY, collectPages, subgraphClient } from '../helpers/subgraphClient';

/** Citizens 0..39 have one valid card each; these three show how the card in force is chosen. */
const WITH_RENEWALS = 900;
const ONLY_EXPIRED = 901;
const WITHOUT_RECORDS = 902;
/** A citizen with records on both sides of SCOPE: the card in force and some events in 40779, the rest in 40778. */
const ACROSS_SCOPE = 903;
/** The scope of the scoped caller: ward Hạc Thành, where even citizens' cards and vaccinations, and every fixture encounter, are. */
const SCOPE = ['40778'];

const CITIZEN_HEALTH = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { nationalId healthInsurance { socialInsuranceNumber validFrom validTo } } } }`;

/** Given citizen fixture indexes, returns the representations the gateway would send for them. */
const citizenReferences = (indexes: number[]) => indexes.map((index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));

describe('health subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;
  const post = subgraphClient(() => server, 'health');

  beforeAll(async () => {
    databases = await createTestDatabases();
    const db = databases.databases.health;
    await insertHealth(db, 40);
    await db('insurance_cards').insert([
      cardFixture(WITH_RENEWALS, { social_insurance_number: socialInsuranceNumberOf(WITH_RENEWALS, 0), valid_from: '2019-01-01', valid_to: '2019-12-31' }),
      cardFixture(WITH_RENEWALS, {
        social_insurance_number: socialInsuranceNumberOf(WITH_RENEWALS, 1),
        valid_from: daysFromToday(-30),
        valid_to: daysFromToday(335),
      }),
      cardFixture(WITH_RENEWALS, {
        social_insurance_number: socialInsuranceNumberOf(WITH_RENEWALS, 2),
        valid_from: daysFromToday(400),
        valid_to: daysFromToday(765),
      }),
      cardFixture(ONLY_EXPIRED, { social_insurance_number: socialInsuranceNumberOf(ONLY_EXPIRED, 0), valid_from: '2020-01-01', valid_to: '2020-12-31' }),
      cardFixture(ONLY_EXPIRED, { social_insurance_number: socialInsuranceNumberOf(ONLY_EXPIRED, 1), valid_from: '2018-01-01', valid_to: '2018-12-31' }),
      cardFixture(ACROSS_SCOPE, {
        social_insurance_number: socialInsuranceNumberOf(ACROSS_SCOPE, 0),
        primary_care_facility_code: '38101',
        valid_from: '2020-01-01',
        valid_to: '2020-12-31',
      }),
      cardFixture(ACROSS_SCOPE, { social_insurance_number: socialInsuranceNumberOf(ACROSS_SCOPE, 1), primary_care_facility_code: '38102' }),
    ]);
    const nationalId = citizenFixture(ACROSS_SCOPE).national_id;
    await db('vaccinations').insert([
      { national_id: nationalId, vaccine: 'Sởi', dose: 1, vaccinated_on: '2021-03-01', facility_code: '38010' },
      { national_id: nationalId, vaccine: 'Sởi', dose: 2, vaccinated_on: '2021-09-01', facility_code: '38011' },
    ]);
    await db('encounters').insert([
      { national_id: nationalId, facility_code: '38011', encounter_date: '2023-04-04', icd10_code: 'A09' },
      { national_id: nationalId, facility_code: '38001', encounter_date: '2022-02-02', icd10_code: 'I10' },
    ]);
    server = await startSubgraph('health', { db, signingKey: TEST_SIGNING_KEY });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('returns a facility with its commune', async () => {
    const response = await post('{ healthFacility(code: "38001") { code name level commune { code } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.healthFacility).toEqual({
      code: '38001',
      name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa',
      level: 'PROVINCIAL',
      commune: { code: '40778' },
    });
  });

  it('pages through the facilities of a commune in code order, filtered by level', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const response: any = await post(
        `query ($after: String) { healthFacilitiesByCommune(communeCode: "40778", first: 2, after: $after) {
        edges { cursor node { code } } nodes { code } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(response.errors).toBeUndefined();
      const connection = response.data.healthFacilitiesByCommune;
      expect(connection.edges.map((edge: { node: { code: string } }) => edge.node)).toEqual(connection.nodes);
      seen.push(...connection.nodes.map((node: { code: string }) => node.code));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(['38001', '38002', '38010', '38101']);

    const filtered = await post('{ healthFacilitiesByCommune(communeCode: "40779", level: "COMMUNE") { nodes { code level } pageInfo { hasNextPage } } }');
    expect(filtered.data?.healthFacilitiesByCommune).toEqual({ nodes: [{ code: '38102', level: 'COMMUNE' }], pageInfo: { hasNextPage: false } });
  });

  it('returns a health-insurance card with its holder and primary-care facility', async () => {
    const response = await post(
      `query ($number: String!) { healthInsuranceCard(socialInsuranceNumber: $number) {
      socialInsuranceNumber benefitLevel validFrom validTo holder { nationalId } primaryCareFacility { code name } } }`,
      { number: socialInsuranceNumberOf(3) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.healthInsuranceCard).toEqual({
      socialInsuranceNumber: socialInsuranceNumberOf(3),
      benefitLevel: 4,
      validFrom: cardFixture(3).valid_from,
      validTo: cardFixture(3).valid_to,
      holder: { nationalId: citizenFixture(3).national_id },
      primaryCareFacility: { code: '38102', name: 'Trạm Y tế phường Quảng Phú' },
    });
  });

  it.each([
    ['facility', '{ healthFacility(code: "38999") { name } }', { healthFacility: null }],
    ['insurance card', '{ healthInsuranceCard(socialInsuranceNumber: "3899999999") { benefitLevel } }', { healthInsuranceCard: null }],
    ['commune', '{ healthFacilitiesByCommune(communeCode: "99999") { nodes { code } } }', { healthFacilitiesByCommune: { nodes: [] } }],
  ])('returns nothing for an unknown but well-formed %s', async (_case, query, expected) => {
    const response = await post(query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(expected);
  });

  it.each([
    ['malformed facility code', '{ healthFacility(code: "3800") { name } }', /Malformed facility code "3800"/],
    ['facility code with letters', '{ healthFacility(code: "38A01") { name } }', /Malformed facility code/],
    ['malformed social insurance number', '{ healthInsuranceCard(socialInsuranceNumber: "38000000") { benefitLevel } }', /Malformed social insurance number/],
    [
      'social insurance number with letters',
      '{ healthInsuranceCard(socialInsuranceNumber: "GD40038000") { benefitLevel } }',
      /Malformed social insurance number/,
    ],
    ['malformed commune code', '{ healthFacilitiesByCommune(communeCode: "4077") { nodes { code } } }', /Malformed commune code/],
    [
      'unknown level',
      '{ healthFacilitiesByCommune(communeCode: "40778", level: "DISTRICT") { nodes { code } } }',
      /Unknown level "DISTRICT": expected one of CENTRAL, PROVINCIAL, REGIONAL, COMMUNE/,
    ],
    ['page size over the maximum', '{ healthFacilitiesByCommune(communeCode: "40778", first: 101) { nodes { code } } }', /between 1 and 100/],
    ['malformed cursor', '{ healthFacilitiesByCommune(communeCode: "40778", after: "not-a-cursor") { nodes { code } } }', /Malformed cursor/],
    [
      'cursor of another list',
      '{ healthFacilitiesByCommune(communeCode: "40778", after: "WyJjaXRpemVuc0J5Q29tbXVuZSIsIjAzODA4MDEwMDAwMCJd") { nodes { code } } }',
      /Malformed cursor/,
    ],
  ])('rejects a %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await post(query);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
    expect(response.status).toBe(200);
  });

  it('picks the card valid today, else the most recent card, else none', async () => {
    const response = await post(CITIZEN_HEALTH, { representations: citizenReferences([WITH_RENEWALS, ONLY_EXPIRED, WITHOUT_RECORDS]) });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([
      {
        nationalId: citizenFixture(WITH_RENEWALS).national_id,
        healthInsurance: { socialInsuranceNumber: socialInsuranceNumberOf(WITH_RENEWALS, 1), validFrom: daysFromToday(-30), validTo: daysFromToday(335) },
      },
      {
        nationalId: citizenFixture(ONLY_EXPIRED).national_id,
        healthInsurance: { socialInsuranceNumber: socialInsuranceNumberOf(ONLY_EXPIRED, 0), validFrom: '2020-01-01', validTo: '2020-12-31' },
      },
      { nationalId: citizenFixture(WITHOUT_RECORDS).national_id, healthInsurance: null },
    ]);
  });

  it('lists vaccinations oldest first and encounters most recent first, with the diagnosis chapter', async () => {
    const response = await post(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { vaccinations { vaccine dose date facility { code } } encounters { date diagnosisCode diagnosisChapter facility { code level } } } } }`,
      { representations: citizenReferences([0, WITHOUT_RECORDS]) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([
      {
        vaccinations: [
          { vaccine: 'Viêm gan B', dose: 1, date: '2020-01-10', facility: { code: '38010' } },
          { vaccine: 'Viêm gan B', dose: 2, date: '2020-02-10', facility: { code: '38010' } },
        ],
        encounters: [
          {
            date: '2025-01-20',
            diagnosisCode: 'K35.8',
            diagnosisChapter: 'Diseases of the digestive system',
            facility: { code: '38002', level: 'PROVINCIAL' },
          },
          {
            date: '2024-05-02',
            diagnosisCode: 'J18.9',
            diagnosisChapter: 'Diseases of the respiratory system',
            facility: { code: '38001', level: 'PROVINCIAL' },
          },
        ],
      },
      { vaccinations: [], encounters: [] },
    ]);
  });

  it('merges vaccinations and encounters into one timeline of the HealthEvent interface, most recent first', async () => {
    const response = await post(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { healthEvents { __typename date facility { code } ... on Encounter { diagnosisCode } ... on Vaccination { vaccine } } } } }`,
      { representations: citizenReferences([0, WITHOUT_RECORDS]) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([
      {
        healthEvents: [
          { __typename: 'Encounter', date: '2025-01-20', facility: { code: '38002' }, diagnosisCode: 'K35.8' },
          { __typename: 'Encounter', date: '2024-05-02', facility: { code: '38001' }, diagnosisCode: 'J18.9' },
          { __typename: 'Vaccination', date: '2020-02-10', facility: { code: '38010' }, vaccine: 'Viêm gan B' },
          { __typename: 'Vaccination', date: '2020-01-10', facility: { code: '38010' }, vaccine: 'Viêm gan B' },
        ],
      },
      { healthEvents: [] },
    ]);
  });

  it('resolves facility references by code, unknown ones to null', async () => {
    const response = await post('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on HealthFacility { code name } } }', {
      representations: [
        { __typename: 'HealthFacility', code: '38101' },
        { __typename: 'HealthFacility', code: '38999' },
      ],
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([{ code: '38101', name: 'Trạm Y tế phường Hạc Thành' }, null]);
  });

  it('reads cards and their primary-care facilities in one statement, each facility as its own query reads it', async () => {
    const counter = countStatements(databases.databases.health);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { healthInsurance { primaryCareFacility { code name level commune { code } } } } } }`;
    const response = await post(query, { representations: citizenReferences([0, 1, 2]) });
    expect(response.errors).toBeUndefined();
    const facilities = (response.data?._entities as Array<{ healthInsurance: { primaryCareFacility: { code: string } } }>).map(
      (entity) => entity.healthInsurance.primaryCareFacility,
    );
    expect(facilities).toHaveLength(3);
    // The cards with their facilities: no statement reads the facilities on their own.
    expect(counter.count).toBe(1);
    for (const facility of facilities) {
      const direct = await post('query ($code: String!) { healthFacility(code: $code) { code name level commune { code } } }', { code: facility.code });
      expect(facility).toEqual(direct.data?.healthFacility);
    }
  });

  it('resolves many citizens with cards, vaccinations and encounters in a constant number of statements', async () => {
    const counter = countStatements(databases.databases.health);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen {
      healthInsurance { primaryCareFacility { name } } vaccinations { facility { name } } encounters { diagnosisCode facility { name } } } } }`;
    const countFor = async (size: number) => {
      counter.reset();
      const indexes = Array.from({ length: size }, (_, index) => index);
      const response = await post(query, { representations: citizenReferences(indexes) });
      expect(response.errors).toBeUndefined();
      const entities = response.data?._entities as Array<{ healthInsurance: unknown; vaccinations: unknown[]; encounters: unknown[] }>;
      expect(entities).toHaveLength(size);
      expect(entities.every((entity) => entity.healthInsurance && entity.vaccinations.length === 2 && entity.encounters.length === 2)).toBe(true);
      return counter.count;
    };
    // Cards, vaccinations and encounters: one statement each, and their facilities from the reference cache, which
    // a first answer fills (one statement per wave of facility look-ups, at most two).
    const cold = await countFor(40);
    expect(cold).toBeGreaterThanOrEqual(3);
    expect(cold).toBeLessThanOrEqual(5);
    const small = await countFor(3);
    const large = await countFor(40);
    expect(small).toBe(3);
    expect(large).toBe(small);
  });
  it('resolves many citizens with a constant number of statements, for a caller who may see the rows of a scope', async () => {
    const counter = countStatements(databases.databases.health);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen {
      healthInsurance { primaryCareFacility { name } } vaccinations { facility { name } } encounters { diagnosisCode facility { name } } } } }`;
    const countFor = async (size: number) => {
      counter.reset();
      const response = await post(query, { representations: citizenReferences(Array.from({ length: size }, (_, index) => index)) }, { scope: SCOPE });
      expect(response.errors).toBeUndefined();
      expect(response.data?._entities).toHaveLength(size);
      return counter.count;
    };
    await countFor(40);
    const small = await countFor(3);
    const large = await countFor(40);
    // Cards, vaccinations and encounters; their facilities were held since the first answer.
    expect(small).toBe(3);
    expect(large).toBe(small);
  });

  describe('row scope', () => {
    let reference: TestDatabases;
    let referenceServer: RunningServer;
    const scoped: SubgraphPost = (query, variables) => post(query, variables, { scope: SCOPE });
    const unscoped = subgraphClient(() => referenceServer, 'health');

    // The reference database keeps every facility (open data) but only the cards whose primary-care
    // facility, and the vaccinations and encounters whose facility, stand in the scope.
    beforeAll(async () => {
      reference = await createTestDatabases();
      const db = reference.databases.health;
      await copyTables(databases.databases.health, db, ['facilities', 'insurance_cards', 'vaccinations', 'encounters']);
      const facilitiesOutOfScope = () => db('facilities').select('code').whereNotIn('commune_code', SCOPE);
      await db('insurance_cards').whereIn('primary_care_facility_code', facilitiesOutOfScope()).delete();
      await db('vaccinations').whereIn('facility_code', facilitiesOutOfScope()).delete();
      await db('encounters').whereIn('facility_code', facilitiesOutOfScope()).delete();
      referenceServer = await startSubgraph('health', { db, signingKey: TEST_SIGNING_KEY });
    });

    afterAll(async () => {
      await referenceServer?.stop();
      await reference?.destroy();
    });

    const CARD = `query ($number: String!) { healthInsuranceCard(socialInsuranceNumber: $number) {
      socialInsuranceNumber holder { nationalId healthInsurance { socialInsuranceNumber } } primaryCareFacility { code } } }`;
    const CITIZENS = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen {
      nationalId healthInsurance { socialInsuranceNumber validTo primaryCareFacility { code } }
      vaccinations { vaccine dose date facility { code } } encounters { date diagnosisCode facility { code } }
      healthEvents { __typename date facility { code } } } ... on HealthFacility { code name } } }`;
    const FACILITIES_BY_COMMUNE = `query ($communeCode: String!, $after: String) { healthFacilitiesByCommune(communeCode: $communeCode, first: 1, after: $after) {
      edges { cursor node { code name } } pageInfo { hasNextPage endCursor } } }`;

    it.each([
      ['a card whose primary-care facility is in scope', true, CARD, { number: socialInsuranceNumberOf(0) }],
      ['a card whose primary-care facility is out of scope', false, CARD, { number: socialInsuranceNumberOf(1) }],
      [
        'citizens with records on either side of the scope, and open facilities',
        true,
        CITIZENS,
        {
          representations: [
            ...citizenReferences([0, 1, 2, 3, ACROSS_SCOPE, WITH_RENEWALS, ONLY_EXPIRED, WITHOUT_RECORDS]),
            { __typename: 'HealthFacility', code: '38102' },
          ],
        },
      ],
    ])('answers %s exactly as if the rows out of scope did not exist', async (_case, found, query, variables) => {
      const [expected, actual] = await Promise.all([unscoped(query, variables), scoped(query, variables)]);
      expect(actual).toEqual(expected);
      expect(actual.errors).toBeUndefined();
      expect(Object.values(actual.data!)[0] !== null).toBe(found);
    });

    it('pages through the facilities of a commune out of scope: open reference data is never scoped', async () => {
      const expected = await collectPages(unscoped, FACILITIES_BY_COMMUNE, { communeCode: '40779' }, 'healthFacilitiesByCommune');
      const actual = await collectPages(scoped, FACILITIES_BY_COMMUNE, { communeCode: '40779' }, 'healthFacilitiesByCommune');
      expect(actual).toEqual(expected);
      expect(actual).toHaveLength(2);
    });

    it('takes the card in force from the cards in scope, and lists only the events at facilities in scope', async () => {
      const response = await scoped(CITIZENS, { representations: citizenReferences([ACROSS_SCOPE]) });
      expect(response.data?._entities).toEqual([
        {
          nationalId: citizenFixture(ACROSS_SCOPE).national_id,
          healthInsurance: { socialInsuranceNumber: socialInsuranceNumberOf(ACROSS_SCOPE, 0), validTo: '2020-12-31', primaryCareFacility: { code: '38101' } },
          vaccinations: [{ vaccine: 'Sởi', dose: 1, date: '2021-03-01', facility: { code: '38010' } }],
          encounters: [{ date: '2022-02-02', diagnosisCode: 'I10', facility: { code: '38001' } }],
          healthEvents: [
            { __typename: 'Encounter', date: '2022-02-02', facility: { code: '38001' } },
            { __typename: 'Vaccination', date: '2021-03-01', facility: { code: '38010' } },
          ],
        },
      ]);
    });

    it('answers for a card out of scope exactly as for an unknown one', async () => {
      const [hidden, missing] = await Promise.all([scoped(CARD, { number: socialInsuranceNumberOf(1) }), scoped(CARD, { number: '3899999999' })]);
      expect(hidden).toEqual(missing);
      expect(hidden.data).toEqual({ healthInsuranceCard: null });
    });
  });

  describe('masks', () => {
    it('masks the fields of an interface in every implementation, and the listed fields of a card', async () => {
      const response = await post(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen {
        healthInsurance { socialInsuranceNumber primaryCareFacility { code } } vaccinations { date } encounters { date diagnosisCode }
        healthEvents { date } } } }`,
        { representations: citizenReferences([0]) },
        {
          masks: {
            'HealthEvent.date': 'YEAR_ONLY',
            'Encounter.diagnosisCode': 'REDACTED',
            'HealthInsuranceCard.socialInsuranceNumber': 'PARTIAL_ID',
            'HealthFacility.code': 'REDACTED',
          },
        },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?._entities).toEqual([
        {
          healthInsurance: { socialInsuranceNumber: '380*****00', primaryCareFacility: { code: '38101' } },
          vaccinations: [{ date: '2020' }, { date: '2020' }],
          encounters: [
            { date: '2025', diagnosisCode: '***' },
            { date: '2024', diagnosisCode: '***' },
          ],
          healthEvents: [{ date: '2025' }, { date: '2024' }, { date: '2020' }, { date: '2020' }],
        },
      ]);
    });

    it('fails closed on a number, which cannot carry a masked value', async () => {
      const response = await post(
        'query ($number: String!) { healthInsuranceCard(socialInsuranceNumber: $number) { benefitLevel } }',
        {
          number: socialInsuranceNumberOf(3),
        },
        { masks: { 'HealthInsuranceCard.benefitLevel': 'YEAR_ONLY' } },
      );
      expect(errorCodes(response)).toEqual(['MASK_NOT_APPLICABLE']);
      expect(response.data).toEqual({ healthInsuranceCard: null });
    });
  });
});
