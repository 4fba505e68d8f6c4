import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { byBuiltInSector } from '../../common/sectors';
import type { DatabaseConfig, DatabaseName } from '../../common/config';
import { DATABASES, loadConfig } from '../../common/config';
import { connect, ensureDatabases } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';

export interface TestDatabases {
  config: DatabaseConfig;
  /** The four sector databases and the gateway's own store, each migrated. */
  databases: Record<DatabaseName, Knex>;
  destroy(): Promise<void>;
}

/**
 * Returns fresh, migrated databases for one test file (the four sectors' and the gateway's): SQLite files in a
 * temporary directory by default, or, when MYSQL_HOST is set, MySQL databases with a unique prefix that are
 * dropped again by destroy().
 */
export async function createTestDatabases(): Promise<TestDatabases> {
  const base = loadConfig({ ...process.env, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-test-')) }).database;
  const unique = `t${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const config: DatabaseConfig =
    base.engine === 'mysql' ? { ...base, databases: { ...byBuiltInSector((sector) => `dsp_${unique}_${sector}`), gateway: `dsp_${unique}_gateway` } } : base;
  await ensureDatabases(config, DATABASES);
  const databases = Object.fromEntries(DATABASES.map((name) => [name, connect(config, name)])) as Record<DatabaseName, Knex>;
  for (const name of DATABASES) await migrateLatest(databases[name], name);
  return {
    config,
    databases,
    async destroy() {
      await Promise.all(DATABASES.map((name) => databases[name].destroy()));
      if (config.engine === 'mysql') {
        const admin = connect({ ...config, databases: { ...config.databases, population: 'information_schema' } }, 'population');
        try {
          for (const name of DATABASES) await admin.raw('DROP DATABASE IF EXISTS ??', [config.databases[name]]);
        } finally {
          await admin.destroy();
        }
      } else {
        fs.rmSync(config.dataDirectory, { recursive: true, force: true });
      }
    },
  };
}

/** Given a knex instance, counts the SQL statements it sends from now on. */
export function countStatements(db: Knex): { readonly count: number; reset(): void } {
  let count = 0;
  db.on('query', () => {
    count += 1;
  });
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
  };
}

let commandData: string | null = null;

/** The data directory of the commands a test file runs against MySQL: made once per test process, removed when it exits. */
function commandDataDirectory(): string {
  if (commandData === null) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-test-command-'));
    process.once('exit', () => fs.rmSync(directory, { recursive: true, force: true }));
    commandData = directory;
  }
  return commandData;
}

/**
 * Given a database configuration, returns the process environment that points a command (npm start's scripts:
 * seed, steward, audit:verify) at the same databases: this process's environment without its own database
 * settings, plus the configuration's, with logs silenced.
 */
export function commandEnvironment(database: DatabaseConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { MYSQL_HOST: _host, DATA_DIR: _data, ...rest } = process.env;
  const common = { ...rest, LOG_LEVEL: 'silent', ...extra };
  if (database.engine === 'sqlite') return { ...common, DATA_DIR: database.dataDirectory };
  return {
    ...common,
    // A data directory of the test's own with MySQL too: keys, pins and the demo's files never land in the repository's data/.
    DATA_DIR: extra.DATA_DIR ?? commandDataDirectory(),
    MYSQL_HOST: database.host,
    MYSQL_PORT: String(database.port),
    MYSQL_USER: database.user,
    MYSQL_PASSWORD: database.password,
    ...Object.fromEntries(Object.entries(database.databases).map(([name, value]) => [`MYSQL_DATABASE_${name.toUpperCase()}`, value])),
  };
}
