import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { DiplomaRow, EnrollmentRow, SchoolRow } from '../../db/rows';
import type { EducationRepository } from './repository';

export interface EducationLoaders {
  schoolByCode: DataLoader<string, SchoolRow | null>;
  diplomaBySerial: DataLoader<string, DiplomaRow | null>;
  enrollmentsByPupilId: DataLoader<string, EnrollmentRow[]>;
  diplomasByHolderId: DataLoader<string, DiplomaRow[]>;
}

/** Given the repository, returns a fresh set of loaders: one set per request, so nothing is cached across callers. */
export function createEducationLoaders(repository: EducationRepository): EducationLoaders {
  return {
    schoolByCode: new DataLoader(async (codes) => indexBy(codes, await repository.schoolsByCodes(codes), (row) => row.code)),
    diplomaBySerial: new DataLoader(async (serials) => indexBy(serials, await repository.diplomasBySerials(serials), (row) => row.serial)),
    enrollmentsByPupilId: new DataLoader(async (ids) => groupBy(ids, await repository.enrollmentsByNationalIds(ids), (row) => row.national_id)),
    diplomasByHolderId: new DataLoader(async (ids) => groupBy(ids, await repository.diplomasByNationalIds(ids), (row) => row.national_id)),
  };
}
