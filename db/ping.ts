import type { Knex } from 'knex';

/** Given a database, resolves once it has answered the cheapest statement there is, and rejects when it cannot. */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}
