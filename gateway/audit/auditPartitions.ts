import type { Knex } from 'knex';
import { isMysql } from '../../db/connection';

/**
 * The audit tables partitioned by month of recorded_at on MySQL/MariaDB (RANGE COLUMNS over the ISO text, so that
 * `'2027-01'` bounds December 2026): one partition per month named pYYYY_MM, and pmax for what lies beyond the
 * last month, so that a record is never refused for want of a partition. SQLite keeps whole tables.
 */
export const PARTITIONED_AUDIT_TABLES = ['audit_records', 'audit_citizens'] as const;
export type PartitionedAuditTable = (typeof PARTITIONED_AUDIT_TABLES)[number];

/** How many months ahead of the current one a start makes sure have partitions of their own. */
export const MONTHS_AHEAD = 3;

const MONTH = /^(\d{4})-(\d{2})$/;

/** One partition: the month it holds (null for pmax), its name and its rows. */
export interface AuditPartition {
  table: PartitionedAuditTable;
  name: string;
  month: string | null;
  rows: number;
}

/** Given a month YYYY-MM and a number of months, returns the month that many later (or earlier). */
export function monthAfter(month: string, count = 1): string {
  const [, year, monthNumber] = MONTH.exec(month)!;
  const index = Number(year) * 12 + Number(monthNumber) - 1 + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Given a month YYYY-MM, returns its partition's name. */
export function partitionName(month: string): string {
  return `p${month.replace('-', '_')}`;
}

/** Given a partition's name, returns its month, or null for pmax and any other name. */
export function monthOfPartition(name: string): string | null {
  const match = /^p(\d{4})_(\d{2})$/.exec(name);
  return match ? `${match[1]}-${match[2]}` : null;
}

/** Given months in order, returns the partition clauses for them, each holding what comes before the next month. */
export function partitionClauses(months: readonly string[]): string {
  return [
    ...months.map((month) => `PARTITION ${partitionName(month)} VALUES LESS THAN ('${monthAfter(month)}')`),
    'PARTITION pmax VALUES LESS THAN (MAXVALUE)',
  ].join(', ');
}

/** Given the first and the last month, returns every month from one to the other. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last; month = monthAfter(month)) months.push(month);
  return months;
}

/** Given a moment, returns its month in UTC, YYYY-MM: the month recorded_at starts with. */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** Given the gateway database, returns the audit tables' partitions in order; none on SQLite or unpartitioned tables. */
export async function auditPartitions(db: Knex): Promise<AuditPartition[]> {
  if (!isMysql(db)) return [];
  const rows = (await db('information_schema.PARTITIONS')
    .select({ table: 'TABLE_NAME', name: 'PARTITION_NAME' })
    .whereRaw('TABLE_SCHEMA = database()')
    .whereIn('TABLE_NAME', [...PARTITIONED_AUDIT_TABLES])
    .whereNotNull('PARTITION_NAME')
    .orderBy([{ column: 'TABLE_NAME' }, { column: 'PARTITION_ORDINAL_POSITION' }])) as Array<{ table: PartitionedAuditTable; name: string }>;
  const partitions: AuditPartition[] = [];
  for (const row of rows) {
    // Exact counts: information_schema's TABLE_ROWS is InnoDB's estimate.
    const [counted] = (await db.raw(`select count(*) as n from ?? partition (${row.name})`, [row.table])) as [Array<{ n: number | string }>];
    partitions.push({ table: row.table, name: row.name, month: monthOfPartition(row.name), rows: Number(counted[0]?.n ?? 0) });
  }
  return partitions;
}

/**
 * Given the gateway database and the moment now, makes sure each partitioned audit table has a partition of its
 * own for this month and the MONTHS_AHEAD after it, splitting them off pmax (which then holds nothing yet, so
 * that the split moves no row); returns the months added. Nothing on SQLite or on tables not partitioned.
 */
export async function ensureAuditPartitions(db: Knex, now: Date): Promise<string[]> {
  const partitions = await auditPartitions(db);
  const added: string[] = [];
  for (const table of PARTITIONED_AUDIT_TABLES) {
    const months = partitions.filter((partition) => partition.table === table && partition.month !== null).map((partition) => partition.month!);
    if (months.length === 0) continue;
    const last = months[months.length - 1]!;
    const wanted = monthAfter(monthOf(now), MONTHS_AHEAD);
    if (last >= wanted) continue;
    const missing = monthsBetween(monthAfter(last), wanted);
    await db.raw(`alter table ?? reorganize partition pmax into (${partitionClauses(missing)})`, [table]);
    added.push(...missing.filter((month) => !added.includes(month)));
  }
  return added;
}
