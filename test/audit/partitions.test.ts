import { migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { MONTHS_AHEAD, auditPartitions, ensureAuditPartitions, monthAfter, monthOf, monthsBetween, partitionName } from '../../gateway/audit/auditPartitions';
import type { AuditPartition } from '../../gateway/audit/auditPartitions';
import type { AuditFixture } from './auditHelpers';
import { auditInput, createAuditFixture } from './auditHelpers';

const MIGRATION = '20270601000002_partition_audit_by_month';
const onMysql = Boolean(process.env.MYSQL_HOST);

/** Given the partitions, returns each table's rows by partition name. */
function rowsByPartition(partitions: AuditPartition[]): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const partition of partitions) (result[partition.table] ??= {})[partition.name] = partition.rows;
  return result;
}

/** Given a month YYYY-MM, returns a moment in the middle of it. */
const middleOf = (month: string) => new Date(`${month}-15T10:00:00.000Z`);

describe('month arithmetic of the audit partitions', () => {
  it('counts months across years, and names their partitions', () => {
    expect(monthAfter('2026-11')).toBe('2026-12');
    expect(monthAfter('2026-12')).toBe('2027-01');
    expect(monthAfter('2027-01', -1)).toBe('2026-12');
    expect(monthAfter('2026-06', 18)).toBe('2027-12');
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(partitionName('2027-01')).toBe('p2027_01');
    expect(monthOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
  });
});

describe('the audit tables partitioned by month', () => {
  let fixture: AuditFixture;
  const current = monthOf(new Date());

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  (onMysql ? it.skip : it)('is a no-op on SQLite: whole tables, nothing to add', async () => {
    expect(await auditPartitions(fixture.db)).toEqual([]);
    expect(await ensureAuditPartitions(fixture.db, new Date())).toEqual([]);
  });

  (onMysql ? it : it.skip)('has a partition for this month and the next ones, and pmax, on both tables', async () => {
    const expected = [...monthsBetween(current, monthAfter(current, MONTHS_AHEAD)).map(partitionName), 'pmax'];
    const partitions = await auditPartitions(fixture.db);
    for (const table of ['audit_records', 'audit_citizens']) {
      expect(partitions.filter((partition) => partition.table === table).map((partition) => partition.name)).toEqual(expected);
    }
    const [keys] = (await fixture.db.raw(
      "select table_name as t, group_concat(column_name order by seq_in_index) as c from information_schema.statistics where table_schema = database() and index_name = 'PRIMARY' and table_name in ('audit_records', 'audit_citizens') group by table_name order by table_name",
    )) as [Array<{ t: string; c: string }>];
    expect(keys.map((key) => `${key.t}: ${key.c}`)).toEqual([
      'audit_citizens: instance,seq,national_id,recorded_at',
      'audit_records: instance,seq,recorded_at',
    ]);
  });

  (onMysql ? it : it.skip)(
    'puts each record and its citizens in the month it was recorded, keeps the chain sound, and adds months as time goes on',
    async () => {
      const log = await fixture.startLog('gw-months');
      const months = [current, monthAfter(current), monthAfter(current, 2)];
      for (const [index, month] of months.entries()) {
        await log.append(auditInput({ at: middleOf(month), citizenIds: [`03808500000${index}`] }));
      }
      await log.stop();
      const byPartition = rowsByPartition(await auditPartitions(fixture.db));
      for (const month of months) {
        expect({ month, records: byPartition.audit_records![partitionName(month)], citizens: byPartition.audit_citizens![partitionName(month)] }).toEqual({
          month,
          records: 1,
          citizens: 1,
        });
      }
      expect(byPartition.audit_records!.pmax).toBe(0);
      expect((await fixture.verify('gw-months')).instances[0]).toMatchObject({ instance: 'gw-months', records: 3, problem: null });

      // Half a year on: the start adds the months to come, and a record then lands in its own.
      const later = monthAfter(current, 6);
      const added = await ensureAuditPartitions(fixture.db, middleOf(later));
      expect(added).toEqual(monthsBetween(monthAfter(current, MONTHS_AHEAD + 1), monthAfter(later, MONTHS_AHEAD)));
      expect(await ensureAuditPartitions(fixture.db, middleOf(later))).toEqual([]);
      const again = await fixture.startLog('gw-months');
      await again.append(auditInput({ at: middleOf(later), citizenIds: ['038085000009'] }));
      await again.stop();
      const after = rowsByPartition(await auditPartitions(fixture.db));
      expect(after.audit_records![partitionName(later)]).toBe(1);
      expect(after.audit_citizens![partitionName(later)]).toBe(1);
      expect((await fixture.verify('gw-months')).instances[0]).toMatchObject({ records: 4, problem: null });
    },
  );

  (onMysql ? it : it.skip)('goes down to whole tables and up again without losing a record or breaking the chain', async () => {
    const config = { migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: MIGRATION };
    const before = await fixture.db('audit_records').count({ n: '*' }).first();
    await fixture.db.migrate.down(config);
    expect(await auditPartitions(fixture.db)).toEqual([]);
    await fixture.db.migrate.up(config);
    expect((await auditPartitions(fixture.db)).length).toBeGreaterThan(0);
    expect(await fixture.db('audit_records').count({ n: '*' }).first()).toEqual(before);
    expect((await fixture.verify('gw-months')).instances[0]).toMatchObject({ records: 4, problem: null });
  });
});

describe('npm run steward -- audit partitions', () => {
  it('lists the partitions with their rows on MySQL, and says the tables are whole on SQLite', async () => {
    const { createTestDatabases, commandEnvironment } = await import('../helpers/database');
    const { exitOf, startScript } = await import('../helpers/process');
    const databases = await createTestDatabases();
    try {
      const run = await exitOf(startScript('steward.ts', ['audit', 'partitions', '--json'], commandEnvironment(databases.config)));
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const { partitions } = JSON.parse(run.stdout) as { partitions: AuditPartition[] };
      if (onMysql) {
        expect(partitions).toContainEqual({ table: 'audit_records', name: partitionName(monthOf(new Date())), month: monthOf(new Date()), rows: 0 });
        expect(partitions).toContainEqual({ table: 'audit_citizens', name: 'pmax', month: null, rows: 0 });
      } else {
        expect(partitions).toEqual([]);
        const text = await exitOf(startScript('steward.ts', ['audit', 'partitions'], commandEnvironment(databases.config)));
        expect(text.stdout).toMatch(/The audit tables are not partitioned/);
      }
    } finally {
      await databases.destroy();
    }
  });
});
