import type { Knex } from 'knex';

/** A seeded citizen the development identity provider offers to sign in as. */
export interface DemoCitizen {
  nationalId: string;
  fullName: string;
}

/** Given the population database and a count, returns that many seeded citizens, by national ID: the same ones on every start. */
export async function demoCitizens(population: Knex, count: number): Promise<DemoCitizen[]> {
  const rows = await population('citizens').select('national_id', 'full_name').orderBy('national_id').limit(count);
  return rows.map((row: { national_id: string; full_name: string }) => ({ nationalId: row.national_id, fullName: row.full_name }));
}
