import type { Knex } from 'knex';

/**
 * The audit trail: one record per request through the gateway, append-only, in one hash chain per gateway
 * instance ((instance, seq) has no gap; each record holds the SHA-256 of the one before it). The citizen
 * and field tables index what each record holds, for the citizen's tracker and the stewards' queries;
 * they are derived from the record, and the verifier checks that they still match it.
 */
export const name = '20261215000000_create_audit';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_records', (table) => {
    table.string('instance', 64).notNullable();
    table.bigInteger('seq').notNullable();
    table.string('recorded_at', 24).notNullable();
    table.string('agency_code', 40).nullable();
    // The name at the time of the request: an agency renamed later still reads as it was then.
    table.string('agency_name', 200).nullable();
    table.string('credential_id', 80).nullable();
    table.string('user_id', 100).nullable();
    table.string('purpose', 40).nullable();
    table.string('dossier_id', 100).nullable();
    table.string('operation_name', 200).nullable();
    table.string('operation_hash', 64).nullable();
    table.string('variables_hash', 64).nullable();
    // JSON arrays, kept as the exact text the record's hash covers; a page of citizens with their households
    // may name thousands of people, more than MySQL's TEXT (64 KB) holds.
    table.text('fields_json', 'mediumtext').notNullable();
    table.text('citizen_ids_json', 'mediumtext').notNullable();
    table.integer('row_count').notNullable();
    table.string('outcome', 20).notNullable();
    table.string('error_code', 60).nullable();
    table.integer('latency_ms').notNullable();
    table.integer('policy_version').nullable();
    table.string('previous_hash', 64).notNullable();
    table.string('hash', 64).notNullable();
    table.primary(['instance', 'seq']);
    table.index(['recorded_at'], 'audit_records_time_idx');
    table.index(['agency_code', 'recorded_at'], 'audit_records_agency_idx');
  });
  await db.schema.createTable('audit_citizens', (table) => {
    table.string('national_id', 12).notNullable();
    table.string('instance', 64).notNullable();
    table.bigInteger('seq').notNullable();
    table.string('recorded_at', 24).notNullable();
    table.primary(['instance', 'seq', 'national_id']);
    // A citizen's tracker reads one citizen's rows, newest first.
    table.index(['national_id', 'recorded_at', 'instance', 'seq'], 'audit_citizens_citizen_idx');
  });
  await db.schema.createTable('audit_fields', (table) => {
    table.string('instance', 64).notNullable();
    table.bigInteger('seq').notNullable();
    table.string('coordinate', 200).notNullable();
    table.string('effect', 10).notNullable();
    table.primary(['instance', 'seq', 'coordinate']);
    table.index(['coordinate'], 'audit_fields_coordinate_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('audit_fields');
  await db.schema.dropTableIfExists('audit_citizens');
  await db.schema.dropTableIfExists('audit_records');
}
