import { encodeCursor } from '../../common/pagination';
import type { RunningServer } from '../../common/subgraphServer';
import { startEducationSubgraph } from '../../subgraphs/education';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { communeSchoolFixture, insertEducation } from '../helpers/educationFixtures';
import { citizenFixture } from '../helpers/fixtures';
import { errorCodes, postGraphQL } from '../helpers/graphql';

const PUPILS = 40;
const COMMUNE_SCHOOLS = 25;

const CITIZEN_ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { nationalId enrollments { schoolYear grade school { name } } diplomas { type school { name } } } } }`;

/** Given a count, returns that many citizen representations, as the gateway sends them. */
const citizenRepresentations = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));

describe('education subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;

  beforeAll(async () => {
    databases = await createTestDatabases();
    await insertEducation(databases.databases.education, { communeSchools: COMMUNE_SCHOOLS, pupils: PUPILS });
    server = await startEducationSubgraph({ db: databases.databases.education });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  /** Given a level filter, reads every page of ward 40779's schools and returns their codes in the order served. */
  const readAllPages = async (level: string | null): Promise<string[]> => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response: any = await postGraphQL(server.url, `query ($level: String, $after: String) {
        schoolsByCommune(communeCode: "40779", level: $level, first: 7, after: $after) {
          edges { cursor node { code } } nodes { code } pageInfo { hasNextPage endCursor } } }`, { level, after });
      expect(response.errors).toBeUndefined();
      const connection = response.data.schoolsByCommune;
      expect(connection.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual(connection.nodes.map((node: { code: string }) => node.code));
      seen.push(...connection.nodes.map((node: { code: string }) => node.code));
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
      after = connection.pageInfo.endCursor;
    }
    return seen;
  };

  it('returns a school by code with its commune reference', async () => {
    const response = await postGraphQL(server.url, 'query { school(code: "38TH40778A") { code name level commune { code } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.school).toEqual({ code: '38TH40778A', name: 'Trường Tiểu học Điện Biên', level: 'PRIMARY', commune: { code: '40778' } });
  });

  it('returns a diploma with its school and its holder as a citizen of this subgraph', async () => {
    const holder = citizenFixture(3).national_id;
    const response = await postGraphQL(server.url, `query { diploma(serial: "THPT0000003") {
      serial type issueDate school { code level } holder { nationalId enrollments { schoolYear } diplomas { serial } } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data?.diploma).toEqual({
      serial: 'THPT0000003',
      type: 'UPPER_SECONDARY_DIPLOMA',
      issueDate: '2018-07-10',
      school: { code: '38THPT40778', level: 'UPPER_SECONDARY' },
      holder: {
        nationalId: holder,
        enrollments: [{ schoolYear: '2025-2026' }, { schoolYear: '2024-2025' }, { schoolYear: '2023-2024' }],
        diplomas: [{ serial: 'THCS0000003' }, { serial: 'THPT0000003' }],
      },
    });
  });

  it.each([
    ['school', 'query { school(code: "38ZZ99999") { name } }'],
    ['diploma', 'query { diploma(serial: "ZZ000000") { type } }'],
  ])('returns null for an unknown but well-formed %s', async (field, query) => {
    const response = await postGraphQL(server.url, query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ [field]: null });
  });

  it('resolves citizen references: enrolments latest year first, diplomas by issue date, empty lists for a stranger', async () => {
    const stranger = citizenFixture(PUPILS + 5).national_id;
    const response = await postGraphQL(server.url, CITIZEN_ENTITIES, {
      representations: [...citizenRepresentations(2), { __typename: 'Citizen', nationalId: stranger }],
    });
    expect(response.errors).toBeUndefined();
    const diplomas = [
      { type: 'LOWER_SECONDARY_DIPLOMA', school: { name: 'Trường THCS Trần Mai Ninh' } },
      { type: 'UPPER_SECONDARY_DIPLOMA', school: { name: 'Trường THPT chuyên Lam Sơn' } },
    ];
    const enrollmentsAt = (name: string) => [
      { schoolYear: '2025-2026', grade: 5, school: { name } },
      { schoolYear: '2024-2025', grade: 4, school: { name } },
      { schoolYear: '2023-2024', grade: 3, school: { name } },
    ];
    expect(response.data?._entities).toEqual([
      { nationalId: citizenFixture(0).national_id, enrollments: enrollmentsAt('Trường Tiểu học Điện Biên'), diplomas },
      { nationalId: citizenFixture(1).national_id, enrollments: enrollmentsAt('Trường Tiểu học Ba Đình'), diplomas },
      { nationalId: stranger, enrollments: [], diplomas: [] },
    ]);
  });

  it('resolves school references, null for an unknown code', async () => {
    const response = await postGraphQL(server.url, `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on School { code name } } }`, {
      representations: [{ __typename: 'School', code: '38THPT40778' }, { __typename: 'School', code: '38ZZ99999' }],
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([{ code: '38THPT40778', name: 'Trường THPT chuyên Lam Sơn' }, null]);
  });

  it('filters the schools of a commune by level', async () => {
    const response = await postGraphQL(server.url, 'query { schoolsByCommune(communeCode: "40778", level: "PRIMARY") { nodes { code level } pageInfo { hasNextPage } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.schoolsByCommune).toEqual({
      nodes: [{ code: '38TH40778A', level: 'PRIMARY' }, { code: '38TH40778B', level: 'PRIMARY' }],
      pageInfo: { hasNextPage: false },
    });
  });

  it.each([
    ['every level', null],
    ['one level', 'PRESCHOOL'],
  ])('pages through the schools of a commune (%s) in code order without gaps or repeats', async (_case, level) => {
    const expected = Array.from({ length: COMMUNE_SCHOOLS }, (_, index) => communeSchoolFixture(index))
      .filter((school) => level === null || school.level === level)
      .map((school) => school.code)
      .sort();
    expect(expected.length).toBeGreaterThan(7);
    expect(await readAllPages(level)).toEqual(expected);
  });

  it.each([
    ['a malformed school code (lower case)', '{ school(code: "38th40778a") { name } }', /Malformed school code "38th40778a": expected "38" followed by 3 to 10 upper-case letters or digits/],
    ['a malformed school code (other province)', '{ school(code: "40TH40778A") { name } }', /Malformed school code/],
    ['a malformed school code (too short)', '{ school(code: "38AB") { name } }', /Malformed school code/],
    ['a malformed diploma serial (too few digits)', '{ diploma(serial: "THPT12345") { type } }', /Malformed diploma serial "THPT12345": expected 2 to 4 upper-case letters followed by 6 to 10 digits/],
    ['a malformed diploma serial (one letter)', '{ diploma(serial: "T0012345") { type } }', /Malformed diploma serial/],
    ['a malformed diploma serial (lower case)', '{ diploma(serial: "thpt0012345") { type } }', /Malformed diploma serial/],
    ['an unknown level', '{ schoolsByCommune(communeCode: "40778", level: "UNIVERSITY") { nodes { code } } }', /Unknown level "UNIVERSITY": expected one of PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY/],
    ['a page size over the maximum', '{ schoolsByCommune(communeCode: "40778", first: 101) { nodes { code } } }', /between 1 and 100/],
    ['a malformed cursor', '{ schoolsByCommune(communeCode: "40778", after: "not-a-cursor") { nodes { code } } }', /Malformed cursor/],
    ['a cursor of another list', `{ schoolsByCommune(communeCode: "40778", after: "${encodeCursor('citizensByCommune', ['038080100000'])}") { nodes { code } } }`, /Malformed cursor/],
    ['a malformed commune code', '{ schoolsByCommune(communeCode: "4077") { nodes { code } } }', /Malformed commune code/],
  ])('rejects %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await postGraphQL(server.url, query);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  describe('statement count', () => {
    /** Given a query and how to make its variables for a size, returns the statements each size costs. */
    const statementsFor = async (query: string, variablesFor: (size: number) => Record<string, unknown>, sizes: number[], check: (data: any, size: number) => void) => {
      const counter = countStatements(databases.databases.education);
      const counts: number[] = [];
      for (const size of sizes) {
        counter.reset();
        const response = await postGraphQL(server.url, query, variablesFor(size));
        expect(response.errors).toBeUndefined();
        check(response.data, size);
        counts.push(counter.count);
      }
      return counts;
    };

    it('stays constant for the enrolments and diplomas of many citizen references', async () => {
      const [small, large] = await statementsFor(CITIZEN_ENTITIES, (size) => ({ representations: citizenRepresentations(size) }), [3, PUPILS], (data, size) => {
        expect(data._entities).toHaveLength(size);
        for (const citizen of data._entities) {
          expect(citizen.enrollments).toHaveLength(3);
          expect(citizen.diplomas).toHaveLength(2);
        }
      });
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
    });

    it('stays constant for a page of schools of a commune', async () => {
      const query = `query ($first: Int) { schoolsByCommune(communeCode: "40779", first: $first) {
        edges { cursor node { code name level commune { code } } } pageInfo { hasNextPage } } }`;
      const [small, large] = await statementsFor(query, (first) => ({ first }), [3, COMMUNE_SCHOOLS], (data, size) => {
        expect(data.schoolsByCommune.edges).toHaveLength(size);
      });
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
    });
  });
});
