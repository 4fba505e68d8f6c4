import type { Knex } from 'knex';
import type { PageRequest } from '../../common/pagination';
import { afterKey } from '../../db/keyset';
import type { EncounterRow, FacilityRow, InsuranceCardRow, VaccinationRow } from '../../db/rows';

/** The health database's queries: the only module of this subgraph that holds SQL. */
export class HealthRepository {
  constructor(private readonly db: Knex) {}

  facilitiesByCodes(codes: readonly string[]): Promise<FacilityRow[]> {
    return this.db<FacilityRow>('facilities').whereIn('code', codes);
  }

  /** Reads one page (plus one row that tells whether there is a next) of a commune's facilities, by code. */
  facilitiesByCommune(communeCode: string, level: string | null, page: PageRequest): Promise<FacilityRow[]> {
    const query = this.db<FacilityRow>('facilities').where('commune_code', communeCode);
    if (level !== null) query.where('level', level);
    return afterKey(query, ['code'], page.after).limit(page.size + 1);
  }

  cardsByNumbers(socialInsuranceNumbers: readonly string[]): Promise<InsuranceCardRow[]> {
    return this.db<InsuranceCardRow>('insurance_cards').whereIn('social_insurance_number', socialInsuranceNumbers);
  }

  /** Reads every card of many holders, in no order: which card is in force is decided by cardInForce. */
  cardsByHolderIds(nationalIds: readonly string[]): Promise<InsuranceCardRow[]> {
    return this.db<InsuranceCardRow>('insurance_cards').whereIn('national_id', nationalIds);
  }

  /** Reads the vaccinations of many people, oldest first; the id breaks ties so the order is stable. */
  vaccinationsByPersonIds(nationalIds: readonly string[]): Promise<VaccinationRow[]> {
    return this.db<VaccinationRow>('vaccinations')
      .whereIn('national_id', nationalIds)
      .orderBy([{ column: 'vaccinated_on' }, { column: 'dose' }, { column: 'id' }]);
  }

  /** Reads the encounters of many patients, most recent first. */
  encountersByPatientIds(nationalIds: readonly string[]): Promise<EncounterRow[]> {
    return this.db<EncounterRow>('encounters')
      .whereIn('national_id', nationalIds)
      .orderBy([{ column: 'encounter_date', order: 'desc' }, { column: 'id', order: 'desc' }]);
  }
}
