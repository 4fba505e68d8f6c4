import type { Knex } from 'knex';
import { isMysql } from '../../connection';
import { MONTHS_AHEAD, monthAfter, monthOf, monthsBetween, partitionClauses } from '../../../gateway/audit/auditPartitions';

/**
 * On MySQL/MariaDB, partitions the audit trail's two growing tables, audit_records and audit_citizens, by month
 * of recorded_at, so that a month can be archived or dropped as a whole (ALTER TABLE … EXCHANGE PARTITION) and a
 * query over a period reads only its months. MariaDB requires the partitioning column in every unique key: the
 * primary keys gain recorded_at, which a record keeps for life, so a record's key is unchanged in meaning. What
 * they no longer enforce, one row per (instance, seq) across months, the hash chain does: the verifier refuses a
 * chain with a seq twice. SQLite: nothing to do.
 */
export const name = '20270601000002_partition_audit_by_month';

/** Given the table, returns the first month that holds a record, or null when it is empty. */
async function firstMonth(db: Knex, table: string): Promise<string | null> {
  const row = (await db(table).min({ first: 'recorded_at' }).first()) as { first: string | null } | undefined;
  return row?.first ? row.first.slice(0, 7) : null;
}

export async function up(db: Knex): Promise<void> {
  if (!isMysql(db)) return;
  const current = monthOf(new Date());
  const last = monthAfter(current, MONTHS_AHEAD);
  await db.raw('alter table audit_records drop primary key, add primary key (instance, seq, recorded_at)');
  await db.raw('alter table audit_citizens drop primary key, add primary key (instance, seq, national_id, recorded_at)');
  for (const table of ['audit_records', 'audit_citizens']) {
    const first = (await firstMonth(db, table)) ?? current;
    // The first partition takes everything before it too: a month with no partition of its own never refuses a record.
    await db.raw(`alter table ?? partition by range columns (recorded_at) (${partitionClauses(monthsBetween(first < current ? first : current, last))})`, [
      table,
    ]);
  }
}

export async function down(db: Knex): Promise<void> {
  if (!isMysql(db)) return;
  for (const table of ['audit_records', 'audit_citizens']) await db.raw('alter table ?? remove partitioning', [table]);
  await db.raw('alter table audit_citizens drop primary key, add primary key (instance, seq, national_id)');
  await db.raw('alter table audit_records drop primary key, add primary key (instance, seq)');
}
