import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { ReferenceTables } from '../../common/referenceCache';
import type { AdministrativeUnitRow, CitizenRow, HouseholdMemberRow, HouseholdRow } from '../../db/rows';
import type { CitizenWithMembershipRow, MembershipWithHouseholdRow, PopulationRepository } from './repository';

export interface PopulationLoaders {
  citizenById: DataLoader<string, CitizenRow | null>;
  /** The same citizens, each read with its membership and household, which it primes: for a query that asks for both. */
  citizenWithMembershipById: DataLoader<string, CitizenRow | null>;
  unitByCode: DataLoader<string, AdministrativeUnitRow | null>;
  unitsByParentCode: DataLoader<string, AdministrativeUnitRow[]>;
  householdByCode: DataLoader<string, HouseholdRow | null>;
  membersByHouseholdCode: DataLoader<string, HouseholdMemberRow[]>;
  membershipByNationalId: DataLoader<string, HouseholdMemberRow | null>;
}

/**
 * Given the repository and the server's reference caches, returns a fresh set of loaders: one set per request, so
 * nothing a caller may see depending on who asks is cached across callers. Administrative units alone, open data,
 * come through the server's reference cache.
 */
export function createPopulationLoaders(repository: PopulationRepository, reference: ReferenceTables): PopulationLoaders {
  const units = reference.table<string, AdministrativeUnitRow>('administrative_units');
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
  const citizenById = new DataLoader<string, CitizenRow | null>(async (ids) => indexBy(ids, await repository.citizensByIds(ids), (row) => row.national_id));
  const membershipByNationalId = new DataLoader<string, HouseholdMemberRow | null>(async (ids) =>
    indexBy(ids, (await repository.membershipsByNationalIds(ids)).map(membershipOf), (row) => row.national_id),
  );
  /** Given the rows of one citizen read with its memberships, primes the citizen and its membership; returns the citizen. */
  const citizenOf = (rows: readonly CitizenWithMembershipRow[]): CitizenRow => {
    const { membership_household_code: householdCode, membership_relationship: relationship, ...rest } = rows[0]!;
    const { household_unit_code, household_address, household_head_national_id, ...citizen } = rest;
    citizenById.prime(citizen.national_id, citizen);
    // A citizen in two households is left to the membership loader, which chooses among them as it always has.
    if (rows.length === 1) {
      const membership =
        householdCode === null || relationship === null
          ? null
          : membershipOf({
              household_code: householdCode,
              national_id: citizen.national_id,
              relationship,
              household_unit_code,
              household_address,
              household_head_national_id,
            });
      membershipByNationalId.prime(citizen.national_id, membership);
    }
    return citizen;
  };
  return {
    citizenById,
    // Membership and household read with the citizen: neither costs a statement of its own.
    citizenWithMembershipById: new DataLoader(async (ids) => {
      const groups = groupBy(ids, await repository.citizensWithMembershipsByIds(ids), (row) => row.national_id);
      return groups.map((rows) => (rows.length === 0 ? null : citizenOf(rows)));
    }),
    unitByCode: new DataLoader((codes) =>
      units.rowsOf(
        codes,
        (missing) => repository.unitsByCodes(missing),
        (row) => row.code,
      ),
    ),
    unitsByParentCode: new DataLoader(async (codes) => groupBy(codes, await repository.unitsByParentCodes(codes), (row) => row.parent_code ?? '')),
    householdByCode,
    membersByHouseholdCode: new DataLoader(async (codes) => groupBy(codes, await repository.membersByHouseholdCodes(codes), (row) => row.household_code)),
    // A membership's household is read with it: the household of a membership costs no statement of its own.
    membershipByNationalId,
  };
}
