import { encodeCursor } from '../../common/pagination';
import type { RunningServer } from '../../common/subgraphServer';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { communeSchoolFixture, insertEducation } from '../helpers/educationFixtures';
import { citizenFixture, copyTables } from '../helpers/fixtures';
import { errorCodes } from '../helpers/graphql';
import type { SubgraphPost } from '../helpers/subgraphClient';
import { TEST_SIGNING_KEY, collectPages, subgraphClient } from '../helpers/subgraphClient';

const PUPILS = 40;
const COMMUNE_SCHOOLS = 25;
/** The scope of the scoped caller: ward Hạc Thành, where the named schools stand; the commune schools are in 40779. */
const SCOPE = ['40778'];
/** A pupil who moved from a school of 40778 to one of 40779, with a diploma from each ward. */
const MOVED = 950;
const MOVED_DIPLOMAS = { inScope: 'THCS0000950', outOfScope: 'CC00000950' };

const CITIZEN_ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { nationalId enrollments { schoolYear grade school { name } } diplomas { type school { name } } } } }`;

/** Given a count, returns that many citizen representations, as the gateway sends them. */
const citizenRepresentations = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ __typename: 'Citizen', nationalId: citizenFixture(index).national_id }));

describe('education subgraph', () => {
  let databases: TestDatabases;
  let server: RunningServer;
  const post = subgraphClient(() => server, 'education');

  beforeAll(async () => {
    databases = await createTestDatabases();
    const db = databases.databases.education;
    await insertEducation(db, { communeSchools: COMMUNE_SCHOOLS, pupils: PUPILS });
    const nationalId = citizenFixture(MOVED).national_id;
    const schoolOutOfScope = communeSchoolFixture(1).code;
    await db('enrollments').insert([
      { national_id: nationalId, school_code: '38TH40778A', school_year: '2023-2024', grade: 3 },
      { national_id: nationalId, school_code: schoolOutOfScope, school_year: '2024-2025', grade: 4 },
      { national_id: nationalId, school_code: schoolOutOfScope, school_year: '2025-2026', grade: 5 },
    ]);
    await db('diplomas').insert([
      { serial: MOVED_DIPLOMAS.inScope, national_id: nationalId, type: 'LOWER_SECONDARY_DIPLOMA', issue_date: '2015-06-20', school_code: '38THCS40778' },
      { serial: MOVED_DIPLOMAS.outOfScope, national_id: nationalId, type: 'VOCATIONAL_CERTIFICATE', issue_date: '2019-08-01', school_code: schoolOutOfScope },
    ]);
    server = await startSubgraph('education', { db, signingKey: TEST_SIGNING_KEY });
  });

  afterAll(async () => {
    await server?.stop();
    await databases?.destroy();
  });

  it('reads enrolments and their schools in one statement, each school as its own query reads it', async () => {
    const counter = countStatements(databases.databases.education);
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Citizen { enrollments { schoolYear school { code name level commune { code } } } } } }`;
    const response = await post(query, { representations: [{ __typename: 'Citizen', nationalId: citizenFixture(MOVED).national_id }] });
    expect(response.errors).toBeUndefined();
    const enrollments = (response.data?._entities as Array<{ enrollments: Array<{ school: { code: string } }> }>)[0]!.enrollments;
    expect(enrollments.map((enrollment) => enrollment.school.code)).toEqual([communeSchoolFixture(1).code, communeSchoolFixture(1).code, '38TH40778A']);
    // The enrolments with their schools: no statement reads the schools on their own.
    expect(counter.count).toBe(1);
    for (const { school } of enrollments) {
      const direct = await post('query ($code: String!) { school(code: $code) { code name level commune { code } } }', { code: school.code });
      expect(school).toEqual(direct.data?.school);
    }
  });

  /** Given a level filter, reads every page of ward 40779's schools and returns their codes in the order served. */
  const readAllPages = async (level: string | null): Promise<string[]> => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const response: any = await post(
        `query ($level: String, $after: String) {
        schoolsByCommune(communeCode: "40779", level: $level, first: 7, after: $after) {
          edges { cursor node { code } } nodes { code } pageInfo { hasNextPage endCursor } } }`,
        { level, after },
      );
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
    const response = await post('query { school(code: "38TH40778A") { code name level commune { code } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.school).toEqual({ code: '38TH40778A', name: 'Trường Tiểu học Điện Biên', level: 'PRIMARY', commune: { code: '40778' } });
  });

  it('returns a diploma with its school and its holder as a citizen of this subgraph', async () => {
    const holder = citizenFixture(3).national_id;
    const response = await post(`query { diploma(serial: "THPT0000003") {
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
    const response = await post(query);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ [field]: null });
  });

  it('resolves citizen references: enrolments latest year first, diplomas by issue date, empty lists for a stranger', async () => {
    const stranger = citizenFixture(PUPILS + 5).national_id;
    const response = await post(CITIZEN_ENTITIES, {
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
    const response = await post(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on School { code name } } }`,
      {
        representations: [
          { __typename: 'School', code: '38THPT40778' },
          { __typename: 'School', code: '38ZZ99999' },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([{ code: '38THPT40778', name: 'Trường THPT chuyên Lam Sơn' }, null]);
  });

  it('filters the schools of a commune by level', async () => {
    const response = await post('query { schoolsByCommune(communeCode: "40778", level: "PRIMARY") { nodes { code level } pageInfo { hasNextPage } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.schoolsByCommune).toEqual({
      nodes: [
        { code: '38TH40778A', level: 'PRIMARY' },
        { code: '38TH40778B', level: 'PRIMARY' },
      ],
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
    [
      'a malformed school code (lower case)',
      '{ school(code: "38th40778a") { name } }',
      /Malformed school code "38th40778a": expected "38" followed by 3 to 10 upper-case letters or digits/,
    ],
    ['a malformed school code (other province)', '{ school(code: "40TH40778A") { name } }', /Malformed school code/],
    ['a malformed school code (too short)', '{ school(code: "38AB") { name } }', /Malformed school code/],
    [
      'a malformed diploma serial (too few digits)',
      '{ diploma(serial: "THPT12345") { type } }',
      /Malformed diploma serial "THPT12345": expected 2 to 4 upper-case letters followed by 6 to 10 digits/,
    ],
    ['a malformed diploma serial (one letter)', '{ diploma(serial: "T0012345") { type } }', /Malformed diploma serial/],
    ['a malformed diploma serial (lower case)', '{ diploma(serial: "thpt0012345") { type } }', /Malformed diploma serial/],
    [
      'an unknown level',
      '{ schoolsByCommune(communeCode: "40778", level: "UNIVERSITY") { nodes { code } } }',
      /Unknown level "UNIVERSITY": expected one of PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY/,
    ],
    ['a page size over the maximum', '{ schoolsByCommune(communeCode: "40778", first: 101) { nodes { code } } }', /between 1 and 100/],
    ['a malformed cursor', '{ schoolsByCommune(communeCode: "40778", after: "not-a-cursor") { nodes { code } } }', /Malformed cursor/],
    [
      'a cursor of another list',
      `{ schoolsByCommune(communeCode: "40778", after: "${encodeCursor('citizensByCommune', ['038080100000'])}") { nodes { code } } }`,
      /Malformed cursor/,
    ],
    ['a malformed commune code', '{ schoolsByCommune(communeCode: "4077") { nodes { code } } }', /Malformed commune code/],
  ])('rejects %s with BAD_USER_INPUT', async (_case, query, message) => {
    const response = await post(query);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  describe('statement count', () => {
    /**
     * Given a query and how to make its variables for a size, returns the statements each size costs, once a first
     * answer filled the reference cache with the schools it names.
     */
    const statementsFor = async (
      query: string,
      variablesFor: (size: number) => Record<string, unknown>,
      sizes: number[],
      check: (data: any, size: number) => void,
    ) => {
      const counter = countStatements(databases.databases.education);
      const counts: number[] = [];
      await post(query, variablesFor(sizes[sizes.length - 1]!));
      for (const size of sizes) {
        counter.reset();
        const response = await post(query, variablesFor(size));
        expect(response.errors).toBeUndefined();
        check(response.data, size);
        counts.push(counter.count);
      }
      return counts;
    };

    it('stays constant for the enrolments and diplomas of many citizen references', async () => {
      const [small, large] = await statementsFor(
        CITIZEN_ENTITIES,
        (size) => ({ representations: citizenRepresentations(size) }),
        [3, PUPILS],
        (data, size) => {
          expect(data._entities).toHaveLength(size);
          for (const citizen of data._entities) {
            expect(citizen.enrollments).toHaveLength(3);
            expect(citizen.diplomas).toHaveLength(2);
          }
        },
      );
      // The enrolments with their schools, and the diplomas, whose schools are held.
      expect(small).toBe(2);
      expect(large).toBe(small);
    });

    it('stays constant for a page of schools of a commune', async () => {
      const query = `query ($first: Int) { schoolsByCommune(communeCode: "40779", first: $first) {
        edges { cursor node { code name level commune { code } } } pageInfo { hasNextPage } } }`;
      const [small, large] = await statementsFor(
        query,
        (first) => ({ first }),
        [3, COMMUNE_SCHOOLS],
        (data, size) => {
          expect(data.schoolsByCommune.edges).toHaveLength(size);
        },
      );
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
    });
  });
  describe('row scope', () => {
    let reference: TestDatabases;
    let referenceServer: RunningServer;
    const scoped: SubgraphPost = (query, variables) => post(query, variables, { scope: SCOPE });
    const unscoped = subgraphClient(() => referenceServer, 'education');

    // The reference database keeps every school (open data) but only the enrolments and diplomas of schools in the scope.
    beforeAll(async () => {
      reference = await createTestDatabases();
      const db = reference.databases.education;
      await copyTables(databases.databases.education, db, ['schools', 'enrollments', 'diplomas']);
      const schoolsOutOfScope = () => db('schools').select('code').whereNotIn('commune_code', SCOPE);
      await db('enrollments').whereIn('school_code', schoolsOutOfScope()).delete();
      await db('diplomas').whereIn('school_code', schoolsOutOfScope()).delete();
      referenceServer = await startSubgraph('education', { db, signingKey: TEST_SIGNING_KEY });
    });

    afterAll(async () => {
      await referenceServer?.stop();
      await reference?.destroy();
    });

    const DIPLOMA = `query ($serial: String!) { diploma(serial: $serial) { serial type school { code }
      holder { nationalId enrollments { schoolYear school { code } } diplomas { serial } } } }`;
    const SCHOOLS_BY_COMMUNE = `query ($communeCode: String!, $after: String) { schoolsByCommune(communeCode: $communeCode, first: 10, after: $after) {
      edges { cursor node { code name } } pageInfo { hasNextPage endCursor } } }`;

    it.each([
      ['a diploma of a school in scope', true, DIPLOMA, { serial: MOVED_DIPLOMAS.inScope }],
      ['a diploma of a school out of scope', false, DIPLOMA, { serial: MOVED_DIPLOMAS.outOfScope }],
      [
        'citizens who studied on either side of the scope, and open schools',
        true,
        CITIZEN_ENTITIES.replace('school { name }', 'school { code name }'),
        {
          representations: [
            ...citizenRepresentations(3),
            { __typename: 'Citizen', nationalId: citizenFixture(MOVED).national_id },
            { __typename: 'Citizen', nationalId: citizenFixture(PUPILS + 5).national_id },
          ],
        },
      ],
      [
        'a school out of scope: open reference data',
        true,
        'query ($code: String!) { school(code: $code) { code name commune { code } } }',
        { code: communeSchoolFixture(1).code },
      ],
    ])('answers %s exactly as if the rows out of scope did not exist', async (_case, found, query, variables) => {
      const [expected, actual] = await Promise.all([unscoped(query, variables), scoped(query, variables)]);
      expect(actual).toEqual(expected);
      expect(actual.errors).toBeUndefined();
      expect(Object.values(actual.data!)[0] !== null).toBe(found);
    });

    it('pages through the schools of a commune out of scope: open reference data is never scoped', async () => {
      const expected = await collectPages(unscoped, SCHOOLS_BY_COMMUNE, { communeCode: '40779' }, 'schoolsByCommune');
      const actual = await collectPages(scoped, SCHOOLS_BY_COMMUNE, { communeCode: '40779' }, 'schoolsByCommune');
      expect(actual).toEqual(expected);
      expect(actual).toHaveLength(3);
    });

    it('lists only the enrolments and diplomas of schools in scope', async () => {
      const response = await scoped(CITIZEN_ENTITIES, { representations: [{ __typename: 'Citizen', nationalId: citizenFixture(MOVED).national_id }] });
      expect(response.data?._entities).toEqual([
        {
          nationalId: citizenFixture(MOVED).national_id,
          enrollments: [{ schoolYear: '2023-2024', grade: 3, school: { name: 'Trường Tiểu học Điện Biên' } }],
          diplomas: [{ type: 'LOWER_SECONDARY_DIPLOMA', school: { name: 'Trường THCS Trần Mai Ninh' } }],
        },
      ]);
    });

    it('answers for a diploma out of scope exactly as for an unknown one', async () => {
      const [hidden, missing] = await Promise.all([scoped(DIPLOMA, { serial: MOVED_DIPLOMAS.outOfScope }), scoped(DIPLOMA, { serial: 'ZZ000000' })]);
      expect(hidden).toEqual(missing);
      expect(hidden.data).toEqual({ diploma: null });
    });

    it('stays constant in statements for the enrolments and diplomas of many citizen references', async () => {
      const counter = countStatements(databases.databases.education);
      const countFor = async (size: number) => {
        counter.reset();
        const response = await scoped(CITIZEN_ENTITIES, { representations: citizenRepresentations(size) });
        expect(response.errors).toBeUndefined();
        expect(response.data?._entities).toHaveLength(size);
        return counter.count;
      };
      // The schools of the diplomas come from the reference cache from the first answer on.
      await countFor(PUPILS);
      const small = await countFor(3);
      const large = await countFor(PUPILS);
      expect(small).toBeGreaterThan(0);
      expect(large).toBe(small);
    });
  });

  describe('masks', () => {
    it('masks the listed fields, never the school key', async () => {
      const response = await post(
        '{ diploma(serial: "THPT0000003") { serial type school { code name } } }',
        {},
        {
          masks: { 'Diploma.serial': 'PARTIAL_ID', 'School.name': 'INITIALS', 'School.code': 'REDACTED' },
        },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.diploma).toEqual({
        serial: 'THP******03',
        type: 'UPPER_SECONDARY_DIPLOMA',
        school: { code: '38THPT40778', name: 'Trường T. c. L. S.' },
      });
    });

    it('fails closed on a number, which cannot carry a masked value', async () => {
      const response = await post(CITIZEN_ENTITIES, { representations: citizenRepresentations(1) }, { masks: { 'Enrollment.grade': 'REDACTED' } });
      expect(new Set(errorCodes(response))).toEqual(new Set(['MASK_NOT_APPLICABLE']));
      expect(response.data?._entities[0].enrollments).toBeNull();
    });
  });
});
