import { createHash } from 'node:crypto';
import { parseNationalId } from '../../common/nationalId';
import { foldForSearch } from '../../common/text';
import { DIPLOMA_TYPES, HOUSEHOLD_RELATIONSHIPS, LAND_USE_PURPOSE_CODES } from '../../common/vocabulary';
import type { CitizenRow } from '../../db/rows';
import type { GeneratorOptions, SeedRowsByTable, SeedTable } from '../../db/seed/generator';
import { REFERENCE_DATE, SEED_TABLES, generateSeedRows } from '../../db/seed/generator';
import { COMMUNES, FORMER_DISTRICTS } from '../../db/seed/units';

type Tables = { [T in SeedTable]: SeedRowsByTable[T][] };

/** Given generator options, returns every row it yields, gathered by table. */
function collect(options: GeneratorOptions): Tables {
  const tables = Object.fromEntries(
    Object.values(SEED_TABLES)
      .flat()
      .map((table) => [table, []]),
  ) as unknown as Tables;
  for (const batch of generateSeedRows(options)) (tables[batch.table] as object[]).push(...batch.rows);
  return tables;
}

/** Given generator options, returns a SHA-256 of every batch in order. */
function digest(options: GeneratorOptions): string {
  const hash = createHash('sha256');
  for (const batch of generateSeedRows(options)) hash.update(JSON.stringify(batch));
  return hash.digest('hex');
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function expectUnique(values: readonly string[]): void {
  expect(new Set(values).size).toBe(values.length);
}

const SCHOOL_YEAR = '2025-2026';
/** Hạc Thành, the provincial seat: where most of those who live away from their household live. */
const SEAT = '40778';

describe('seed generator', () => {
  const options = { citizens: 2000, randomSeed: 38 };
  const tables = collect(options);
  const citizens = new Map(tables.citizens.map((citizen) => [citizen.national_id, citizen]));
  const alive = (nationalId: string) => citizens.get(nationalId)?.status === 'ALIVE';
  const birthYear = (citizen: CitizenRow) => Number(citizen.date_of_birth.slice(0, 4));

  describe('determinism', () => {
    it('yields identical rows for the same seed and different rows for another seed', () => {
      const small = { citizens: 400, randomSeed: 38 };
      expect(digest(small)).toBe(digest(small));
      expect(digest({ ...small, randomSeed: 39 })).not.toBe(digest(small));
    });

    it('yields the same rows whatever the batch size', () => {
      const byBatchesOf7 = collect({ citizens: 400, randomSeed: 5, householdsPerBatch: 7 });
      const byBatchesOf500 = collect({ citizens: 400, randomSeed: 5, householdsPerBatch: 500 });
      const byKey = (rows: readonly object[]) => rows.map((row) => JSON.stringify(row)).sort();
      for (const table of Object.keys(byBatchesOf500) as SeedTable[]) expect(byKey(byBatchesOf7[table])).toEqual(byKey(byBatchesOf500[table]));
    });

    it('keeps the first households when more citizens are asked for', () => {
      const fewer = collect({ citizens: 200, randomSeed: 38 }).households.slice(0, 40);
      const more = new Map(tables.households.map((household) => [household.code, household]));
      for (const household of fewer) expect(more.get(household.code)).toEqual(household);
    });

    it('rejects options it cannot honour', () => {
      expect(() => collect({ citizens: 0, randomSeed: 1 })).toThrow(/citizens/);
      expect(() => collect({ citizens: 10, randomSeed: 1, referenceDate: '2025-02-30' })).toThrow(/calendar date/);
    });
  });

  describe('administrative units', () => {
    const units = tables.administrative_units;
    const byCode = new Map(units.map((unit) => [unit.code, unit]));

    it('has the province, its 27 former district-level units and its 166 current communes and wards', () => {
      expect(byCode.get('38')).toMatchObject({ level: 'PROVINCE', parent_code: null, valid_to: null });
      const districts = units.filter((unit) => unit.level === 'DISTRICT');
      expect(districts).toHaveLength(27);
      for (const district of districts) {
        expect(Number(district.code)).toBeGreaterThanOrEqual(380);
        expect(Number(district.code)).toBeLessThanOrEqual(407);
        expect(district.parent_code).toBe('38');
        expect(district.valid_to).not.toBeNull();
      }
      const current = units.filter((unit) => unit.level === 'COMMUNE' && unit.valid_to === null);
      expect(current).toHaveLength(166);
      expect(current.filter((unit) => unit.unit_type === 'phường')).toHaveLength(19);
      for (const unit of current) expect(unit).toMatchObject({ code: expect.stringMatching(/^\d{5}$/), parent_code: '38', valid_from: '2025-07-01' });
      expectUnique(units.map((unit) => unit.code));
      expectUnique(current.map((unit) => unit.name));
    });

    it('records former communes under their district, ended on 2025-06-30 and replaced by a current unit', () => {
      const former = units.filter((unit) => unit.level === 'COMMUNE' && unit.valid_to !== null);
      expect(former.length).toBeGreaterThanOrEqual(5);
      for (const unit of former) {
        expect(unit.valid_to).toBe('2025-06-30');
        expect(byCode.get(unit.parent_code!)?.level).toBe('DISTRICT');
        expect(byCode.get(unit.replaced_by_code!)).toMatchObject({ level: 'COMMUNE', valid_to: null });
      }
      expect(byCode.get('14755')).toMatchObject({ name: 'Điện Biên', replaced_by_code: byCode.get('40778')!.code });
      expect(byCode.get('40778')!.name).toBe('Hạc Thành');
    });

    it('lists units before the units that point at them', () => {
      const position = new Map(units.map((unit, index) => [unit.code, index]));
      for (const [index, unit] of units.entries()) {
        if (unit.parent_code) expect(position.get(unit.parent_code)).toBeLessThan(index);
        if (unit.replaced_by_code) expect(position.get(unit.replaced_by_code)).toBeLessThan(index);
      }
    });
  });

  describe('population', () => {
    it('makes exactly the citizens asked for, with valid, unique national IDs matching sex and birth year', () => {
      expect(tables.citizens).toHaveLength(options.citizens);
      expectUnique(tables.citizens.map((citizen) => citizen.national_id));
      for (const citizen of tables.citizens) {
        const parts = parseNationalId(citizen.national_id);
        if ('error' in parts) throw new Error(`${citizen.national_id}: ${parts.error}`);
        expect(parts.sex).toBe(citizen.sex);
        expect(parts.birthYear).toBe(birthYear(citizen));
        expect(citizen.date_of_birth <= REFERENCE_DATE).toBe(true);
      }
      const provinces = countBy(tables.citizens, (citizen) => citizen.national_id.slice(0, 3));
      expect(provinces.get('038')! / options.citizens).toBeGreaterThan(0.9);
      expect(provinces.size).toBeGreaterThan(1);
    });

    it('stores the folded search name and Vietnamese names with diacritics', () => {
      for (const citizen of tables.citizens) expect(citizen.search_name).toBe(foldForSearch(citizen.full_name));
      const withDiacritics = tables.citizens.filter((citizen) => citizen.full_name !== citizen.full_name.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
      expect(withDiacritics.length / options.citizens).toBeGreaterThan(0.8);
      const surnames = countBy(
        tables.citizens.filter((citizen) => citizen.ethnicity === 'Kinh'),
        (citizen) => citizen.full_name.split(' ')[0]!,
      );
      const kinh = tables.citizens.filter((citizen) => citizen.ethnicity === 'Kinh').length;
      expect(surnames.get('Nguyễn')! / kinh).toBeGreaterThan(0.3);
      expect(surnames.get('Nguyễn')! / kinh).toBeLessThan(0.46);
    });

    it('has mostly Kinh, then Mường and Thái citizens', () => {
      const shares = countBy(tables.citizens, (citizen) => citizen.ethnicity);
      expect(shares.get('Kinh')! / options.citizens).toBeGreaterThan(0.75);
      expect(shares.get('Kinh')! / options.citizens).toBeLessThan(0.9);
      expect(shares.get('Mường')! + shares.get('Thái')!).toBeGreaterThan(options.citizens * 0.08);
    });

    it('groups citizens into households of 1 to 7 that share a commune and an address (but grown children living away), led by one living head', () => {
      const members = new Map<string, typeof tables.household_members>();
      for (const member of tables.household_members) members.set(member.household_code, [...(members.get(member.household_code) ?? []), member]);
      expect(tables.household_members).toHaveLength(options.citizens);
      expectUnique(tables.household_members.map((member) => member.national_id));
      for (const household of tables.households) {
        const group = members.get(household.code)!;
        expect(group.length).toBeGreaterThanOrEqual(1);
        expect(group.length).toBeLessThanOrEqual(7);
        expect(group.filter((member) => member.relationship === 'HEAD').map((member) => member.national_id)).toEqual([household.head_national_id]);
        expect(alive(household.head_national_id)).toBe(true);
        expectUnique(group.map((member) => citizens.get(member.national_id)!.full_name));
        const head = citizens.get(household.head_national_id)!;
        for (const member of group) {
          expect(HOUSEHOLD_RELATIONSHIPS).toContain(member.relationship);
          const citizen = citizens.get(member.national_id)!;
          // Registered with the household wherever they live.
          expect(citizen).toMatchObject({ permanent_unit_code: head.permanent_unit_code, permanent_address: head.permanent_address });
          if (citizen.current_unit_code === household.unit_code) {
            expect(citizen.current_address).toBe(household.address);
          } else {
            expect(['CHILD', 'GRANDCHILD']).toContain(member.relationship);
            expect(2025 - birthYear(citizen)).toBeGreaterThanOrEqual(18);
            expect(2025 - birthYear(citizen)).toBeLessThanOrEqual(31);
          }
        }
        const children = group.filter((member) => member.relationship === 'CHILD').map((member) => citizens.get(member.national_id)!);
        const spouse = group.find((member) => member.relationship === 'SPOUSE');
        const parents = [head, ...(spouse ? [citizens.get(spouse.national_id)!] : [])];
        for (const child of children) for (const parent of parents) expect(child.date_of_birth > parent.date_of_birth).toBe(true);
        // Children carry the father's surname.
        if (head.sex === 'MALE') for (const child of children) expect(child.full_name.split(' ')[0]).toBe(head.full_name.split(' ')[0]);
        for (const grandchild of group.filter((member) => member.relationship === 'GRANDCHILD')) {
          for (const child of children) expect(citizens.get(grandchild.national_id)!.date_of_birth > child.date_of_birth).toBe(true);
        }
      }
    });

    it('marks a small share of citizens deceased, with a date of death between birth and the reference date', () => {
      const deceased = tables.citizens.filter((citizen) => citizen.status === 'DECEASED');
      expect(deceased.length).toBeGreaterThan(0);
      expect(deceased.length / options.citizens).toBeLessThan(0.05);
      for (const citizen of deceased) {
        expect(citizen.date_of_death! > citizen.date_of_birth).toBe(true);
        expect(citizen.date_of_death! <= REFERENCE_DATE).toBe(true);
      }
      for (const citizen of tables.citizens.filter((row) => row.status === 'ALIVE')) expect(citizen.date_of_death).toBeNull();
    });

    it('writes Vietnamese address lines', () => {
      for (const citizen of tables.citizens)
        expect(citizen.current_address).toMatch(/^(Số \d+ (ngõ \d+ )?đường .+|Khu phố \d+|Thôn .+|Xóm \d+|Làng .+|Bản .+)$/);
    });
  });

  describe('links across communes', () => {
    it('has members living away from their household, parcels with an owner elsewhere, and pupils schooled elsewhere, both ways for the seat', () => {
      const households = new Map(tables.households.map((household) => [household.code, household]));
      const parcels = new Map(tables.parcels.map((parcel) => [parcel.id, parcel]));
      const schools = new Map(tables.schools.map((school) => [school.code, school]));
      const homeOf = (nationalId: string) => citizens.get(nationalId)!.current_unit_code;
      const away = tables.household_members.filter((member) => homeOf(member.national_id) !== households.get(member.household_code)!.unit_code);
      const ownedElsewhere = tables.ownership_shares.filter((share) => homeOf(share.national_id) !== parcels.get(share.parcel_id)!.commune_code);
      const schooledElsewhere = tables.enrollments.filter((enrollment) => homeOf(enrollment.national_id) !== schools.get(enrollment.school_code)!.commune_code);
      const count = <T>(rows: T[], inSeat: (row: T) => boolean) => rows.filter(inSeat).length;
      expect(count(away, (member) => households.get(member.household_code)!.unit_code === SEAT)).toBeGreaterThan(0);
      expect(count(away, (member) => homeOf(member.national_id) === SEAT)).toBeGreaterThan(0);
      expect(count(ownedElsewhere, (share) => parcels.get(share.parcel_id)!.commune_code === SEAT)).toBeGreaterThan(0);
      expect(count(ownedElsewhere, (share) => homeOf(share.national_id) === SEAT)).toBeGreaterThan(0);
      expect(count(schooledElsewhere, (enrollment) => schools.get(enrollment.school_code)!.commune_code === SEAT)).toBeGreaterThan(0);
      expect(count(schooledElsewhere, (enrollment) => homeOf(enrollment.national_id) === SEAT)).toBeGreaterThan(0);
      expect(away.length / tables.citizens.length).toBeLessThan(0.05);
    });
  });

  describe('land', () => {
    it('gives parcels unique identifiers and realistic areas in the commune of the household of at least one of their owners', () => {
      const unitOfHousehold = new Map(tables.households.map((household) => [household.code, household.unit_code]));
      const householdUnitOf = new Map(tables.household_members.map((member) => [member.national_id, unitOfHousehold.get(member.household_code)]));
      expectUnique(tables.parcels.map((parcel) => `${parcel.commune_code}/${parcel.map_sheet_number}/${parcel.parcel_number}`));
      expectUnique(tables.parcels.map((parcel) => String(parcel.id)));
      const ownersByParcel = new Map<number, typeof tables.ownership_shares>();
      for (const share of tables.ownership_shares) ownersByParcel.set(share.parcel_id, [...(ownersByParcel.get(share.parcel_id) ?? []), share]);
      for (const parcel of tables.parcels) {
        expect(LAND_USE_PURPOSE_CODES).toContain(parcel.land_use_purpose);
        const area = Number(parcel.area_m2);
        if (parcel.land_use_purpose === 'ONT' || parcel.land_use_purpose === 'ODT') {
          expect(area).toBeGreaterThanOrEqual(80);
          expect(area).toBeLessThanOrEqual(400);
          expect(parcel.land_use_until).toBeNull();
        }
        if (parcel.land_use_purpose === 'LUC') {
          expect(area).toBeGreaterThanOrEqual(300);
          expect(area).toBeLessThanOrEqual(3000);
        }
        const shares = ownersByParcel.get(parcel.id)!;
        expect(shares.reduce((sum, share) => sum + Number(share.share_percent), 0)).toBe(100);
        expect(shares.some((share) => householdUnitOf.get(share.national_id) === parcel.commune_code)).toBe(true);
      }
      const purposes = countBy(tables.parcels, (parcel) => parcel.land_use_purpose);
      expect((purposes.get('ONT') ?? 0) + (purposes.get('ODT') ?? 0)).toBeGreaterThan(purposes.get('CLN') ?? 0);
    });

    it('gives shares only to living citizens and 50/50 between spouses', () => {
      for (const share of tables.ownership_shares) {
        expect(alive(share.national_id)).toBe(true);
        expect([50, 100]).toContain(Number(share.share_percent));
      }
      expect(tables.ownership_shares.some((share) => Number(share.share_percent) === 50)).toBe(true);
    });

    it('issues certificates with unique serials like "CS 01234567" for existing parcels', () => {
      const parcelIds = new Set(tables.parcels.map((parcel) => parcel.id));
      expectUnique(tables.land_use_certificates.map((certificate) => certificate.serial));
      for (const certificate of tables.land_use_certificates) {
        expect(certificate.serial).toMatch(/^[A-Z]{2} \d{8}$/);
        expect(parcelIds.has(certificate.parcel_id)).toBe(true);
        expect(certificate.issue_date <= REFERENCE_DATE).toBe(true);
        expect(certificate.issuing_authority).toMatch(/Thanh Hóa|Ủy ban nhân dân/);
      }
    });
  });

  describe('health', () => {
    const facilities = new Map(tables.facilities.map((facility) => [facility.code, facility]));

    it('has one commune health station per commune and the provincial hospitals', () => {
      for (const facility of tables.facilities) expect(facility.code).toMatch(/^38\d{3}$/);
      const stations = tables.facilities.filter((facility) => facility.level === 'COMMUNE');
      expect(stations.map((station) => station.commune_code).sort()).toEqual(COMMUNES.map((commune) => commune.code).sort());
      expect(tables.facilities.find((facility) => facility.name === 'Bệnh viện Đa khoa tỉnh Thanh Hóa')?.level).toBe('PROVINCIAL');
    });

    it('insures about 90% of the living with a card valid on the reference date, numbers unique', () => {
      expectUnique(tables.insurance_cards.map((card) => card.social_insurance_number));
      const living = tables.citizens.filter((citizen) => citizen.status === 'ALIVE');
      const insured = new Set(
        tables.insurance_cards.filter((card) => card.valid_from <= REFERENCE_DATE && REFERENCE_DATE <= card.valid_to).map((card) => card.national_id),
      );
      expect(insured.size / living.length).toBeGreaterThan(0.85);
      expect(insured.size / living.length).toBeLessThan(0.95);
      expect(tables.insurance_cards.some((card) => card.valid_to < REFERENCE_DATE)).toBe(true);
      for (const card of tables.insurance_cards) {
        expect(card.social_insurance_number).toMatch(/^\d{10}$/);
        expect(card.benefit_level).toBeGreaterThanOrEqual(1);
        expect(card.benefit_level).toBeLessThanOrEqual(5);
        expect(card.valid_from <= card.valid_to).toBe(true);
        expect(alive(card.national_id)).toBe(true);
        expect(facilities.has(card.primary_care_facility_code)).toBe(true);
      }
    });

    it("records children's vaccinations and encounters with ICD-10 codes at known facilities", () => {
      const vaccines = new Set(tables.vaccinations.map((vaccination) => vaccination.vaccine));
      for (const vaccine of ['BCG', 'Viêm gan B', '5 trong 1', 'Sởi']) expect(vaccines.has(vaccine)).toBe(true);
      for (const vaccination of tables.vaccinations) {
        const child = citizens.get(vaccination.national_id)!;
        expect(vaccination.vaccinated_on >= child.date_of_birth && vaccination.vaccinated_on <= REFERENCE_DATE).toBe(true);
        expect(facilities.get(vaccination.facility_code)?.commune_code).toBe(child.current_unit_code);
      }
      const patients = new Set(tables.encounters.map((encounter) => encounter.national_id));
      expect(patients.size / options.citizens).toBeGreaterThan(0.12);
      expect(patients.size / options.citizens).toBeLessThan(0.28);
      for (const encounter of tables.encounters) {
        expect(encounter.icd10_code).toMatch(/^[A-Z]\d{2}(\.\d)?$/);
        expect(facilities.has(encounter.facility_code)).toBe(true);
      }
    });
  });

  describe('education', () => {
    const schools = new Map(tables.schools.map((school) => [school.code, school]));

    it('has a primary and a lower secondary school in every commune, codes like 38TH40778A', () => {
      for (const school of tables.schools) expect(school.code).toMatch(/^38[A-Z0-9]{3,10}$/);
      for (const commune of COMMUNES) {
        expect(schools.get(`38TH${commune.code}A`)).toMatchObject({ level: 'PRIMARY', name: `Trường Tiểu học ${commune.name}`, commune_code: commune.code });
        expect(schools.get(`38THCS${commune.code}A`)).toMatchObject({ level: 'LOWER_SECONDARY', name: `Trường THCS ${commune.name}` });
      }
    });

    it('enrols every living child of school age for 2025-2026 in the right grade, at a school of their commune or, for a few, of the seat or from it', () => {
      const current = new Map(
        tables.enrollments.filter((enrollment) => enrollment.school_year === SCHOOL_YEAR).map((enrollment) => [enrollment.national_id, enrollment]),
      );
      const pupils = tables.citizens.filter((citizen) => citizen.status === 'ALIVE' && 2025 - birthYear(citizen) >= 6 && 2025 - birthYear(citizen) <= 17);
      expect(pupils.length).toBeGreaterThan(0);
      for (const pupil of pupils) expect(current.get(pupil.national_id)?.grade).toBe(2025 - birthYear(pupil) - 5);
      expect(current.size).toBe(pupils.length);
      const level = (grade: number) => (grade <= 5 ? 'PRIMARY' : grade <= 9 ? 'LOWER_SECONDARY' : 'UPPER_SECONDARY');
      let elsewhere = 0;
      for (const enrollment of tables.enrollments) {
        const school = schools.get(enrollment.school_code)!;
        const home = citizens.get(enrollment.national_id)!.current_unit_code;
        if (school.commune_code !== home) {
          elsewhere += 1;
          expect([school.commune_code, home]).toContain(SEAT);
        }
        expect(school.level).toBe(level(enrollment.grade));
      }
      expect(elsewhere).toBeGreaterThan(0);
      expect(elsewhere / tables.enrollments.length).toBeLessThan(0.2);
      expect(tables.enrollments.some((enrollment) => enrollment.school_year === '2024-2025')).toBe(true);
      expectUnique(tables.enrollments.map((enrollment) => `${enrollment.national_id}/${enrollment.school_year}`));
    });

    it('gives most adults under 60 an upper secondary diploma, with unique serials from known schools', () => {
      expectUnique(tables.diplomas.map((diploma) => diploma.serial));
      for (const diploma of tables.diplomas) {
        expect(diploma.serial).toMatch(/^[A-Z]{2,4}\d{6,10}$/);
        expect(DIPLOMA_TYPES).toContain(diploma.type);
        expect(schools.has(diploma.school_code)).toBe(true);
        expect(diploma.issue_date > citizens.get(diploma.national_id)!.date_of_birth && diploma.issue_date <= REFERENCE_DATE).toBe(true);
      }
      const holders = new Set(tables.diplomas.filter((diploma) => diploma.type === 'UPPER_SECONDARY_DIPLOMA').map((diploma) => diploma.national_id));
      const adultsUnder60 = tables.citizens.filter((citizen) => 2025 - birthYear(citizen) >= 19 && 2025 - birthYear(citizen) < 60);
      expect(adultsUnder60.filter((citizen) => holders.has(citizen.national_id)).length / adultsUnder60.length).toBeGreaterThan(0.5);
      const types = countBy(tables.diplomas, (diploma) => diploma.type);
      expect(types.get('BACHELOR')).toBeGreaterThan(0);
      expect(types.get('VOCATIONAL_CERTIFICATE')).toBeGreaterThan(0);
    });
  });

  it('places every regional facility and vocational centre in the seat of a former district', () => {
    const seats = new Set(
      FORMER_DISTRICTS.filter((district) => district.seat).map((district) => COMMUNES.find((commune) => commune.name === district.seat)!.code),
    );
    for (const facility of tables.facilities.filter((row) => row.level === 'REGIONAL')) expect(seats.has(facility.commune_code)).toBe(true);
  });
});
