import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { ReferenceTables } from '../../common/referenceCache';
import type { EncounterRow, FacilityRow, InsuranceCardRow, VaccinationRow } from '../../db/rows';
import type { CardWithFacilityRow, HealthRepository } from './repository';

export interface HealthLoaders {
  facilityByCode: DataLoader<string, FacilityRow | null>;
  cardByNumber: DataLoader<string, InsuranceCardRow | null>;
  cardsByHolderId: DataLoader<string, InsuranceCardRow[]>;
  vaccinationsByPersonId: DataLoader<string, VaccinationRow[]>;
  encountersByPatientId: DataLoader<string, EncounterRow[]>;
}

/**
 * Given the repository and the server's reference caches, returns a fresh set of loaders: one set per request, so
 * nothing a caller may see depending on who asks is cached across callers. Health facilities alone, open data, come
 * through the server's reference cache.
 */
export function createHealthLoaders(repository: HealthRepository, reference: ReferenceTables): HealthLoaders {
  const facilities = reference.table<string, FacilityRow>('facilities');
  const facilityByCode = new DataLoader<string, FacilityRow | null>((codes) =>
    facilities.rowsOf(
      codes,
      (missing) => repository.facilitiesByCodes(missing),
      (row) => row.code,
    ),
  );
  /** Given a card read with its primary-care facility, primes the facility and returns the card alone. */
  const cardOf = (row: CardWithFacilityRow): InsuranceCardRow => {
    const { facility_name: name, facility_level: level, facility_commune_code: communeCode, ...card } = row;
    if (name !== null && level !== null && communeCode !== null) {
      facilityByCode.prime(card.primary_care_facility_code, { code: card.primary_care_facility_code, name, level, commune_code: communeCode });
    }
    return card;
  };
  return {
    facilityByCode,
    cardByNumber: new DataLoader(async (numbers) => indexBy(numbers, await repository.cardsByNumbers(numbers), (row) => row.social_insurance_number)),
    // A card's primary-care facility is read with it: that facility costs no statement of its own.
    cardsByHolderId: new DataLoader(async (ids) => groupBy(ids, (await repository.cardsByHolderIds(ids)).map(cardOf), (row) => row.national_id)),
    vaccinationsByPersonId: new DataLoader(async (ids) => groupBy(ids, await repository.vaccinationsByPersonIds(ids), (row) => row.national_id)),
    encountersByPatientId: new DataLoader(async (ids) => groupBy(ids, await repository.encountersByPatientIds(ids), (row) => row.national_id)),
  };
}
