import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { AdministrativeUnitRow, CitizenRow, HouseholdMemberRow, HouseholdRow } from '../../db/rows';
import type { MembershipWithHouseholdRow, PopulationRepository } from './repository';

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
  const householdByCode = new DataLoader<string, HouseholdRow | null>(async (codes) =>
    indexBy(codes, await repository.householdsByCodes(codes), (row) => row.code),
  );
  /** Given a membership read with its household, primes the household and returns the membership alone. */
  const membershipOf = (row: MembershipWithHouseholdRow): HouseholdMemberRow => {
    const { household_unit_code: unitCode, household_address: address, household_head_national_id: head, ...membership } = row;
    if (unitCode !== null && address !== null && head !== null) {
      householdByCode.prime(membership.household_code, { code: membership.household_code, unit_code: unitCode, address, head_national_id: head });
    }
    return membership;
  };
  return {
    citizenById: new DataLoader(async (ids) => indexBy(ids, await repository.citizensByIds(ids), (row) => row.national_id)),
    unitByCode: new DataLoader(async (codes) => indexBy(codes, await repository.unitsByCodes(codes), (row) => row.code)),
    unitsByParentCode: new DataLoader(async (codes) => groupBy(codes, await repository.unitsByParentCodes(codes), (row) => row.parent_code ?? '')),
    householdByCode,
    membersByHouseholdCode: new DataLoader(async (codes) => groupBy(codes, await repository.membersByHouseholdCodes(codes), (row) => row.household_code)),
    // A membership's household is read with it: the household of a membership costs no statement of its own.
    membershipByNationalId: new DataLoader(async (ids) =>
      indexBy(ids, (await repository.membershipsByNationalIds(ids)).map(membershipOf), (row) => row.national_id),
    ),
  };
}
