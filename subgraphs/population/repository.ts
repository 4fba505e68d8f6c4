import type { Knex } from 'knex';
import type { CursorKey, PageRequest } from '../../common/pagination';
import { prefixUpperBound } from '../../common/text';
import { afterKey } from '../../db/keyset';
import type { AdministrativeUnitRow, CitizenRow, HouseholdMemberRow, HouseholdRow } from '../../db/rows';

/** The population database's queries: the only module of this subgraph that holds SQL. */
export class PopulationRepository {
  constructor(private readonly db: Knex) {}

  citizensByIds(nationalIds: readonly string[]): Promise<CitizenRow[]> {
    return this.db<CitizenRow>('citizens').whereIn('national_id', nationalIds);
  }

  /** Reads one page (plus one row that tells whether there is a next) of a commune's current residents. */
  citizensByCurrentUnit(unitCode: string, status: string | null, page: PageRequest): Promise<CitizenRow[]> {
    const query = this.db<CitizenRow>('citizens').where('current_unit_code', unitCode);
    if (status !== null) query.where('status', status);
    return afterKey(query, ['national_id'], page.after).limit(page.size + 1);
  }

  /** Reads one page of the citizens whose folded name starts with a folded prefix, as a range on the index. */
  citizensBySearchPrefix(foldedPrefix: string, page: PageRequest): Promise<CitizenRow[]> {
    const query = this.db<CitizenRow>('citizens')
      .where('search_name', '>=', foldedPrefix)
      .where('search_name', '<', prefixUpperBound(foldedPrefix));
    return afterKey(query, ['search_name', 'national_id'], page.after).limit(page.size + 1);
  }

  unitsByCodes(codes: readonly string[]): Promise<AdministrativeUnitRow[]> {
    return this.db<AdministrativeUnitRow>('administrative_units').whereIn('code', codes);
  }

  unitsByParentCodes(parentCodes: readonly string[]): Promise<AdministrativeUnitRow[]> {
    return this.db<AdministrativeUnitRow>('administrative_units').whereIn('parent_code', parentCodes).orderBy('code');
  }

  householdsByCodes(codes: readonly string[]): Promise<HouseholdRow[]> {
    return this.db<HouseholdRow>('households').whereIn('code', codes);
  }

  membersByHouseholdCodes(codes: readonly string[]): Promise<HouseholdMemberRow[]> {
    return this.db<HouseholdMemberRow>('household_members').whereIn('household_code', codes).orderBy('national_id');
  }

  membershipsByNationalIds(nationalIds: readonly string[]): Promise<HouseholdMemberRow[]> {
    return this.db<HouseholdMemberRow>('household_members').whereIn('national_id', nationalIds);
  }
}

/** The sort key of a citizen in the name-prefix list. */
export const searchKeyOf = (row: CitizenRow): CursorKey => [row.search_name, row.national_id];
