import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config, Sector } from '../common/config';
import { DATABASES, SECTORS, bySector, loadConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest, migrateRollbackAll } from '../db/migrate';
import { isSeeded, seedAll } from '../db/seed';

/** The bench's own databases, apart from the ones `npm start` and the tests use: reseeding them loses nothing. */
export const BENCH_DATABASE_PREFIX = 'bench_';

export interface BenchEnvironment {
  /** The environment every child process gets: database, signing key, quiet logs. */
  env: NodeJS.ProcessEnv;
  config: Config;
  /** What the report says about where the data lives. */
  description: string;
  /** Removes what the environment created for this run alone (the SQLite directory). */
  cleanUp(): void;
}

/**
 * Given the engine and whether this is a smoke run, returns the environment of the bench's processes:
 * dedicated MySQL databases (bench_population..., bench_gateway; bench_smoke_* for a smoke run) or SQLite
 * files in a temporary directory, one fresh signing key shared by the gateway and the subgraphs, and warn-level
 * logs. NODE_ENV is left unset for every process alike: production mode requires managed keys (audit
 * signing) that a bench does not have.
 */
export function benchEnvironment(engine: 'mysql' | 'sqlite', smoke: boolean): BenchEnvironment {
  const prefix = smoke ? `${BENCH_DATABASE_PREFIX}smoke_` : BENCH_DATABASE_PREFIX;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: 'true',
    SUBGRAPH_SIGNING_KEY: randomBytes(32).toString('base64url'),
  };
  delete env.NODE_ENV;
  let temporary: string | null = null;
  if (engine === 'mysql') {
    env.MYSQL_HOST ||= '127.0.0.1';
    for (const name of DATABASES) env[`MYSQL_DATABASE_${name.toUpperCase()}`] = `${prefix}${name}`;
  } else {
    delete env.MYSQL_HOST;
    temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-'));
    env.DATA_DIR = temporary;
  }
  const config = loadConfig(env);
  const description =
    config.database.engine === 'mysql'
      ? `MySQL at ${config.database.host}:${config.database.port}, databases ${DATABASES.map((name) => (config.database.engine === 'mysql' ? config.database.databases[name] : name)).join(', ')}`
      : `SQLite files in ${config.database.dataDirectory}`;
  return {
    env,
    config,
    description,
    cleanUp() {
      if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
    },
  };
}

/** Given a population database, returns how many citizens it holds (0 when the table does not exist yet). */
async function citizenCount(population: Knex): Promise<number> {
  if (!(await population.schema.hasTable('citizens'))) return 0;
  const [row] = await population('citizens').count({ total: '*' });
  return Number(row?.total ?? 0);
}

/**
 * Given the configuration, a size and a random seed, makes sure the bench's sector databases hold exactly that
 * many citizens: reused when they do, otherwise emptied (every migration rolled back) and seeded again.
 * Returns the open sector databases and whether they were seeded now.
 */
export async function ensureSeeded(
  config: Config,
  citizens: number,
  randomSeed: number,
  log: (line: string) => void,
): Promise<{ databases: Record<Sector, Knex>; seededNow: boolean; seedSeconds: number }> {
  await ensureDatabases(config.database, DATABASES);
  const databases = bySector((sector) => connect(config.database, sector));
  try {
    for (const sector of SECTORS) await migrateLatest(databases[sector], sector);
    const present = await citizenCount(databases.population);
    if (present === citizens) {
      log(`Databases already hold ${citizens.toLocaleString('en-US')} citizens: reused.`);
      return { databases, seededNow: false, seedSeconds: 0 };
    }
    if (present > 0 || (await isSeeded(databases))) {
      log(`Databases hold ${present.toLocaleString('en-US')} citizens, not ${citizens.toLocaleString('en-US')}: emptying them.`);
      for (const sector of SECTORS) await migrateRollbackAll(databases[sector], sector);
      for (const sector of SECTORS) await migrateLatest(databases[sector], sector);
    }
    log(`Seeding ${citizens.toLocaleString('en-US')} citizens (seed ${randomSeed})…`);
    const written = new Map<string, number>();
    let lastLine = Date.now();
    const summary = await seedAll(databases, {
      citizens,
      randomSeed,
      onProgress({ table, rows }) {
        written.set(table, rows);
        // A large seed takes minutes: a line every ten seconds shows it is moving.
        if (Date.now() - lastLine < 10_000) return;
        lastLine = Date.now();
        log(`  ${[...written.values()].reduce((sum, count) => sum + count, 0).toLocaleString('en-US')} rows so far, last ${table}`);
      },
    });
    log(`Seeded ${summary.totalRows.toLocaleString('en-US')} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s.`);
    return { databases, seededNow: true, seedSeconds: summary.elapsedMs / 1000 };
  } catch (error) {
    await Promise.all(SECTORS.map((sector) => databases[sector].destroy()));
    throw error;
  }
}
