import type { AccessContext } from '../../common/accessContext';
import type { BuiltInSector } from '../../common/sectors';
import type { RunningServer } from '../../common/subgraphServer';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { communeSchoolFixture, insertEducation } from '../helpers/educationFixtures';
import { citizenFixture, insertPopulation } from '../helpers/fixtures';
import { insertHealth } from '../helpers/healthFixtures';
import { subgraphClient, TEST_SIGNING_KEY } from '../helpers/subgraphClient';

/** How long the servers under test keep a row of reference data, on the clock the test moves. */
const TTL_MS = 60_000;
/** The scoped caller's commune: even fixture citizens live there, odd ones (citizen 1) in 40779. */
const SCOPE = ['40778'];
const SCOPED: Partial<AccessContext> = { scope: SCOPE };
const IN_SCOPE = citizenFixture(0).national_id;
const OUT_OF_SCOPE = citizenFixture(1).national_id;

/** What Q3 asks population for (bench/shapes.ts). */
const CITIZEN_360 = `query ($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth sex
  currentResidence { addressLine unit { name } } householdMembership { relationshipToHead household { code address } } } }`;
const UNIT = 'query ($code: String!) { administrativeUnit(code: $code) { code name } }';
const HOUSEHOLD = 'query ($code: String!) { household(code: $code) { code address unit { name } } }';
const ENROLLMENTS = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { enrollments { grade school { code name } } diplomas { serial school { name } } } } }`;
const HEALTH = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { healthInsurance { benefitLevel primaryCareFacility { name } } vaccinations { dose facility { code name } } } } }`;

const citizenOf = (nationalId: string) => ({ representations: [{ __typename: 'Citizen', nationalId }] });

describe('open reference data served from memory across requests', () => {
  let databases: TestDatabases;
  let now = Date.now();
  const servers = {} as Record<Exclude<BuiltInSector, 'land'>, RunningServer>;
  const population = subgraphClient(() => servers.population, 'population');
  const education = subgraphClient(() => servers.education, 'education');
  const health = subgraphClient(() => servers.health, 'health');
  let statements: Record<Exclude<BuiltInSector, 'land'>, ReturnType<typeof countStatements>>;

  beforeAll(async () => {
    databases = await createTestDatabases();
    const { population: people, education: schools, health: care } = databases.databases;
    await insertPopulation(people, 4);
    await people('households').insert([
      { code: 'HK-0100', unit_code: '40778', address: 'Số 0 đường Lê Lợi', head_national_id: IN_SCOPE },
      { code: 'HK-0101', unit_code: '40779', address: 'Số 1 đường Lê Lợi', head_national_id: OUT_OF_SCOPE },
    ]);
    await people('household_members').insert([
      { household_code: 'HK-0100', national_id: IN_SCOPE, relationship: 'HEAD' },
      { household_code: 'HK-0101', national_id: OUT_OF_SCOPE, relationship: 'HEAD' },
    ]);
    await insertEducation(schools, { communeSchools: 1, pupils: 2 });
    // Citizen 1 also studied at a school of 40779, outside the scope.
    await schools('enrollments').insert({ national_id: OUT_OF_SCOPE, school_code: communeSchoolFixture(0).code, school_year: '2020-2021', grade: 1 });
    await insertHealth(care, 2);
    const options = { signingKey: TEST_SIGNING_KEY, referenceCache: { ttlMs: TTL_MS, maxRows: 100 }, referenceClock: () => now };
    servers.population = await startSubgraph('population', { db: people, ...options });
    servers.education = await startSubgraph('education', { db: schools, ...options });
    servers.health = await startSubgraph('health', { db: care, ...options });
    statements = { population: countStatements(people), education: countStatements(schools), health: countStatements(care) };
  });

  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await databases?.destroy();
  });

  /** Moves the servers' clock past the time a row is kept: every cached row is read again when next asked for. */
  const expireEverything = () => {
    now += TTL_MS;
  };

  it('reads a unit once, serves it to the next callers, and reads it again after its time', async () => {
    const units = databases.databases.population('administrative_units');
    expireEverything();
    statements.population.reset();
    expect((await population(UNIT, { code: '40778' })).data).toEqual({ administrativeUnit: { code: '40778', name: 'Hạc Thành' } });
    expect(statements.population.count).toBe(1);
    await units.clone().where('code', '40778').update({ name: 'Hạc Thành (đổi tên)' });
    try {
      now += TTL_MS - 1;
      statements.population.reset();
      expect((await population(UNIT, { code: '40778' }, SCOPED)).data).toEqual({ administrativeUnit: { code: '40778', name: 'Hạc Thành' } });
      expect(statements.population.count).toBe(0);
      now += 1;
      expect((await population(UNIT, { code: '40778' })).data).toEqual({ administrativeUnit: { code: '40778', name: 'Hạc Thành (đổi tên)' } });
      expect(statements.population.count).toBe(1);
    } finally {
      await units.clone().where('code', '40778').update({ name: 'Hạc Thành' });
      expireEverything();
    }
  });

  it("costs Q3's population call one statement once its unit is held: the citizen with its membership and household", async () => {
    expireEverything();
    statements.population.reset();
    const cold = await population(CITIZEN_360, { id: IN_SCOPE });
    expect(statements.population.count).toBe(2);
    statements.population.reset();
    const warm = await population(CITIZEN_360, { id: IN_SCOPE });
    expect(statements.population.count).toBe(1);
    expect(warm).toEqual(cold);
    expect(warm.data?.citizen).toMatchObject({ currentResidence: { unit: { name: 'Hạc Thành' } }, householdMembership: { household: { code: 'HK-0100' } } });
  });

  it("serves a facility of a vaccination from memory, but reads the citizen's own rows every time", async () => {
    expireEverything();
    statements.health.reset();
    const cold = await health(HEALTH, citizenOf(IN_SCOPE));
    // The cards with their primary-care facilities, the vaccinations, then their facilities.
    expect(statements.health.count).toBe(3);
    statements.health.reset();
    expect(await health(HEALTH, citizenOf(IN_SCOPE))).toEqual(cold);
    expect(statements.health.count).toBe(2);
  });

  describe('never serves from memory what is personal or row-scoped', () => {
    it('shows a change to a citizen, a household, an enrolment or a card at once, within the reference rows’ time', async () => {
      const { population: people, education: schools, health: care } = databases.databases;
      await population(CITIZEN_360, { id: IN_SCOPE });
      await education(ENROLLMENTS, citizenOf(IN_SCOPE));
      await health(HEALTH, citizenOf(IN_SCOPE));
      await people('citizens').where('national_id', IN_SCOPE).update({ full_name: 'Nguyễn Văn Đổi' });
      await people('households').where('code', 'HK-0100').update({ address: 'Số 9 đường Lê Lợi' });
      await schools('enrollments').where('national_id', IN_SCOPE).update({ grade: 9 });
      await care('insurance_cards').where('national_id', IN_SCOPE).update({ benefit_level: 5 });
      try {
        const citizen = (await population(CITIZEN_360, { id: IN_SCOPE })).data?.citizen;
        expect(citizen).toMatchObject({ fullName: 'Nguyễn Văn Đổi', householdMembership: { household: { address: 'Số 9 đường Lê Lợi' } } });
        const pupil = (await education(ENROLLMENTS, citizenOf(IN_SCOPE))).data?._entities[0];
        expect(pupil.enrollments.map((enrollment: { grade: number }) => enrollment.grade)).toEqual([9, 9, 9]);
        expect((await health(HEALTH, citizenOf(IN_SCOPE))).data?._entities[0].healthInsurance.benefitLevel).toBe(5);
      } finally {
        await people('citizens')
          .where('national_id', IN_SCOPE)
          .update({ full_name: citizenFixture(0).full_name });
        await people('households').where('code', 'HK-0100').update({ address: 'Số 0 đường Lê Lợi' });
        await schools('enrollments').where('national_id', IN_SCOPE).update({ grade: 3 });
        await care('insurance_cards').where('national_id', IN_SCOPE).update({ benefit_level: 1 });
      }
    });

    it('gives a scoped caller nothing outside its scope, after an unrestricted caller read it all and its reference rows', async () => {
      // The unrestricted caller reads the citizen out of scope, its household and unit, its enrolments and their
      // schools, its card and its facilities: every reference row they name is now held.
      const citizen = await population(CITIZEN_360, { id: OUT_OF_SCOPE });
      expect(citizen.data?.citizen).toMatchObject({ nationalId: OUT_OF_SCOPE, currentResidence: { unit: { name: 'Quảng Phú' } } });
      expect((await population(HOUSEHOLD, { code: 'HK-0101' })).data?.household).toMatchObject({ code: 'HK-0101', unit: { name: 'Quảng Phú' } });
      const pupil = (await education(ENROLLMENTS, citizenOf(OUT_OF_SCOPE))).data?._entities[0];
      expect(pupil.enrollments.map((enrollment: { school: { code: string } }) => enrollment.school.code)).toContain(communeSchoolFixture(0).code);
      const patient = (await health(HEALTH, citizenOf(OUT_OF_SCOPE))).data?._entities[0];
      expect(patient.healthInsurance).not.toBeNull();
      expect(patient.vaccinations).toHaveLength(2);

      // The scoped caller asks for the same rows: what is scoped answers as if it did not exist.
      expect((await population(CITIZEN_360, { id: OUT_OF_SCOPE }, SCOPED)).data).toEqual({ citizen: null });
      expect((await population(HOUSEHOLD, { code: 'HK-0101' }, SCOPED)).data).toEqual({ household: null });
      const scopedPupil = (await education(ENROLLMENTS, citizenOf(OUT_OF_SCOPE), SCOPED)).data?._entities[0];
      expect(scopedPupil.enrollments.map((enrollment: { school: { code: string } }) => enrollment.school.code)).not.toContain(communeSchoolFixture(0).code);
      expect((await health(HEALTH, citizenOf(OUT_OF_SCOPE), SCOPED)).data?._entities).toEqual([{ healthInsurance: null, vaccinations: [] }]);
      // A citizen reading their own data gets nothing of another's, whatever the cache holds.
      const ownOnly = { principal: { kind: 'CITIZEN', nationalId: IN_SCOPE }, subject: IN_SCOPE } as Partial<AccessContext>;
      expect((await population(CITIZEN_360, { id: OUT_OF_SCOPE }, ownOnly)).data).toEqual({ citizen: null });
      expect((await health(HEALTH, citizenOf(OUT_OF_SCOPE), ownOnly)).data?._entities).toEqual([{ healthInsurance: null, vaccinations: [] }]);
    });

    it('still masks a reference row served from memory for a caller whose grant masks it', async () => {
      await population(UNIT, { code: '40779' });
      const masked = await population(UNIT, { code: '40779' }, { masks: { 'AdministrativeUnit.name': 'REDACTED' } });
      expect(masked.errors).toBeUndefined();
      expect(masked.data?.administrativeUnit.name).not.toBe('Quảng Phú');
      expect((await population(UNIT, { code: '40779' })).data?.administrativeUnit.name).toBe('Quảng Phú');
    });
  });
});
