import type { Knex } from 'knex';

/**
 * Four eyes, agencies that stop, and sharing on request (Decree 47/2020 as amended by Decree 194/2025, Art. 16
 * and 35(3)): a grant's approval (a grant on sensitive data waits for a second steward), an agency's
 * deactivation, the agencies' sharing requests with their deadlines and answers, and the fields each agency's
 * own forms collect (to find what it collects again instead of asking for it).
 */
export const name = '20270201000000_create_sharing';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('grants', (table) => {
    // APPROVED (in force by its validity), PENDING_APPROVAL (waits for a second steward) or REJECTED.
    table.string('approval_status', 20).notNullable().defaultTo('APPROVED');
    // The history's actor ("person:<e-mail>", an agency code) who asked for the grant, and who approved or rejected it.
    table.string('requested_by', 220).nullable();
    table.string('decided_by', 220).nullable();
    table.string('decided_at', 24).nullable();
    table.string('decision_reason', 500).nullable();
    // The sharing request the grant answers, if any.
    table.integer('sharing_request_id').nullable();
  });
  // A table of its own rather than a column of agencies: SQLite drops a column by rebuilding the table, which the
  // credentials' and grants' references to agencies forbid.
  await db.schema.createTable('agency_deactivations', (table) => {
    table.string('agency_code', 40).primary().references('code').inTable('agencies');
    table.string('deactivated_at', 24).notNullable();
  });
  await db.schema.createTable('sharing_requests', (table) => {
    table.increments('id').primary();
    table.string('requester_code', 40).notNullable().references('code').inTable('agencies');
    // JSON arrays, read whole with the request.
    table.text('fields').notNullable();
    table.text('purposes').notNullable();
    // The instrument number the request relies on ("47/2020/NĐ-CP"), as the legal register keys it.
    table.string('legal_basis', 60).notNullable();
    table.text('scope_unit_codes').nullable();
    table.string('procedure', 300).notNullable();
    // The agencies that own the requested data: the request goes to their stewards.
    table.text('owner_codes').notNullable();
    // PENDING, APPROVED or REFUSED.
    table.string('status', 20).notNullable();
    table.string('filed_at', 24).notNullable();
    table.string('deadline_at', 24).notNullable();
    table.string('answered_at', 24).nullable();
    table.string('answered_by', 220).nullable();
    table.string('refusal_reason', 1000).nullable();
    table.string('refusal_legal_basis', 60).nullable();
    // What the answer granted: JSON of { fields, purposes, scopeUnitCodes, grantIds }.
    table.text('answer_json').nullable();
    table.index(['status', 'deadline_at'], 'sharing_requests_status_idx');
    table.index(['requester_code'], 'sharing_requests_requester_idx');
  });
  await db.schema.createTable('agency_collected_fields', (table) => {
    table.string('agency_code', 40).notNullable().references('code').inTable('agencies');
    table.string('coordinate', 200).notNullable();
    table.primary(['agency_code', 'coordinate']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('agency_collected_fields');
  await db.schema.dropTableIfExists('sharing_requests');
  await db.schema.dropTableIfExists('agency_deactivations');
  await db.schema.alterTable('grants', (table) => {
    table.dropColumn('sharing_request_id');
    table.dropColumn('decision_reason');
    table.dropColumn('decided_at');
    table.dropColumn('decided_by');
    table.dropColumn('requested_by');
    table.dropColumn('approval_status');
  });
}
