import type { Knex } from 'knex';
import { UsageError, readCommandLine } from '../common/commandLine';
import { ConfigError, getConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest, migrateRollbackAll } from '../db/migrate';
import type { SeedProgress } from '../db/seed';
import { REFERENCE_DATE, isSeeded, seedAll } from '../db/seed';
import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS } from '../common/sectors';

const USAGE = `Usage: npm run seed -- [--citizens N] [--seed S] [--reset]

Fills the four sector databases (SQLite in DATA_DIR, or MySQL when MYSQL_HOST is set) with a
deterministic synthetic population of Thanh Hóa and its land, health and education records.

  --citizens N   number of citizens, 1 to 10000000 (default SEED_CITIZENS, 10000 unless set)
  --seed S       random seed, 0 to 2147483647 (default SEED_RANDOM, 38 unless set); same seed, same data
  --reset        roll every migration back, migrate again and seed: ALL DATA IN THE FOUR DATABASES IS LOST
  --help         show this text

Ages, card validity and school years are reckoned on ${REFERENCE_DATE}.
`;

interface SeedArguments {
  citizens?: number;
  randomSeed?: number;
  reset: boolean;
  help: boolean;
}

/** Given the command-line arguments after the script name, returns the options, or throws a UsageError saying what is wrong. */
function parseSeedArguments(argv: readonly string[]): SeedArguments {
  const parsed: SeedArguments = { reset: false, help: false };
  const whole = (flag: string, raw: string | undefined, max: number): number => {
    if (raw === undefined || !/^\d+$/.test(raw)) throw new UsageError(`${flag} needs a whole number, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
    const value = Number(raw);
    if (value > max || (flag === '--citizens' && value < 1))
      throw new UsageError(`${flag} must be from ${flag === '--citizens' ? 1 : 0} to ${max}, got ${raw}`);
    return value;
  };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    const [flag, inline] =
      argument.startsWith('--') && argument.includes('=')
        ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
        : [argument, undefined];
    const value = () => inline ?? argv[++index];
    switch (flag) {
      case '--citizens':
        parsed.citizens = whole(flag, value(), 10_000_000);
        break;
      case '--seed':
        parsed.randomSeed = whole(flag, value(), 2 ** 31 - 1);
        break;
      case '--reset':
        parsed.reset = true;
        break;
      case '--help':
      case '-h':
        parsed.help = true;
        break;
      default:
        throw new UsageError(`unknown argument "${argument}"`);
    }
  }
  return parsed;
}

/** Given a count, returns it with thousands separators: 1,234,567. */
function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** Returns a progress callback that redraws one status line on stderr at most every half second. */
function progressReporter(started: number): { onProgress(progress: SeedProgress): void; finish(): void } {
  const latest = new Map<string, number>();
  let lastDrawn = 0;
  const interactive = process.stderr.isTTY === true;
  const draw = (table: string) => {
    const total = [...latest.values()].reduce((sum, rows) => sum + rows, 0);
    const seconds = (Date.now() - started) / 1000;
    const line = `  ${formatCount(total)} rows in ${seconds.toFixed(1)} s (${formatCount(total / Math.max(seconds, 0.001))} rows/s), last ${table}`;
    process.stderr.write(interactive ? `\r${line.padEnd(100)}` : `${line}\n`);
  };
  return {
    onProgress({ table, rows, done }) {
      latest.set(table, rows);
      const now = Date.now();
      // A pipe or log file gets a line every five seconds rather than a redraw.
      if (!done && now - lastDrawn >= (interactive ? 500 : 5000)) {
        lastDrawn = now;
        draw(table);
      }
    },
    finish() {
      if (interactive) process.stderr.write('\n');
    },
  };
}

/** Given an error message, returns it cut to a readable length: a failed insert quotes its whole SQL, the cause is at the end. */
function shorten(message: string): string {
  return message.length > 600 ? `${message.slice(0, 200)} … ${message.slice(-300)}` : message;
}

/**
 * `npm run seed -- --citizens N [--seed S] [--reset]`: migrates the four sector databases and seeds them.
 * Returns the exit code: 0 when seeded, 1 when the databases already hold data (and --reset was not given),
 * 2 for a bad flag. Any other failure exits 1 with its cause.
 */
async function main(): Promise<number> {
  const options = readCommandLine('seed', USAGE, () => {
    const parsed = parseSeedArguments(process.argv.slice(2));
    return parsed.help ? 'help' : parsed;
  });
  if (typeof options === 'number') return options;
  const config = getConfig();
  const citizens = options.citizens ?? config.seed.citizens;
  const randomSeed = options.randomSeed ?? config.seed.randomSeed;
  const database = config.database;
  const where =
    database.engine === 'sqlite'
      ? `SQLite files in ${database.dataDirectory}`
      : `MySQL at ${database.host}:${database.port} (${BUILT_IN_SECTORS.map((sector) => database.databases[sector]).join(', ')})`;
  process.stderr.write(`Databases: ${where}\n`);

  await ensureDatabases(config.database, BUILT_IN_SECTORS);
  const databases = Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [sector, connect(config.database, sector)])) as Record<BuiltInSector, Knex>;
  try {
    if (options.reset) {
      process.stderr.write('Resetting: rolling every migration back and migrating again…\n');
      for (const sector of BUILT_IN_SECTORS) await migrateRollbackAll(databases[sector], sector);
    } else if (await isSeeded(databases)) {
      process.stderr.write('The sector databases already hold data; nothing was written. Run again with --reset to replace ALL of it.\n');
      return 1;
    }
    for (const sector of BUILT_IN_SECTORS) await migrateLatest(databases[sector], sector);

    process.stderr.write(`Seeding ${formatCount(citizens)} citizens with seed ${randomSeed} (reference date ${REFERENCE_DATE})…\n`);
    const started = Date.now();
    const reporter = progressReporter(started);
    const summary = await seedAll(databases, { citizens, randomSeed, onProgress: reporter.onProgress });
    reporter.finish();
    for (const sector of BUILT_IN_SECTORS) {
      for (const [table, rows] of Object.entries(summary.rows[sector]))
        process.stderr.write(`  ${`${sector}.${table}`.padEnd(38)} ${formatCount(rows).padStart(12)}\n`);
    }
    const seconds = summary.elapsedMs / 1000;
    process.stderr.write(
      `Seeded ${formatCount(summary.totalRows)} rows in ${seconds.toFixed(1)} s (${formatCount(summary.totalRows / Math.max(seconds, 0.001))} rows/s).\n`,
    );
    return 0;
  } finally {
    await Promise.all(BUILT_IN_SECTORS.map((sector) => databases[sector].destroy()));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : `Seeding failed: ${shorten(error instanceof Error ? error.message : String(error))}`}\n`,
    );
    process.exit(1);
  },
);
