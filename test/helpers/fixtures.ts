import type { Knex } from 'knex';
import { formatNationalId } from '../../common/nationalId';
import { foldForSearch } from '../../common/text';
import type { AdministrativeUnitRow, CitizenRow } from '../../db/rows';

/** Thanh Hóa, a former district and two current wards: the smallest tree that shows a replacement. */
export const UNITS: AdministrativeUnitRow[] = [
  { code: '38', name: 'Thanh Hóa', level: 'PROVINCE', unit_type: 'tỉnh', parent_code: null, valid_from: '1975-01-01', valid_to: null, replaced_by_code: null },
  {
    code: '40778',
    name: 'Hạc Thành',
    level: 'COMMUNE',
    unit_type: 'phường',
    parent_code: '38',
    valid_from: '2025-07-01',
    valid_to: null,
    replaced_by_code: null,
  },
  {
    code: '40779',
    name: 'Quảng Phú',
    level: 'COMMUNE',
    unit_type: 'phường',
    parent_code: '38',
    valid_from: '2025-07-01',
    valid_to: null,
    replaced_by_code: null,
  },
  {
    code: '380',
    name: 'Thanh Hóa',
    level: 'DISTRICT',
    unit_type: 'thành phố',
    parent_code: '38',
    valid_from: '1975-01-01',
    valid_to: '2025-06-30',
    replaced_by_code: null,
  },
  {
    code: '14755',
    name: 'Điện Biên',
    level: 'COMMUNE',
    unit_type: 'phường',
    parent_code: '380',
    valid_from: '1975-01-01',
    valid_to: '2025-06-30',
    replaced_by_code: '40778',
  },
];

/** Given an index, returns a citizen living in ward 40778 (even) or 40779 (odd), with a valid national ID. */
export function citizenFixture(index: number, overrides: Partial<CitizenRow> = {}): CitizenRow {
  const sex = index % 2 === 0 ? 'MALE' : 'FEMALE';
  const fullName = overrides.full_name ?? `Nguyễn Văn Thử ${index}`;
  const unit = index % 2 === 0 ? '40778' : '40779';
  return {
    national_id: formatNationalId(38, sex, 1980 + (index % 20), 100000 + index),
    full_name: fullName,
    search_name: foldForSearch(fullName),
    date_of_birth: `${1980 + (index % 20)}-03-15`,
    sex,
    ethnicity: 'Kinh',
    nationality: 'VN',
    permanent_unit_code: unit,
    permanent_address: `Số ${index} đường Lê Lợi`,
    current_unit_code: unit,
    current_address: `Số ${index} đường Lê Lợi`,
    status: 'ALIVE',
    date_of_death: null,
    ...overrides,
  };
}

/** Given the population database, inserts the units and `count` citizens; returns the citizens. */
export async function insertPopulation(db: Knex, count: number): Promise<CitizenRow[]> {
  await db('administrative_units').insert(UNITS);
  const citizens = Array.from({ length: count }, (_, index) => citizenFixture(index));
  for (let start = 0; start < citizens.length; start += 200) await db('citizens').insert(citizens.slice(start, start + 200));
  return citizens;
}

/**
 * Given two databases of one sector and its tables (parents first), copies every row of those tables
 * from one to the other, ids included, a chunk at a time.
 */
export async function copyTables(from: Knex, to: Knex, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const rows: object[] = await from(table).select('*');
    for (let start = 0; start < rows.length; start += 200) await to(table).insert(rows.slice(start, start + 200));
  }
}
