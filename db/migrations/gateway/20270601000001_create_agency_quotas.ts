import type { Knex } from 'knex';

/**
 * Quotas the stewards set: requests and query cost per minute for an agency (credential_id '') or for one of its
 * API keys alone. A null budget falls to the agency's setting, then to the gateway's defaults
 * (QUOTA_REQUESTS_PER_MINUTE, QUOTA_COST_PER_MINUTE). Changes are recorded in policy_changes like every other.
 */
export const name = '20270601000001_create_agency_quotas';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('agency_quotas', (table) => {
    table.string('agency_code', 40).notNullable().references('code').inTable('agencies');
    // '' rather than NULL: a primary key column cannot be null, and one agency-wide row per agency is wanted.
    table.string('credential_id', 8).notNullable().defaultTo('');
    table.bigInteger('requests_per_minute').nullable();
    table.bigInteger('cost_per_minute').nullable();
    table.string('updated_at', 30).notNullable();
    table.primary(['agency_code', 'credential_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('agency_quotas');
}
