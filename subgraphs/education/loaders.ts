import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { ReferenceTables } from '../../common/referenceCache';
import type { DiplomaRow, EnrollmentRow, SchoolRow } from '../../db/rows';
import type { EducationRepository, EnrollmentWithSchoolRow } from './repository';

export interface EducationLoaders {
  schoolByCode: DataLoader<string, SchoolRow | null>;
  diplomaBySerial: DataLoader<string, DiplomaRow | null>;
  enrollmentsByPupilId: DataLoader<string, EnrollmentRow[]>;
  diplomasByHolderId: DataLoader<string, DiplomaRow[]>;
}

/**
 * Given the repository and the server's reference caches, returns a fresh set of loaders: one set per request, so
 * nothing a caller may see depending on who asks is cached across callers. Schools alone, open data, come through the
 * server's reference cache.
 */
export function createEducationLoaders(repository: EducationRepository, reference: ReferenceTables): EducationLoaders {
  const schools = reference.table<string, SchoolRow>('schools');
  const schoolByCode = new DataLoader<string, SchoolRow | null>((codes) =>
    schools.rowsOf(
      codes,
      (missing) => repository.schoolsByCodes(missing),
      (row) => row.code,
    ),
  );
  /** Given an enrolment read with its school, primes the school and returns the enrolment alone. */
  const enrollmentOf = (row: EnrollmentWithSchoolRow): EnrollmentRow => {
    const { school_name: name, school_level: level, school_commune_code: communeCode, ...enrollment } = row;
    if (name !== null && level !== null && communeCode !== null) {
      schoolByCode.prime(enrollment.school_code, { code: enrollment.school_code, name, level, commune_code: communeCode });
    }
    return enrollment;
  };
  return {
    schoolByCode,
    diplomaBySerial: new DataLoader(async (serials) => indexBy(serials, await repository.diplomasBySerials(serials), (row) => row.serial)),
    // An enrolment's school is read with it: the school of an enrolment costs no statement of its own.
    enrollmentsByPupilId: new DataLoader(async (ids) =>
      groupBy(ids, (await repository.enrollmentsByNationalIds(ids)).map(enrollmentOf), (row) => row.national_id),
    ),
    diplomasByHolderId: new DataLoader(async (ids) => groupBy(ids, await repository.diplomasByNationalIds(ids), (row) => row.national_id)),
  };
}
