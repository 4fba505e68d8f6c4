import type { Knex } from 'knex';
import type { DatabaseName } from '../common/config';
import { educationMigrations } from './migrations/education';
import { gatewayMigrations } from './migrations/gateway';
import { healthMigrations } from './migrations/health';
import { landMigrations } from './migrations/land';
import { populationMigrations } from './migrations/population';

/** A migration: a timestamped name, with up and down. */
export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

const MIGRATIONS: Record<DatabaseName, Migration[]> = {
  population: populationMigrations,
  land: landMigrations,
  health: healthMigrations,
  education: educationMigrations,
  gateway: gatewayMigrations,
};

/**
 * Given a list of migrations, returns a knex migration source. The list is imported statically so the
 * same migrations run under tsx, jest and compiled JavaScript alike.
 */
export function migrationSource(migrations: Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...migrations].sort((a, b) => a.name.localeCompare(b.name)),
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => ({ up: migration.up, down: migration.down }),
  };
}

function migratorConfig(sector: DatabaseName): Knex.MigratorConfig {
  return { migrationSource: migrationSource(MIGRATIONS[sector]), tableName: 'knex_migrations' };
}

/** Given a sector's database, applies every pending migration; returns the names applied. */
export async function migrateLatest(db: Knex, sector: DatabaseName): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migratorConfig(sector))) as [number, string[]];
  return applied;
}

/** Given a sector's database, rolls every migration back (used by tests and `npm run db:reset`). */
export async function migrateRollbackAll(db: Knex, sector: DatabaseName): Promise<void> {
  await db.migrate.rollback(migratorConfig(sector), true);
}
