import type { Knex } from 'knex';

/**
 * The gateway's policy store: agencies, their credentials and grants, and the history of every change.
 * Timestamps are ISO 8601 strings in UTC ("2026-01-01T00:00:00.000Z"): they compare as text alike on
 * both engines, and the largest policy_changes id is the policy version every gateway polls.
 */
export const name = '20261201000000_create_policy';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('agencies', (table) => {
    table.string('code', 40).primary();
    table.string('name', 200).notNullable();
    table.string('sector', 20).nullable();
    // A short list read whole with the agency, never searched by element.
    table.text('unit_codes').notNullable();
    table.boolean('steward').notNullable().defaultTo(false);
    table.string('created_at', 24).notNullable();
    table.string('updated_at', 24).notNullable();
  });
  await db.schema.createTable('credentials', (table) => {
    table.string('id', 8).primary();
    table.string('agency_code', 40).notNullable().references('code').inTable('agencies');
    table.string('label', 200).nullable();
    // SHA-256 of the secret, hex: the secret itself is shown once and never stored.
    table.string('secret_hash', 64).notNullable();
    table.string('created_at', 24).notNullable();
    table.string('expires_at', 24).notNullable();
    table.string('revoked_at', 24).nullable();
    table.string('replaced_by', 8).nullable();
    table.index(['agency_code'], 'credentials_agency_idx');
  });
  await db.schema.createTable('grants', (table) => {
    table.increments('id').primary();
    table.string('agency_code', 40).notNullable().references('code').inTable('agencies');
    table.string('target_kind', 20).notNullable();
    // The coordinate, the type name, or "SHARING/PERSONAL": one column, so that overlapping grants are found by equality.
    table.string('target', 200).notNullable();
    table.text('purposes').notNullable();
    table.string('legal_basis', 500).notNullable();
    table.text('scope_unit_codes').nullable();
    table.text('masks').notNullable();
    table.string('valid_from', 24).notNullable();
    table.string('valid_to', 24).nullable();
    table.string('revoked_at', 24).nullable();
    table.string('created_at', 24).notNullable();
    table.index(['agency_code', 'target_kind', 'target'], 'grants_agency_target_idx');
  });
  await db.schema.createTable('policy_changes', (table) => {
    table.increments('id').primary();
    table.string('changed_at', 24).notNullable();
    // "H56.10" for a steward agency (with credential_id) or "cli:<os user>", "system:<task>".
    table.string('actor', 80).notNullable();
    table.string('credential_id', 80).nullable();
    table.string('action', 40).notNullable();
    table.string('entity_type', 20).notNullable();
    table.string('entity_id', 60).notNullable();
    table.text('before_json').nullable();
    table.text('after_json').nullable();
    table.index(['entity_type', 'entity_id'], 'policy_changes_entity_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('policy_changes');
  await db.schema.dropTableIfExists('grants');
  await db.schema.dropTableIfExists('credentials');
  await db.schema.dropTableIfExists('agencies');
}
