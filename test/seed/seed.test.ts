import { execFile } from 'node:child_process';
import path from 'node:path';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import type { SeedProgress, SeedSummary } from '../../db/seed';
import { SEED_TABLES, generateSeedRows, isSeeded, rowsPerInsert, seedAll } from '../../db/seed';
import type { TestDatabases } from '../helpers/database';
import { commandEnvironment, createTestDatabases } from '../helpers/database';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

/** Given CLI arguments and the environment, runs `scripts/seed.ts` and returns its exit code and stderr. */
function runSeedScript(args: string[], environment: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, ['scripts/seed.ts', ...args], { cwd: ROOT, env: environment, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('seedAll', () => {
  let databases: TestDatabases;
  let summary: SeedSummary;
  const progress: SeedProgress[] = [];
  const citizens = 500;

  beforeAll(async () => {
    databases = await createTestDatabases();
    expect(await isSeeded(databases.databases)).toBe(false);
    summary = await seedAll(databases.databases, { citizens, randomSeed: 7, onProgress: (event) => progress.push(event) });
  });

  afterAll(async () => {
    await databases?.destroy();
  });

  it('writes every row the generator yields, and counts them per table', async () => {
    const expected = new Map<string, number>();
    for (const batch of generateSeedRows({ citizens, randomSeed: 7 })) expected.set(batch.table, (expected.get(batch.table) ?? 0) + batch.rows.length);
    expect(summary.rows.population.citizens).toBe(citizens);
    for (const sector of BUILT_IN_SECTORS) {
      for (const table of SEED_TABLES[sector]) {
        const [{ total }] = await databases.databases[sector](table).count({ total: '*' });
        expect({ table, rows: Number(total) }).toEqual({ table, rows: expected.get(table) });
        expect(summary.rows[sector][table]).toBe(expected.get(table));
        expect(Number(total)).toBeGreaterThan(0);
      }
    }
    expect(summary.totalRows).toBe([...expected.values()].reduce((sum, rows) => sum + rows, 0));
  });

  it('reports progress per table and ends with one final event per table', () => {
    const final = progress.filter((event) => event.done);
    expect(final.map((event) => event.table).sort()).toEqual(
      BUILT_IN_SECTORS.flatMap((sector) => SEED_TABLES[sector].map((table) => `${sector}.${table}`)).sort(),
    );
    expect(final.find((event) => event.table === 'population.citizens')?.rows).toBe(citizens);
    expect(progress.filter((event) => !event.done).length).toBeGreaterThanOrEqual(final.length);
  });

  it('keeps the databases consistent with one another', async () => {
    const { population, land, education } = databases.databases;
    const residents = new Map(
      (await population('citizens').select('national_id', 'current_unit_code')).map((row: { national_id: string; current_unit_code: string }) => [
        row.national_id,
        row.current_unit_code,
      ]),
    );
    const shares = await land('ownership_shares').select('parcel_id', 'national_id', 'share_percent');
    const totals = new Map<number, number>();
    for (const share of shares) {
      expect(residents.has(share.national_id)).toBe(true);
      totals.set(share.parcel_id, (totals.get(share.parcel_id) ?? 0) + Number(share.share_percent));
    }
    for (const total of totals.values()) expect(total).toBe(100);
    const schools = new Map(
      (await education('schools').select('code', 'commune_code')).map((row: { code: string; commune_code: string }) => [row.code, row.commune_code]),
    );
    const enrollments = await education('enrollments').select('national_id', 'school_code');
    expect(enrollments.length).toBeGreaterThan(0);
    // A pupil is schooled in the commune where they live, or, for a few, on one side in the provincial seat.
    for (const enrollment of enrollments) {
      const sides = [schools.get(enrollment.school_code), residents.get(enrollment.national_id)];
      if (sides[0] !== sides[1]) expect(sides).toContain('40778');
    }
  });

  it('stores Vietnamese text and dates unchanged', async () => {
    const unit = await databases.databases.population('administrative_units').where('code', '40778').first();
    expect(unit).toMatchObject({ name: 'Hạc Thành', unit_type: 'phường', valid_from: '2025-07-01', parent_code: '38' });
    const [first] = [...generateSeedRows({ citizens, randomSeed: 7 })]
      .filter((batch) => batch.table === 'citizens')
      .flatMap((batch) => batch.rows as Array<{ national_id: string }>);
    const stored = await databases.databases.population('citizens').where('national_id', first!.national_id).first();
    expect(stored).toEqual(first);
  });

  it('tells that the databases are now seeded', async () => {
    expect(await isSeeded(databases.databases)).toBe(true);
  });

  it('refuses, through the CLI, to seed databases that hold data', async () => {
    const result = await runSeedScript(['--citizens', '5'], commandEnvironment(databases.config));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already hold data/);
    const [{ total }] = await databases.databases.population('citizens').count({ total: '*' });
    expect(Number(total)).toBe(citizens);
  });

  it('exits 2 with the usage on a bad flag', async () => {
    const result = await runSeedScript(['--citizens', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--citizens needs a whole number/);
    expect(result.stderr).toMatch(/Usage: npm run seed/);
  });
});

describe('rowsPerInsert', () => {
  it("stays under SQLite's bound-parameter limit and at most 2,000 rows", () => {
    expect(rowsPerInsert(13)).toBe(2000);
    expect(rowsPerInsert(40) * 40).toBeLessThanOrEqual(32766);
    expect(rowsPerInsert(40000)).toBe(1);
  });
});

describe('isSeeded', () => {
  it('is false when the tables do not exist yet', async () => {
    const databases = await createTestDatabases();
    try {
      await databases.databases.land.schema.dropTable('ownership_shares');
      expect(await isSeeded(databases.databases)).toBe(false);
    } finally {
      await databases.destroy();
    }
  });
});
