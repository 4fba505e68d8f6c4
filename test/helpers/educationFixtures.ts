import type { Knex } from 'knex';
import type { DiplomaRow, EnrollmentRow, SchoolRow } from '../../db/rows';
import { citizenFixture } from './fixtures';

/** Named schools of ward 40778. Pupils enrol in the primary ones and receive diplomas from the secondary ones. */
export const SCHOOLS: SchoolRow[] = [
  { code: '38MN40778', name: 'Trường Mầm non Hoa Sen', level: 'PRESCHOOL', commune_code: '40778' },
  { code: '38TH40778A', name: 'Trường Tiểu học Điện Biên', level: 'PRIMARY', commune_code: '40778' },
  { code: '38TH40778B', name: 'Trường Tiểu học Ba Đình', level: 'PRIMARY', commune_code: '40778' },
  { code: '38THCS40778', name: 'Trường THCS Trần Mai Ninh', level: 'LOWER_SECONDARY', commune_code: '40778' },
  { code: '38THPT40778', name: 'Trường THPT chuyên Lam Sơn', level: 'UPPER_SECONDARY', commune_code: '40778' },
];

/** Given an index, returns one of the many schools of ward 40779: every third a preschool, the others primary. */
export function communeSchoolFixture(index: number): SchoolRow {
  const preschool = index % 3 === 0;
  return {
    code: `38${preschool ? 'MN' : 'TH'}40779${String(index).padStart(2, '0')}`,
    name: `Trường ${preschool ? 'Mầm non' : 'Tiểu học'} Quảng Phú ${index}`,
    level: preschool ? 'PRESCHOOL' : 'PRIMARY',
    commune_code: '40779',
  };
}

/** Given a pupil index, returns three school years in one primary school (A for even, B for odd), oldest first. */
export function enrollmentFixtures(index: number): Array<Omit<EnrollmentRow, 'id'>> {
  const schoolCode = index % 2 === 0 ? '38TH40778A' : '38TH40778B';
  return [3, 4, 5].map((grade, year) => ({
    national_id: citizenFixture(index).national_id,
    school_code: schoolCode,
    school_year: `${2023 + year}-${2024 + year}`,
    grade,
  }));
}

/** Given a holder index, returns an upper then a lower secondary diploma: the reverse of their issue order. */
export function diplomaFixtures(index: number): DiplomaRow[] {
  const serialNumber = String(index).padStart(7, '0');
  const nationalId = citizenFixture(index).national_id;
  return [
    { serial: `THPT${serialNumber}`, national_id: nationalId, type: 'UPPER_SECONDARY_DIPLOMA', issue_date: '2018-07-10', school_code: '38THPT40778' },
    { serial: `THCS${serialNumber}`, national_id: nationalId, type: 'LOWER_SECONDARY_DIPLOMA', issue_date: '2015-06-20', school_code: '38THCS40778' },
  ];
}

/**
 * Given the education database, inserts the named schools, `communeSchools` schools of ward 40779 and,
 * for the first `pupils` citizens of the population fixtures, their enrolments and diplomas.
 */
export async function insertEducation(db: Knex, options: { communeSchools: number; pupils: number }): Promise<void> {
  const schools = [...SCHOOLS, ...Array.from({ length: options.communeSchools }, (_, index) => communeSchoolFixture(index))];
  const pupils = Array.from({ length: options.pupils }, (_, index) => index);
  await db.batchInsert('schools', schools, 200);
  await db.batchInsert('enrollments', pupils.flatMap(enrollmentFixtures), 200);
  await db.batchInsert('diplomas', pupils.flatMap(diplomaFixtures), 200);
}
