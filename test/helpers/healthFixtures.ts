import type { Knex } from 'knex';
import type { EncounterRow, FacilityRow, InsuranceCardRow, VaccinationRow } from '../../db/rows';
import { dateInVietnam } from '../../subgraphs/health/insuranceCard';
import { citizenFixture } from './fixtures';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Provincial hospitals treat, regional centres vaccinate, commune stations hold primary-care
 * registrations: three disjoint sets, so each kind of record needs facilities none of the others loaded.
 */
export const FACILITIES: FacilityRow[] = [
  { code: '38001', name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa', level: 'PROVINCIAL', commune_code: '40778' },
  { code: '38002', name: 'Bệnh viện Nhi Thanh Hóa', level: 'PROVINCIAL', commune_code: '40778' },
  { code: '38010', name: 'Trung tâm Y tế Hạc Thành', level: 'REGIONAL', commune_code: '40778' },
  { code: '38011', name: 'Trung tâm Y tế Quảng Phú', level: 'REGIONAL', commune_code: '40779' },
  { code: '38101', name: 'Trạm Y tế phường Hạc Thành', level: 'COMMUNE', commune_code: '40778' },
  { code: '38102', name: 'Trạm Y tế phường Quảng Phú', level: 'COMMUNE', commune_code: '40779' },
];

/** Given a number of days (negative for the past), returns that date in Vietnam counted from today, YYYY-MM-DD. */
export function daysFromToday(days: number): string {
  return dateInVietnam(new Date(Date.now() + days * DAY_MS));
}

/** Given a citizen fixture index, returns the social insurance number of that citizen's cards (10 digits). */
export function socialInsuranceNumberOf(index: number, card = 0): string {
  return `38${card}${String(index).padStart(7, '0')}`;
}

/** Given a citizen fixture index and overrides, returns a card of that citizen valid from half a year ago for a year. */
export function cardFixture(index: number, overrides: Partial<InsuranceCardRow> = {}): InsuranceCardRow {
  return {
    social_insurance_number: socialInsuranceNumberOf(index),
    national_id: citizenFixture(index).national_id,
    benefit_level: (index % 5) + 1,
    primary_care_facility_code: index % 2 === 0 ? '38101' : '38102',
    valid_from: daysFromToday(-180),
    valid_to: daysFromToday(185),
    ...overrides,
  };
}

/** Given a citizen fixture index, returns two doses of hepatitis B, the later dose first so that order must come from the query. */
export function vaccinationFixtures(index: number): Array<Omit<VaccinationRow, 'id'>> {
  const national_id = citizenFixture(index).national_id;
  const facility_code = index % 2 === 0 ? '38010' : '38011';
  return [
    { national_id, vaccine: 'Viêm gan B', dose: 2, vaccinated_on: '2020-02-10', facility_code },
    { national_id, vaccine: 'Viêm gan B', dose: 1, vaccinated_on: '2020-01-10', facility_code },
  ];
}

/** Given a citizen fixture index, returns two encounters, the older first so that order must come from the query. */
export function encounterFixtures(index: number): Array<Omit<EncounterRow, 'id'>> {
  const national_id = citizenFixture(index).national_id;
  return [
    { national_id, facility_code: '38001', encounter_date: '2024-05-02', icd10_code: 'J18.9' },
    { national_id, facility_code: '38002', encounter_date: '2025-01-20', icd10_code: 'K35.8' },
  ];
}

/** Given rows, inserts them a chunk at a time so no statement exceeds an engine's limit on bound values. */
async function insertInChunks(db: Knex, table: string, rows: readonly object[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) await db(table).insert(rows.slice(start, start + 200));
}

/** Given the health database, inserts the facilities and, for citizen fixtures 0..count-1, a card, vaccinations and encounters. */
export async function insertHealth(db: Knex, count: number): Promise<void> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  await db('facilities').insert(FACILITIES);
  await insertInChunks(
    db,
    'insurance_cards',
    indexes.map((index) => cardFixture(index)),
  );
  await insertInChunks(db, 'vaccinations', indexes.flatMap(vaccinationFixtures));
  await insertInChunks(db, 'encounters', indexes.flatMap(encounterFixtures));
}
