import type { Knex } from 'knex';
import type {
  CitizenRow,
  DiplomaRow,
  EnrollmentRow,
  FacilityRow,
  HouseholdMemberRow,
  HouseholdRow,
  InsuranceCardRow,
  OwnershipShareRow,
  ParcelRow,
  SchoolRow,
} from '../../db/rows';
import type { GraphQLResponse } from './graphql';

/** Every row a scope test compares with, read once from the seeded databases. */
export interface ScopeWorld {
  citizens: Map<string, CitizenRow>;
  households: Map<string, HouseholdRow>;
  members: HouseholdMemberRow[];
  parcels: Map<number, ParcelRow>;
  shares: OwnershipShareRow[];
  enrollments: EnrollmentRow[];
  schools: Map<string, SchoolRow>;
  cards: InsuranceCardRow[];
  facilities: Map<string, FacilityRow>;
  diplomas: DiplomaRow[];
}

/** Given the four sector databases, reads the rows a scope test needs. */
export async function readScopeWorld(databases: Record<'population' | 'land' | 'health' | 'education', Knex>): Promise<ScopeWorld> {
  const { population, land, health, education } = databases;
  const [citizens, households, members, parcels, shares, enrollments, schools, cards, facilities, diplomas] = await Promise.all([
    population<CitizenRow>('citizens'),
    population<HouseholdRow>('households'),
    population<HouseholdMemberRow>('household_members'),
    land<ParcelRow>('parcels'),
    land<OwnershipShareRow>('ownership_shares'),
    education<EnrollmentRow>('enrollments'),
    education<SchoolRow>('schools'),
    health<InsuranceCardRow>('insurance_cards'),
    health<FacilityRow>('facilities'),
    education<DiplomaRow>('diplomas'),
  ]);
  return {
    citizens: new Map(citizens.map((row) => [row.national_id, row])),
    households: new Map(households.map((row) => [row.code, row])),
    members,
    parcels: new Map(parcels.map((row) => [row.id, row])),
    shares,
    enrollments,
    schools: new Map(schools.map((row) => [row.code, row])),
    cards,
    facilities: new Map(facilities.map((row) => [row.code, row])),
    diplomas,
  };
}

/** Given a value, returns every string it holds, at any depth. */
function stringsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, into);
  return into;
}

/**
 * Given a response and a test of national IDs, returns the national IDs of the citizens out of scope that appear
 * anywhere in it (data, errors, extensions): none should.
 */
export function leakedIds(response: GraphQLResponse & { extensions?: unknown }, outOfScope: (nationalId: string) => boolean): string[] {
  return stringsOf([response.data, response.errors, response.extensions]).filter((text) => /^\d{12}$/.test(text) && outOfScope(text));
}

/** Given rows and a key, returns the rows sorted by that key, as the subgraphs order them. */
export function sortedBy<T>(rows: readonly T[], key: (row: T) => string | number): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
