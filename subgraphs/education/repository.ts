import type { Knex } from 'knex';
import type { PageRequest } from '../../common/pagination';
import type { SchoolLevel } from '../../common/vocabulary';
import { afterKey } from '../../db/keyset';
import type { DiplomaRow, EnrollmentRow, SchoolRow } from '../../db/rows';
import type { RowScope, SubjectScope } from '../scope';
import { ofSubject, referencingScope } from '../scope';

/** An enrolment read with its school, whose columns are named school_*: null when the school row is missing. */
export interface EnrollmentWithSchoolRow extends EnrollmentRow {
  school_name: string | null;
  school_level: string | null;
  school_commune_code: string | null;
}

/**
 * The education database's queries: the only module of this subgraph that holds SQL. An enrolment or a
 * diploma is in the request's scope when its school stands in a commune of the scope; schools are open
 * reference data and never scoped. With a subject (a citizen reading their own data), only that citizen's
 * enrolments and diplomas are read.
 */
export class EducationRepository {
  constructor(
    private readonly db: Knex,
    private readonly scope: RowScope,
    private readonly subject: SubjectScope = null,
  ) {}

  /** Given a query of a person's rows that refer to a school, keeps those in scope and of the subject. */
  private atSchoolsInScope<Q extends Knex.QueryBuilder>(query: Q): Q {
    ofSubject(query, 'national_id', this.subject);
    return referencingScope(query, 'school_code', this.scope, () => this.db('schools').select('code'), 'commune_code');
  }

  schoolsByCodes(codes: readonly string[]): Promise<SchoolRow[]> {
    return this.db<SchoolRow>('schools').whereIn('code', codes);
  }

  /** Reads one page (plus one row that tells whether there is a next) of a commune's schools, by code. */
  schoolsByCommune(communeCode: string, level: SchoolLevel | null, page: PageRequest): Promise<SchoolRow[]> {
    const query = this.db<SchoolRow>('schools').where('commune_code', communeCode);
    if (level !== null) query.where('level', level);
    return afterKey(query, ['code'], page.after).limit(page.size + 1);
  }

  /**
   * Reads the enrolments of many pupils, each pupil's latest school year first (a pupil has one per year), and in
   * the same statement the school of each: schools are open reference data, read unscoped wherever they are read.
   */
  enrollmentsByNationalIds(nationalIds: readonly string[]): Promise<EnrollmentWithSchoolRow[]> {
    return this.atSchoolsInScope(this.db<EnrollmentRow>('enrollments'))
      .leftJoin('schools', 'schools.code', 'enrollments.school_code')
      .whereIn('enrollments.national_id', nationalIds)
      .orderBy('enrollments.school_year', 'desc')
      .select('enrollments.*', 'schools.name as school_name', 'schools.level as school_level', 'schools.commune_code as school_commune_code');
  }

  /** Reads the diplomas of many holders, oldest issue date first; the serial breaks ties so the order is stable. */
  diplomasByNationalIds(nationalIds: readonly string[]): Promise<DiplomaRow[]> {
    return this.atSchoolsInScope(this.db<DiplomaRow>('diplomas'))
      .whereIn('national_id', nationalIds)
      .orderBy([
        { column: 'issue_date', order: 'asc' },
        { column: 'serial', order: 'asc' },
      ]);
  }

  diplomasBySerials(serials: readonly string[]): Promise<DiplomaRow[]> {
    return this.atSchoolsInScope(this.db<DiplomaRow>('diplomas')).whereIn('serial', serials);
  }
}
