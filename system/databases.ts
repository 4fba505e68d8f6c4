import type { Knex } from 'knex';
import type { Config, DatabaseName } from '../common/config';
import { DATABASES } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';

/** Every database of the platform, migrated and open: the four sectors' and the gateway's own store. */
export type PlatformDatabases = Record<DatabaseName, Knex>;

/** Given the configuration, opens every database (creating it if needed) and applies pending migrations. */
export async function openDatabases(config: Config): Promise<PlatformDatabases> {
  await ensureDatabases(config.database, DATABASES);
  const databases = Object.fromEntries(DATABASES.map((name) => [name, connect(config.database, name)])) as PlatformDatabases;
  try {
    for (const name of DATABASES) await migrateLatest(databases[name], name);
  } catch (error) {
    await closeDatabases(databases);
    throw error;
  }
  return databases;
}

/** Closes every database. */
export async function closeDatabases(databases: PlatformDatabases): Promise<void> {
  await Promise.all(DATABASES.map((name) => databases[name].destroy()));
}
