import type { Knex } from 'knex';

/**
 * How far each instance's citizen and field index has been written. The gateway writes a record before its
 * answer leaves and its index rows right after, in a transaction of their own that also moves this head; a
 * start (or a reader) catches up on any record above it. Records already in the database were indexed with
 * them, so each instance's head starts at its last record.
 */
export const name = '20261221000000_create_audit_index_heads';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_index_heads', (table) => {
    table.string('instance', 64).notNullable().primary();
    table.bigInteger('indexed_seq').notNullable();
  });
  await db.raw('insert into audit_index_heads (instance, indexed_seq) select instance, max(seq) from audit_records group by instance');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('audit_index_heads');
}
