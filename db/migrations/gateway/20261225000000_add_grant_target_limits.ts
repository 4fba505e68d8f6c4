import type { Knex } from 'knex';

/**
 * A classification grant may be limited to the fields one sector produces (target_sector) and to the fields
 * of some types (target_types, a JSON array of type names, sorted). Both null: every field of the
 * classification, as every grant before this migration. Two grants of an agency clash only on equal targets,
 * limits included.
 */
export const name = '20261225000000_add_grant_target_limits';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('grants', (table) => {
    table.string('target_sector', 20).nullable();
    table.text('target_types').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('grants', (table) => {
    table.dropColumn('target_types');
    table.dropColumn('target_sector');
  });
}
