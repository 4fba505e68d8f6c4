import type { Knex } from 'knex';

/**
 * Approved operations: each agency application's persisted-operation lists (every upload a new version, the
 * latest in force, the earlier ones kept), their operations by SHA-256, and each agency's safelisting mode.
 */
export const name = '20270801000000_create_approved_operations';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('operation_lists', (table) => {
    table.increments('id').primary();
    table.string('agency_code', 40).notNullable().references('code').inTable('agencies');
    table.string('application', 100).notNullable();
    table.integer('version').notNullable();
    // APOLLO_MANIFEST or CODEGEN_DOCUMENTS: the build file the list was read from.
    table.string('format', 20).notNullable();
    table.integer('operation_count').notNullable();
    // The policy change that registered it: who, in which role, why.
    table.integer('change_id').notNullable();
    table.string('created_at', 24).notNullable();
    table.unique(['agency_code', 'application', 'version'], { indexName: 'operation_lists_version_unique' });
  });
  await db.schema.createTable('registered_operations', (table) => {
    table.integer('list_id').unsigned().notNullable().references('id').inTable('operation_lists');
    // SHA-256 of the body's UTF-8 bytes, lower-case hex: what a client sends as its id.
    table.string('operation_id', 64).notNullable();
    table.string('name', 200).nullable();
    table.string('type', 20).notNullable();
    table.text('body', 'mediumtext').notNullable();
    table.primary(['list_id', 'operation_id']);
  });
  await db.schema.createTable('agency_operation_modes', (table) => {
    table.string('agency_code', 40).primary().references('code').inTable('agencies');
    // off, log-unknown or enforce; an agency without a row is off.
    table.string('mode', 20).notNullable();
    table.string('updated_at', 24).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('agency_operation_modes');
  await db.schema.dropTableIfExists('registered_operations');
  await db.schema.dropTableIfExists('operation_lists');
}
