import type { Knex } from 'knex';

/**
 * A steward account belongs to one agency, whose sharing-request queue it answers, or to none: the province's
 * central data office, which sees every queue. Accounts made before keep null, the province-wide office, as
 * every steward answered every queue until now.
 */
export const name = '20270901000004_link_steward_accounts_to_agencies';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('steward_accounts', (table) => {
    // The electronic agency code (agencies.code); null: the province's central data office.
    table.string('agency_code', 40).nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('steward_accounts', (table) => {
    table.dropColumn('agency_code');
  });
}
