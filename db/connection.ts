import fs from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import type { Knex } from 'knex';
import type { DatabaseConfig, DatabaseName } from '../common/config';
import { getLogger } from '../common/logger';

/** Given the database configuration and a sector, returns the knex options for that sector's database. */
export function knexOptions(database: DatabaseConfig, sector: DatabaseName): Knex.Config {
  const logger = getLogger(`db:${sector}`);
  // knex logs to the console by default, stack traces included; the process logger keeps one format.
  const firstLine = (message: unknown) => String(message).split('\n', 1)[0];
  const log = {
    warn: (message: unknown) => logger.warn({ detail: firstLine(message) }, 'database warning'),
    error: (message: unknown) => logger.error({ detail: firstLine(message) }, 'database error'),
    deprecate: (method: string, alternative: string) => logger.warn({ method, alternative }, 'deprecated database call'),
    debug: () => undefined,
  };
  if (database.engine === 'sqlite') {
    return {
      log,
      client: 'better-sqlite3',
      connection: { filename: path.join(database.dataDirectory, `${sector}.sqlite`) },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(connection: { pragma(statement: string): unknown }, done: (error: Error | null, connection: unknown) => void) {
          // WAL lets the seed and a running subgraph share the file; foreign keys are off by default in SQLite.
          connection.pragma('journal_mode = WAL');
          connection.pragma('synchronous = NORMAL');
          connection.pragma('foreign_keys = ON');
          done(null, connection);
        },
      },
    };
  }
  return {
    log,
    client: 'mysql2',
    connection: {
      host: database.host,
      port: database.port,
      user: database.user,
      password: database.password,
      database: database.databases[sector],
      charset: 'utf8mb4',
      // DATE columns come back as 'YYYY-MM-DD' strings, as they do from SQLite.
      dateStrings: true,
      supportBigNumbers: true,
      connectTimeout: 5000,
    },
    pool: { min: 0, max: database.poolMax },
    acquireConnectionTimeout: 5000,
  };
}

/**
 * Given the database configuration, makes sure every sector's database can be opened: creates the
 * SQLite data directory, or the MySQL databases (utf8mb4) when they do not exist yet.
 */
export async function ensureDatabases(database: DatabaseConfig, sectors: readonly DatabaseName[]): Promise<void> {
  if (database.engine === 'sqlite') {
    fs.mkdirSync(database.dataDirectory, { recursive: true });
    return;
  }
  const server = knex({
    client: 'mysql2',
    connection: { host: database.host, port: database.port, user: database.user, password: database.password, charset: 'utf8mb4' },
    pool: { min: 0, max: 1 },
  });
  try {
    for (const sector of sectors) {
      await server.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [database.databases[sector]]);
    }
  } finally {
    await server.destroy();
  }
}

/** Given the database configuration and a sector, returns a knex instance on that sector's database. */
export function connect(database: DatabaseConfig, sector: DatabaseName): Knex {
  return knex(knexOptions(database, sector));
}

/** Tells whether a knex instance talks to MySQL (as opposed to the embedded SQLite). */
export function isMysql(db: Knex): boolean {
  return db.client.config.client === 'mysql2';
}

/** Given a sector's database, returns the names of its tables, knex's own bookkeeping left out. */
export async function listTables(db: Knex): Promise<string[]> {
  const names: string[] = isMysql(db)
    ? (await db('information_schema.tables').where('table_schema', db.raw('database()')).select('table_name as name')).map((row: { name: string }) => row.name)
    : (await db('sqlite_master').where('type', 'table').select('name')).map((row: { name: string }) => row.name);
  return names.filter((name) => !name.startsWith('knex_') && !name.startsWith('sqlite_')).sort();
}
