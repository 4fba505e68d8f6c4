import type { Knex } from 'knex';

/**
 * The outcome of every run of the audit verifier (`npm run audit:verify`): sound or not, what it counted, the
 * problems it found and who ran it when, for the stewards' console to show the last one.
 */
export const name = '20270901000005_create_audit_verifications';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_verifications', (table) => {
    table.increments('id').primary();
    table.string('started_at', 24).notNullable();
    table.string('finished_at', 24).notNullable();
    table.boolean('sound').notNullable();
    table.integer('instance_count').notNullable();
    table.bigInteger('record_count').notNullable();
    table.integer('checkpoint_count').notNullable();
    table.integer('problem_count').notNullable();
    // Per instance: name, records, checkpoints, last sealed seq, unsealed, first problem; then the problems apart from any instance.
    table.text('instances_json', 'mediumtext').notNullable();
    table.text('problems_json', 'mediumtext').notNullable();
    // Who ran it: cli:<os user>, or the steward account named with --as.
    table.string('ran_by', 120).notNullable();
    // The one instance verified, when the run was limited to one.
    table.string('instance', 64).nullable();
    table.index(['finished_at'], 'audit_verifications_finished_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('audit_verifications');
}
