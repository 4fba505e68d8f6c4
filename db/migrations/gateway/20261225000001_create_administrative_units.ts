import type { Knex } from 'knex';

/**
 * The province's administrative units as the gateway's store knows them, so that the steward tools refuse a
 * grant's row scope or an agency's units naming a commune that does not exist or no longer does. A steward
 * loads the list (the population register's, or the statistics office's); dates are YYYY-MM-DD, valid_to
 * the unit's last day, null while it lasts.
 */
export const name = '20261225000001_create_administrative_units';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('administrative_units', (table) => {
    table.string('code', 10).primary();
    table.string('name', 120).notNullable();
    table.string('level', 20).notNullable();
    table.string('valid_from', 10).notNullable();
    table.string('valid_to', 10).nullable();
    table.string('replaced_by_code', 10).nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('administrative_units');
}
