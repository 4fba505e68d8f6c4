import type { Knex } from 'knex';

/**
 * The citizens' page: their sessions (signed in through the identity provider), and the requests they make of
 * the stewards under the personal data protection law: a contested access, a copy, a correction, a restriction
 * or objection, a complaint, each with the deadline of its answer.
 */
export const name = '20270401000001_create_citizen_sessions_and_requests';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('citizen_sessions', (table) => {
    // SHA-256 of the cookie's secret, hex: a database read does not give a session away.
    table.string('id', 64).primary();
    table.string('national_id', 12).notNullable();
    table.string('csrf_token', 64).notNullable();
    table.string('created_at', 24).notNullable();
    table.string('expires_at', 24).notNullable();
    table.string('revoked_at', 24).nullable();
    table.index(['national_id'], 'citizen_sessions_citizen_idx');
  });
  await db.schema.createTable('citizen_requests', (table) => {
    table.increments('id').primary();
    table.string('national_id', 12).notNullable();
    // DISPUTE, COPY, CORRECTION, RESTRICTION, OBJECTION, COMPLAINT.
    table.string('kind', 20).notNullable();
    // The access a DISPUTE contests: instance:seq.
    table.string('record_reference', 90).nullable();
    table.string('message', 2000).notNullable();
    // OPEN until a steward answers, then ANSWERED.
    table.string('status', 12).notNullable();
    table.string('received_at', 24).notNullable();
    // Two working days after it was received (Law 91/2025), in the configured calendar.
    table.string('due_at', 24).notNullable();
    table.string('answer', 2000).nullable();
    table.string('answered_by', 200).nullable();
    table.string('answered_role', 40).nullable();
    table.string('answered_at', 24).nullable();
    table.index(['national_id', 'received_at'], 'citizen_requests_citizen_idx');
    table.index(['status', 'due_at'], 'citizen_requests_queue_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('citizen_requests');
  await db.schema.dropTableIfExists('citizen_sessions');
}
