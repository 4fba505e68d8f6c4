import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { AdministrativeUnitRow, CitizenRow, HouseholdMemberRow, HouseholdRow } from '../../db/rows';
import type { PopulationRepository } from './repository';

export interface PopulationLoaders {
  citizenById: DataLoader<string, CitizenRow | null>;
  unitByCode: DataLoader<string, AdministrativeUnitRow | null>;
  unitsByParentCode: DataLoader<string, AdministrativeUnitRow[]>;
  householdByCode: DataLoader<string, HouseholdRow | null>;
  membersByHouseholdCode: DataLoader<string, HouseholdMemberRow[]>;
  membershipByNationalId: DataLoader<string, HouseholdMemberRow | null>;
}

/** Given the repository, returns a fresh set of loaders: one set per request, so nothing is cached across callers. */
export function createPopulationLoaders(repository: PopulationRepository): PopulationLoaders {
  return {
    citizenById: new DataLoader(async (ids) => indexBy(ids, await repository.citizensByIds(ids), (row) => row.national_id)),
    unitByCode: new DataLoader(async (codes) => indexBy(codes, await repository.unitsByCodes(codes), (row) => row.code)),
    unitsByParentCode: new DataLoader(async (codes) => groupBy(codes, await repository.unitsByParentCodes(codes), (row) => row.parent_code ?? '')),
    householdByCode: new DataLoader(async (codes) => indexBy(codes, await repository.householdsByCodes(codes), (row) => row.code)),
    membersByHouseholdCode: new DataLoader(async (codes) => groupBy(codes, await repository.membersByHouseholdCodes(codes), (row) => row.household_code)),
    membershipByNationalId: new DataLoader(async (ids) => indexBy(ids, await repository.membershipsByNationalIds(ids), (row) => row.national_id)),
  };
}
