import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { EncounterRow, FacilityRow, InsuranceCardRow, VaccinationRow } from '../../db/rows';
import type { HealthRepository } from './repository';

export interface HealthLoaders {
  facilityByCode: DataLoader<string, FacilityRow | null>;
  cardByNumber: DataLoader<string, InsuranceCardRow | null>;
  cardsByHolderId: DataLoader<string, InsuranceCardRow[]>;
  vaccinationsByPersonId: DataLoader<string, VaccinationRow[]>;
  encountersByPatientId: DataLoader<string, EncounterRow[]>;
}

/** Given the repository, returns a fresh set of loaders: one set per request, so nothing is cached across callers. */
export function createHealthLoaders(repository: HealthRepository): HealthLoaders {
  return {
    facilityByCode: new DataLoader(async (codes) => indexBy(codes, await repository.facilitiesByCodes(codes), (row) => row.code)),
    cardByNumber: new DataLoader(async (numbers) => indexBy(numbers, await repository.cardsByNumbers(numbers), (row) => row.social_insurance_number)),
    cardsByHolderId: new DataLoader(async (ids) => groupBy(ids, await repository.cardsByHolderIds(ids), (row) => row.national_id)),
    vaccinationsByPersonId: new DataLoader(async (ids) => groupBy(ids, await repository.vaccinationsByPersonIds(ids), (row) => row.national_id)),
    encountersByPatientId: new DataLoader(async (ids) => groupBy(ids, await repository.encountersByPatientIds(ids), (row) => row.national_id)),
  };
}
