import type { Knex } from 'knex';
import type { PageRequest } from '../../common/pagination';
import { afterKey } from '../../db/keyset';
import type { EncounterRow, FacilityRow, InsuranceCardRow, VaccinationRow } from '../../db/rows';
import type { RowScope, SubjectScope } from '../scope';
import { ofSubject, referencingScope } from '../scope';

/** An insurance card read with its primary-care facility, whose columns are named facility_*: null when the facility row is missing. */
export interface CardWithFacilityRow extends InsuranceCardRow {
  facility_name: string | null;
  facility_level: string | null;
  facility_commune_code: string | null;
}

/**
 * The health database's queries: the only module of this subgraph that holds SQL. A card is in the
 * request's scope when its primary-care facility stands in a commune of the scope, a vaccination or an
 * encounter when its facility does; facilities are open reference data and never scoped. With a subject (a
 * citizen reading their own data), only that citizen's cards, vaccinations and encounters are read.
 */
export class HealthRepository {
  constructor(
    private readonly db: Knex,
    private readonly scope: RowScope,
    private readonly subject: SubjectScope = null,
  ) {}

  /** Given a query of a person's rows that refer to a facility through a column, keeps those in scope and of the subject. */
  private atFacilitiesInScope<Q extends Knex.QueryBuilder>(query: Q, facilityColumn: string): Q {
    ofSubject(query, 'national_id', this.subject);
    return referencingScope(query, facilityColumn, this.scope, () => this.db('facilities').select('code'), 'commune_code');
  }

  private cards(): Knex.QueryBuilder<InsuranceCardRow, InsuranceCardRow[]> {
    return this.atFacilitiesInScope(this.db<InsuranceCardRow>('insurance_cards'), 'primary_care_facility_code');
  }

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
    return this.cards().whereIn('social_insurance_number', socialInsuranceNumbers);
  }

  /** Reads every card of many holders, in no order: which card is in force is decided by cardInForce. */
  /**
   * Reads the cards of many holders and, in the same statement, the primary-care facility of each: facilities are
   * open reference data, read unscoped wherever they are read.
   */
  cardsByHolderIds(nationalIds: readonly string[]): Promise<CardWithFacilityRow[]> {
    return this.cards()
      .leftJoin('facilities', 'facilities.code', 'insurance_cards.primary_care_facility_code')
      .whereIn('insurance_cards.national_id', nationalIds)
      .select(
        'insurance_cards.*',
        'facilities.name as facility_name',
        'facilities.level as facility_level',
        'facilities.commune_code as facility_commune_code',
      );
  }

  /** Reads the vaccinations of many people, oldest first; the id breaks ties so the order is stable. */
  vaccinationsByPersonIds(nationalIds: readonly string[]): Promise<VaccinationRow[]> {
    return this.atFacilitiesInScope(this.db<VaccinationRow>('vaccinations'), 'facility_code')
      .whereIn('national_id', nationalIds)
      .orderBy([{ column: 'vaccinated_on' }, { column: 'dose' }, { column: 'id' }]);
  }

  /** Reads the encounters of many patients, most recent first. */
  encountersByPatientIds(nationalIds: readonly string[]): Promise<EncounterRow[]> {
    return this.atFacilitiesInScope(this.db<EncounterRow>('encounters'), 'facility_code')
      .whereIn('national_id', nationalIds)
      .orderBy([
        { column: 'encounter_date', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
  }
}
