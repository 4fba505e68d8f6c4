import type { RunningServer } from '../../common/subgraphServer';
import { startHealthSubgraph } from '../../subgraphs/health';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { citizenFixture } from '../helpers/fixtures';
import { cardFixture, daysFromToday, insertHealth, socialInsuranceNumberOf } from '../helpers/healthFixtures';
import { errorCodes, postGraphQL } from '../helpers/graphql';

/** Citizens 0..39 have one valid card each; these three show how the card in force is chosen. */
const WITH_RENEWALS = 900;
const ONLY_EXPIRED = 901;
const WITHOUT_RECORDS = 902;

const CITIZEN_HEALTH = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { nationalId healthInsurance { socialInsuranceNumber validFrom validTo } } } }`;

/** Given citizen fixture indexes, returns the representations the gateway would send for them. */
const citizenReferences = (indexes: number[]) =>
  indexes.map((index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));

describe('health subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;

  beforeAll(async () => {
    databases = await createTestDatabases();
    const db = databases.databases.health;
    await insertHealth(db, 40);
    await db('insurance_cards').insert([
      cardFixture(WITH_RENEWALS, { social_insurance_number: socialInsuranceNumberOf(WITH_RENEWALS, 0), valid_from: '2019-01-01', valid_to: '2019-12-31' }),
      cardFixture(WITH_RENEWALS, { social_insurance_number: socialInsuranceNumberOf(WITH_RENEWALS, 1), valid_from: daysFromToday(-30), valid_to: daysFromToday(335) }),
      cardFixture(WITH_RENEWALS, { social_insurance_number: socialInsuranceNumberOf(WITH_RENEWALS, 2), valid_from: daysFromToday(400), valid_to: daysFromToday(765) }),
      cardFixture(ONLY_EXPIRED, { social_insurance_number: socialInsuranceNumberOf(ONLY_EXPIRED, 0), valid_from: '2020-01-01', valid_to: '2020-12-31' }),
      cardFixture(ONLY_EXPIRED, { social_insurance_number: socialInsuranceNumberOf(ONLY_EXPIRED, 1), valid_from: '2018-01-01', valid_to: '2018-12-31' }),
    ]);
    server = await startHealthSubgraph({ db });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('returns a facility with its commune', async () => {
    const response = await postGraphQL(server.url, '{ healthFacility(code: "38001") { code name level commune { code } } }');
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
      const response: any = await postGraphQL(server.url, `query ($after: String) { healthFacilitiesByCommune(communeCode: "40778", first: 2, after: $after) {
        edges { cursor node { code } } nodes { code } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(response.errors).toBeUndefined();
      const connection = response.data.healthFacilitiesByCommune;
      expect(connection.edges.map((edge: { node: { code: string } }) => edge.node)).toEqual(connection.nodes);
      seen.push(...connection.nodes.map((node: { code: string }) => node.code));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(['38001', '38002', '38010', '38101']);

    const filtered = await postGraphQL(server.url, '{ healthFacilitiesByCommune(communeCode: "40779", level: "COMMUNE") { nodes { code level } pageInfo { hasNextPage } } }');
    expect(filtered.data?.healthFacilitiesByCommune).toEqual({ nodes: [{ code: '38102', level: 'COMMUNE' }], pageInfo: { hasNextPage: false } });
  });

  it('returns a health-insurance card with its holder and primary-care facility', async () => {
    const response = await postGraphQL(server.url, `query ($number: String!) { healthInsuranceCard(socialInsuranceNumber: $number) {
      socialInsuranceNumber benefitLevel validFrom validTo holder { nationalId } primaryCareFacility { code name } } }`,
      { number: socialInsuranceNumberOf(3) });
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
    const response = await postGraphQL(server.url, query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(expected);
  });

  it.each([
    ['malformed facility code', '{ healthFacility(code: "3800") { name } }', /Malformed facility code "3800"/],
    ['facility code with letters', '{ healthFacility(code: "38A01") { name } }', /Malformed facility code/],
    ['malformed social insurance number', '{ healthInsuranceCard(socialInsuranceNumber: "38000000") { benefitLevel } }', /Malformed social insurance number/],
    ['social insurance number with letters', '{ healthInsuranceCard(socialInsuranceNumber: "GD40038000") { benefitLevel } }', /Malformed social insurance number/],
    ['malformed commune code', '{ healthFacilitiesByCommune(communeCode: "4077") { nodes { code } } }', /Malformed commune code/],
    ['unknown level', '{ healthFacilitiesByCommune(communeCode: "40778", level: "DISTRICT") { nodes { code } } }', /Unknown level "DISTRICT": expected one of CENTRAL, PROVINCIAL, REGIONAL, COMMUNE/],
    ['page size over the maximum', '{ healthFacilitiesByCommune(communeCode: "40778", first: 101) { nodes { code } } }', /between 1 and 100/],
    ['malformed cursor', '{ healthFacilitiesByCommune(communeCode: "40778", after: "not-a-cursor") { nodes { code } } }', /Malformed cursor/],
    ['cursor of another list', '{ healthFacilitiesByCommune(communeCode: "40778", after: "WyJjaXRpemVuc0J5Q29tbXVuZSIsIjAzODA4MDEwMDAwMCJd") { nodes { code } } }', /Malformed cursor/],
  ])('rejects a %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await postGraphQL(server.url, query);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
    expect(response.status).toBe(200);
  });

  it('picks the card valid today, else the most recent card, else none', async () => {
    const response = await postGraphQL(server.url, CITIZEN_HEALTH, { representations: citizenReferences([WITH_RENEWALS, ONLY_EXPIRED, WITHOUT_RECORDS]) });
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
    const response = await postGraphQL(server.url, `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { vaccinations { vaccine dose date facility { code } } encounters { date diagnosisCode diagnosisChapter facility { code level } } } } }`,
      { representations: citizenReferences([0, WITHOUT_RECORDS]) });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([
      {
        vaccinations: [
          { vaccine: 'Viêm gan B', dose: 1, date: '2020-01-10', facility: { code: '38010' } },
          { vaccine: 'Viêm gan B', dose: 2, date: '2020-02-10', facility: { code: '38010' } },
        ],
        encounters: [
          { date: '2025-01-20', diagnosisCode: 'K35.8', diagnosisChapter: 'Diseases of the digestive system', facility: { code: '38002', level: 'PROVINCIAL' } },
          { date: '2024-05-02', diagnosisCode: 'J18.9', diagnosisChapter: 'Diseases of the respiratory system', facility: { code: '38001', level: 'PROVINCIAL' } },
        ],
      },
      { vaccinations: [], encounters: [] },
    ]);
  });

  it('merges vaccinations and encounters into one timeline of the HealthEvent interface, most recent first', async () => {
    const response = await postGraphQL(server.url, `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { healthEvents { __typename date facility { code } ... on Encounter { diagnosisCode } ... on Vaccination { vaccine } } } } }`,
      { representations: citizenReferences([0, WITHOUT_RECORDS]) });
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
    const response = await postGraphQL(server.url, 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on HealthFacility { code name } } }', {
      representations: [{ __typename: 'HealthFacility', code: '38101' }, { __typename: 'HealthFacility', code: '38999' }],
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([{ code: '38101', name: 'Trạm Y tế phường Hạc Thành' }, null]);
  });

  it('resolves many citizens with cards, vaccinations and encounters in a constant number of statements', async () => {
    const counter = countStatements(databases.databases.health);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen {
      healthInsurance { primaryCareFacility { name } } vaccinations { facility { name } } encounters { diagnosisCode facility { name } } } } }`;
    const countFor = async (size: number) => {
      counter.reset();
      const indexes = Array.from({ length: size }, (_, index) => index);
      const response = await postGraphQL(server.url, query, { representations: citizenReferences(indexes) });
      expect(response.errors).toBeUndefined();
      const entities = response.data?._entities as Array<{ healthInsurance: unknown; vaccinations: unknown[]; encounters: unknown[] }>;
      expect(entities).toHaveLength(size);
      expect(entities.every((entity) => entity.healthInsurance && entity.vaccinations.length === 2 && entity.encounters.length === 2)).toBe(true);
      return counter.count;
    };
    const small = await countFor(3);
    const large = await countFor(40);
    // Cards, vaccinations and encounters: one statement each; then at most one per wave of facility look-ups.
    expect(small).toBeGreaterThanOrEqual(4);
    expect(small).toBeLessThanOrEqual(6);
    expect(large).toBe(small);
  });
});
