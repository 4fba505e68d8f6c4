import type { Knex } from 'knex';

import type { GeneratorOptions, SeedTable, TableBatch } from './generator';
import { REFERENCE_DATE, SEED_TABLES, generateSeedRows } from './generator';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';

export { REFERENCE_DATE, SEED_TABLES, generateSeedRows } from './generator';
export type { GeneratorOptions, SeedTable, TableBatch } from './generator';

export interface SeedProgress {
  /** The table written to, qualified by its sector: "population.citizens". */
  table: string;
  /** Rows written to that table so far. */
  rows: number;
  /** True once, for every table, when the whole seed has been written. */
  done: boolean;
}

export interface SeedOptions extends Pick<GeneratorOptions, 'citizens' | 'randomSeed' | 'referenceDate'> {
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  citizens: number;
  randomSeed: number;
  referenceDate: string;
  /** Rows written, by sector and table. */
  rows: { [S in BuiltInSector]: Record<string, number> };
  totalRows: number;
  elapsedMs: number;
}

/** SQLite refuses a statement with more than 32,766 bound parameters; one insert stays under it. */
const SQLITE_MAX_PARAMETERS = 32_766;
/** Rows per INSERT statement: large enough that round trips do not dominate, small enough for any packet limit. */
const MAX_ROWS_PER_INSERT = 2_000;
/** Batches a sector may have waiting before the generator pauses: bounds memory while the four databases work in parallel. */
const MAX_QUEUED_BATCHES = 4;

/** Given the number of columns of a table, returns how many rows one multi-row INSERT may carry. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(SQLITE_MAX_PARAMETERS / columns)));
}

/**
 * Writes one sector's batches in the order they come, one transaction per batch, while the other sectors'
 * writers run concurrently. The first failure stops further writes and is rethrown to the caller.
 */
class SectorWriter {
  private tail: Promise<void> = Promise.resolve();
  private readonly queued: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly db: Knex,
    private readonly written: (batch: TableBatch) => void,
  ) {}

  enqueue(batch: TableBatch): void {
    const step = this.tail
      .then(() => (this.failure ? undefined : this.write(batch)))
      .catch((error: unknown) => {
        this.failure ??= { error };
      });
    this.tail = step;
    this.queued.push(step);
  }

  /** Waits until at most `limit` batches are queued; throws the first write failure. */
  async drain(limit: number): Promise<void> {
    while (this.queued.length > limit) await this.queued.shift();
    if (this.failure) throw this.failure.error;
  }

  private async write(batch: TableBatch): Promise<void> {
    const rows: object[] = batch.rows;
    const size = rowsPerInsert(Object.keys(rows[0]!).length);
    await this.db.transaction(async (transaction) => {
      for (let start = 0; start < rows.length; start += size) await insertRows(transaction, batch.table, rows.slice(start, start + size));
    });
    this.written(batch);
  }
}

/**
 * Given a table and rows that share their keys, inserts them with one `INSERT ... VALUES (...), (...)`.
 * Written out rather than left to knex, whose SQLite dialect turns a multi-row insert into a compound
 * SELECT that SQLite caps at 500 terms.
 */
async function insertRows(db: Knex | Knex.Transaction, table: string, rows: readonly object[]): Promise<void> {
  const columns = Object.keys(rows[0]!);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const bindings: unknown[] = [table, ...columns];
  for (const row of rows) for (const column of columns) bindings.push((row as Record<string, unknown>)[column]);
  const sql = `insert into ?? (${columns.map(() => '??').join(', ')}) values ${rows.map(() => tuple).join(', ')}`;
  await db.raw(sql, bindings as Knex.RawBinding[]);
}

/**
 * Given the four sector databases (migrated and empty) and the size and seed of the data set, generates and
 * inserts every row: multi-row INSERTs, a transaction per batch, the four databases written in parallel.
 * Returns the row counts per table. The rows depend only on citizens, randomSeed and referenceDate.
 */
export async function seedAll(databases: Record<BuiltInSector, Knex>, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const rows = Object.fromEntries(
    BUILT_IN_SECTORS.map((sector) => [sector, Object.fromEntries(SEED_TABLES[sector].map((table) => [table, 0]))]),
  ) as SeedSummary['rows'];
  const written = (batch: TableBatch) => {
    const total = (rows[batch.sector][batch.table] ?? 0) + batch.rows.length;
    rows[batch.sector][batch.table] = total;
    options.onProgress?.({ table: `${batch.sector}.${batch.table}`, rows: total, done: false });
  };
  const writers = Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [sector, new SectorWriter(databases[sector], written)])) as Record<
    BuiltInSector,
    SectorWriter
  >;
  const generator = generateSeedRows({ citizens: options.citizens, randomSeed: options.randomSeed, referenceDate: options.referenceDate });
  try {
    for (const batch of generator) {
      writers[batch.sector].enqueue(batch);
      // Reference rows (units, facilities, schools) must be in before rows that point at them.
      const referenceTable = batch.table === SEED_TABLES[batch.sector][0];
      await writers[batch.sector].drain(referenceTable ? 0 : MAX_QUEUED_BATCHES);
    }
    await Promise.all(BUILT_IN_SECTORS.map((sector) => writers[sector].drain(0)));
  } catch (error) {
    // Let the other sectors finish what they started before reporting, so no write outlives the call.
    await Promise.allSettled(BUILT_IN_SECTORS.map((sector) => writers[sector].drain(0)));
    throw error;
  }
  for (const sector of BUILT_IN_SECTORS) {
    for (const table of SEED_TABLES[sector]) options.onProgress?.({ table: `${sector}.${table}`, rows: rows[sector][table]!, done: true });
  }
  const totalRows = BUILT_IN_SECTORS.reduce((sum, sector) => sum + Object.values(rows[sector]).reduce((a, b) => a + b, 0), 0);
  return {
    citizens: options.citizens,
    randomSeed: options.randomSeed,
    referenceDate: options.referenceDate ?? REFERENCE_DATE,
    rows,
    totalRows,
    elapsedMs: Date.now() - started,
  };
}

/** Given the four sector databases, tells whether any table the seed fills already holds a row (missing tables hold none). */
export async function isSeeded(databases: Record<BuiltInSector, Knex>): Promise<boolean> {
  const checks = BUILT_IN_SECTORS.flatMap((sector) =>
    SEED_TABLES[sector].map(async (table: SeedTable) => {
      const db = databases[sector];
      if (!(await db.schema.hasTable(table))) return false;
      const found = await db(table).select(db.raw('1 as present')).limit(1);
      return found.length > 0;
    }),
  );
  return (await Promise.all(checks)).some(Boolean);
}
