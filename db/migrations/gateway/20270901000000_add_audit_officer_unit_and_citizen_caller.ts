import type { Knex } from 'knex';

/**
 * A record names the officer's unit (officer_unit: the electronic code of the unit the officer works in, from
 * X-Officer-Unit) and, for a citizen reading their own data on the citizens' page, that citizen (caller_national_id).
 * Both null in every record written before: a record's hash covers either only when it is set (hashChain.ts), so
 * those records still verify.
 */
export const name = '20270901000000_add_audit_officer_unit_and_citizen_caller';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_records', (table) => {
    table.string('officer_unit', 100).nullable();
    table.string('caller_national_id', 12).nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_records', (table) => {
    table.dropColumn('caller_national_id');
    table.dropColumn('officer_unit');
  });
}
