import type { Knex } from 'knex';
import type { PageRequest } from '../../common/pagination';
import type { SchoolLevel } from '../../common/vocabulary';
import { afterKey } from '../../db/keyset';
import type { DiplomaRow, EnrollmentRow, SchoolRow } from '../../db/rows';

/** The education database's queries: the only module of this subgraph that holds SQL. */
export class EducationRepository {
  constructor(private readonly db: Knex) {}

  schoolsByCodes(codes: readonly string[]): Promise<SchoolRow[]> {
    return this.db<SchoolRow>('schools').whereIn('code', codes);
  }

  /** Reads one page (plus one row that tells whether there is a next) of a commune's schools, by code. */
  schoolsByCommune(communeCode: string, level: SchoolLevel | null, page: PageRequest): Promise<SchoolRow[]> {
    const query = this.db<SchoolRow>('schools').where('commune_code', communeCode);
    if (level !== null) query.where('level', level);
    return afterKey(query, ['code'], page.after).limit(page.size + 1);
  }

  /** Reads the enrolments of many pupils, each pupil's latest school year first (a pupil has one per year). */
  enrollmentsByNationalIds(nationalIds: readonly string[]): Promise<EnrollmentRow[]> {
    return this.db<EnrollmentRow>('enrollments').whereIn('national_id', nationalIds).orderBy('school_year', 'desc');
  }

  /** Reads the diplomas of many holders, oldest issue date first; the serial breaks ties so the order is stable. */
  diplomasByNationalIds(nationalIds: readonly string[]): Promise<DiplomaRow[]> {
    return this.db<DiplomaRow>('diplomas').whereIn('national_id', nationalIds).orderBy([
      { column: 'issue_date', order: 'asc' },
      { column: 'serial', order: 'asc' },
    ]);
  }

  diplomasBySerials(serials: readonly string[]): Promise<DiplomaRow[]> {
    return this.db<DiplomaRow>('diplomas').whereIn('serial', serials);
  }
}
