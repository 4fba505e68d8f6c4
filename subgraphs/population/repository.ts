import type { Knex } from 'knex';
import type { CursorKey, PageRequest } from '../../common/pagination';
import { prefixUpperBound } from '../../common/text';
import { afterKey } from '../../db/keyset';
import type { AdministrativeUnitRow, CitizenRow, HouseholdMemberRow, HouseholdRow } from '../../db/rows';
import type { RowScope, SubjectScope } from '../scope';
import { ofSubject, referencingScope, withinScope } from '../scope';

/** A citizen's membership read with its household, whose columns are named household_*: null when the household row is missing. */
export interface MembershipWithHouseholdRow extends HouseholdMemberRow {
  household_unit_code: string | null;
  household_address: string | null;
  household_head_national_id: string | null;
}

/** A citizen read with the membership of a household in scope, whose columns are named membership_*, and its household (household_*): null without one. */
export interface CitizenWithMembershipRow extends CitizenRow {
  membership_household_code: string | null;
  membership_relationship: string | null;
  household_unit_code: string | null;
  household_address: string | null;
  household_head_national_id: string | null;
}

/**
 * The population database's queries: the only module of this subgraph that holds SQL. Citizens are in
 * the request's scope by their current residence, households by their unit; administrative units are
 * open reference data and never scoped. With a subject (a citizen reading their own data), only that citizen,
 * their own membership and the household they belong to are read.
 */
export class PopulationRepository {
  constructor(
    private readonly db: Knex,
    private readonly scope: RowScope,
    private readonly subject: SubjectScope = null,
  ) {}

  private citizens(): Knex.QueryBuilder<CitizenRow, CitizenRow[]> {
    // Qualified: a citizen may be read joined with its membership, which has a national_id of its own.
    return ofSubject(withinScope(this.db<CitizenRow>('citizens'), 'citizens.current_unit_code', this.scope), 'citizens.national_id', this.subject);
  }

  private households(): Knex.QueryBuilder<HouseholdRow, HouseholdRow[]> {
    const query = withinScope(this.db<HouseholdRow>('households'), 'unit_code', this.scope);
    if (this.subject !== null) query.whereIn('code', ofSubject(this.db('household_members').select('household_code'), 'national_id', this.subject));
    return query;
  }

  /** A membership tells of a citizen and of a household: it is in scope only when both are. */
  private memberships(): Knex.QueryBuilder<HouseholdMemberRow, HouseholdMemberRow[]> {
    const query = ofSubject(this.db<HouseholdMemberRow>('household_members'), 'national_id', this.subject);
    referencingScope(query, 'national_id', this.scope, () => this.db('citizens').select('national_id'), 'current_unit_code');
    return referencingScope(query, 'household_code', this.scope, () => this.db('households').select('code'), 'unit_code');
  }

  citizensByIds(nationalIds: readonly string[]): Promise<CitizenRow[]> {
    return this.citizens().whereIn('national_id', nationalIds);
  }

  /**
   * Reads many citizens and, in the same statement, the membership of each that memberships() admits (so in scope
   * and of the subject) with its household: a citizen in more than one household comes once per membership.
   */
  citizensWithMembershipsByIds(nationalIds: readonly string[]): Promise<CitizenWithMembershipRow[]> {
    return this.citizens()
      .leftJoin(this.memberships().as('membership'), 'membership.national_id', 'citizens.national_id')
      .leftJoin('households', 'households.code', 'membership.household_code')
      .whereIn('citizens.national_id', nationalIds)
      .select(
        'citizens.*',
        'membership.household_code as membership_household_code',
        'membership.relationship as membership_relationship',
        'households.unit_code as household_unit_code',
        'households.address as household_address',
        'households.head_national_id as household_head_national_id',
      );
  }

  /** Reads one page (plus one row that tells whether there is a next) of a commune's current residents. */
  citizensByCurrentUnit(unitCode: string, status: string | null, page: PageRequest): Promise<CitizenRow[]> {
    const query = this.citizens().where('current_unit_code', unitCode);
    if (status !== null) query.where('status', status);
    return afterKey(query, ['national_id'], page.after).limit(page.size + 1);
  }

  /** Reads one page of the citizens whose folded name starts with a folded prefix, as a range on the index. */
  citizensBySearchPrefix(foldedPrefix: string, page: PageRequest): Promise<CitizenRow[]> {
    const query = this.citizens().where('search_name', '>=', foldedPrefix).where('search_name', '<', prefixUpperBound(foldedPrefix));
    return afterKey(query, ['search_name', 'national_id'], page.after).limit(page.size + 1);
  }

  unitsByCodes(codes: readonly string[]): Promise<AdministrativeUnitRow[]> {
    return this.db<AdministrativeUnitRow>('administrative_units').whereIn('code', codes);
  }

  unitsByParentCodes(parentCodes: readonly string[]): Promise<AdministrativeUnitRow[]> {
    return this.db<AdministrativeUnitRow>('administrative_units').whereIn('parent_code', parentCodes).orderBy('code');
  }

  householdsByCodes(codes: readonly string[]): Promise<HouseholdRow[]> {
    return this.households().whereIn('code', codes);
  }

  membersByHouseholdCodes(codes: readonly string[]): Promise<HouseholdMemberRow[]> {
    return this.memberships().whereIn('household_code', codes).orderBy('national_id');
  }

  /**
   * Reads the memberships of many citizens and, in the same statement, the household of each: a membership is in
   * scope only when its household is, so the household needs no scope of its own here.
   */
  membershipsByNationalIds(nationalIds: readonly string[]): Promise<MembershipWithHouseholdRow[]> {
    return this.memberships()
      .leftJoin('households', 'households.code', 'household_members.household_code')
      .whereIn('household_members.national_id', nationalIds)
      .select(
        'household_members.*',
        'households.unit_code as household_unit_code',
        'households.address as household_address',
        'households.head_national_id as household_head_national_id',
      );
  }
}

/** The sort key of a citizen in the name-prefix list. */
export const searchKeyOf = (row: CitizenRow): CursorKey => [row.search_name, row.national_id];
