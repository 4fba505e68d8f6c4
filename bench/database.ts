import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS, byBuiltInSector } from '../common/sectors';
import type { Config } from '../common/config';
import { DATABASES, loadConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest, migrateRollbackAll } from '../db/migrate';
import { isSeeded, seedAll } from '../db/seed';
import { loadOrCreateSigningKey } from '../gateway/audit/checkpoints';
import type { RunningWitness } from '../gateway/audit/witness/server';
import { startWitness } from '../gateway/audit/witness/server';
import { getLogger } from '../common/logger';
import { publicKeyText } from '../common/publicKeys';
import type { DatabaseServer } from './databaseServer';
import { externalDatabaseServer, startOwnDatabaseServer } from './databaseServer';
import type { BenchOptions } from './options';
import { REPOSITORY_ROOT } from './processes';

/** The bench's own databases, apart from the ones `npm start` and the tests use: reseeding them loses nothing. */
export const BENCH_DATABASE_PREFIX = 'bench_';

/** Where the bench's own database server keeps its data (the seeded data sets) between runs: data/ is not committed. */
export const OWN_DATABASE_DIRECTORY = path.join(REPOSITORY_ROOT, 'data', 'bench-database');

export interface BenchEnvironment {
  /** The environment every child process gets: production mode, signing keys, quiet logs, the run's temporary directory. */
  env: NodeJS.ProcessEnv;
  engine: 'mysql' | 'sqlite';
  /** The database server (MySQL engine), whose pid alone is counted as the database's CPU. */
  server: DatabaseServer | null;
  /** The run's own temporary directory: every child's TMPDIR, the SQLite files, the audit's signing key. */
  temporaryDirectory: string;
  smoke: boolean;
  /** Stops the bench's own database server and removes the run's temporary directory. */
  cleanUp(): Promise<void>;
}

/** One data set of the run: its size, the environment and configuration of the processes that serve it. */
export interface DataSet {
  citizens: number;
  env: NodeJS.ProcessEnv;
  config: Config;
  /** What the report says about where the data lives. */
  description: string;
}

/**
 * Given the options and a log, returns the environment of the bench's processes: NODE_ENV=production for
 * every process alike (with the managed keys production asks for: one fresh subgraph signing key, one audit
 * signing key for the run), warn-level logs, and one temporary directory for the whole run, every child's TMPDIR,
 * removed by cleanUp() with all that any process left in it. With MySQL, the database server is the bench's own
 * (started here, over data kept in OWN_DATABASE_DIRECTORY) or, with --database-server external, the one at
 * MYSQL_HOST.
 */
export async function benchEnvironment(
  options: Pick<BenchOptions, 'engine' | 'smoke' | 'databaseServer'>,
  log: (line: string) => void,
): Promise<BenchEnvironment> {
  const temporaryDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-'));
  const childTemporary = path.join(temporaryDirectory, 'tmp');
  fs.mkdirSync(childTemporary);
  const auditKeyFile = path.join(temporaryDirectory, 'audit-key', 'gateway-ed25519.pem');
  const auditKey = loadOrCreateSigningKey(auditKeyFile, true);
  // Production pins the gateway's checkpoint key and sends every checkpoint to a witness on another host: here the
  // witness runs in the bench's own process, which is not measured, with its store in the run's directory.
  const witness: RunningWitness = await startWitness({
    host: '127.0.0.1',
    port: 0,
    databaseFile: path.join(temporaryDirectory, 'witness.sqlite'),
    key: loadOrCreateSigningKey(path.join(temporaryDirectory, 'witness-key', 'witness-ed25519.pem'), true),
    trustedKeys: [auditKey],
    logger: getLogger('witness'),
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    TMPDIR: childTemporary,
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: 'true',
    SUBGRAPH_SIGNING_KEY: randomBytes(32).toString('base64url'),
    AUDIT_SIGNING_KEY_FILE: auditKeyFile,
    AUDIT_TRUSTED_KEYS: publicKeyText(auditKey.publicKey),
    AUDIT_WITNESS_URLS: witness.url,
    AUDIT_WITNESS_KEYS: witness.publicKey,
    // Production refuses the development identity provider; no citizen signs in during a run, so none is reached.
    CITIZEN_OIDC_ISSUER: 'https://citizen-sign-in.invalid/',
    CITIZEN_OIDC_CLIENT_ID: 'bench',
    CITIZEN_OIDC_REDIRECT_URL: 'https://bench.invalid/citizen/callback',
  };
  let server: DatabaseServer | null = null;
  const removeTemporary = async () => {
    await witness.stop();
    fs.rmSync(temporaryDirectory, { recursive: true, force: true });
  };
  try {
    if (options.engine === 'mysql') {
      server =
        options.databaseServer === 'own'
          ? await startOwnDatabaseServer(OWN_DATABASE_DIRECTORY, log)
          : externalDatabaseServer(process.env.MYSQL_HOST || '127.0.0.1', Number(process.env.MYSQL_PORT || 3306));
      Object.assign(env, { MYSQL_HOST: server.host, MYSQL_PORT: String(server.port) });
      if (options.databaseServer === 'own') Object.assign(env, { MYSQL_USER: 'root', MYSQL_PASSWORD: '' });
    } else {
      delete env.MYSQL_HOST;
    }
  } catch (error) {
    await removeTemporary();
    throw error;
  }
  return {
    env,
    engine: options.engine,
    server,
    temporaryDirectory,
    smoke: options.smoke,
    async cleanUp() {
      await server?.stop();
      await removeTemporary();
    },
  };
}

/**
 * Given the environment and a size, returns the data set of that size: its own sector databases
 * (bench_c<size>_population...; bench_smoke_c<size>_* for a smoke run) beside one gateway database, or SQLite
 * files in a directory of the run's own, so that two sizes can be seeded beforehand and measured in one run.
 */
export function dataSetEnvironment(environment: BenchEnvironment, citizens: number): DataSet {
  const env: NodeJS.ProcessEnv = { ...environment.env };
  const prefix = `${BENCH_DATABASE_PREFIX}${environment.smoke ? 'smoke_' : ''}`;
  if (environment.engine === 'mysql') {
    for (const name of DATABASES) env[`MYSQL_DATABASE_${name.toUpperCase()}`] = name === 'gateway' ? `${prefix}gateway` : `${prefix}c${citizens}_${name}`;
  } else {
    env.DATA_DIR = path.join(environment.temporaryDirectory, `data-${citizens}`);
    fs.mkdirSync(env.DATA_DIR, { recursive: true });
  }
  const config = loadConfig(env);
  const description =
    config.database.engine === 'mysql'
      ? `MySQL at ${config.database.host}:${config.database.port}, databases ${DATABASES.map((name) => (config.database.engine === 'mysql' ? config.database.databases[name] : name)).join(', ')}`
      : `SQLite files in the run's temporary directory`;
  return { citizens, env, config, description };
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
): Promise<{ databases: Record<BuiltInSector, Knex>; seededNow: boolean; seedSeconds: number }> {
  await ensureDatabases(config.database, DATABASES);
  const databases = byBuiltInSector((sector) => connect(config.database, sector));
  try {
    for (const sector of BUILT_IN_SECTORS) await migrateLatest(databases[sector], sector);
    const present = await citizenCount(databases.population);
    if (present === citizens) {
      log(`Databases already hold ${citizens.toLocaleString('en-US')} citizens: reused.`);
      return { databases, seededNow: false, seedSeconds: 0 };
    }
    if (present > 0 || (await isSeeded(databases))) {
      log(`Databases hold ${present.toLocaleString('en-US')} citizens, not ${citizens.toLocaleString('en-US')}: emptying them.`);
      for (const sector of BUILT_IN_SECTORS) await migrateRollbackAll(databases[sector], sector);
      for (const sector of BUILT_IN_SECTORS) await migrateLatest(databases[sector], sector);
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
    await Promise.all(BUILT_IN_SECTORS.map((sector) => databases[sector].destroy()));
    throw error;
  }
}
