import type { Knex } from 'knex';

/** Schools, enrolments and diplomas. Pupils are referred to by national ID only. */
export const name = '20261121000000_create_education';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('schools', (table) => {
    table.string('code', 20).primary();
    table.string('name', 200).notNullable();
    table.string('level', 20).notNullable();
    table.string('commune_code', 10).notNullable();
    table.index(['commune_code', 'code'], 'schools_commune_idx');
  });
  await db.schema.createTable('enrollments', (table) => {
    table.increments('id').primary();
    table.string('national_id', 12).notNullable();
    table.string('school_code', 20).notNullable().references('code').inTable('schools');
    // '2025-2026': the school year runs from September to May.
    table.string('school_year', 9).notNullable();
    table.integer('grade').notNullable();
    table.unique(['national_id', 'school_year'], { indexName: 'enrollments_pupil_year_uq' });
    table.index(['school_code', 'school_year'], 'enrollments_school_idx');
  });
  await db.schema.createTable('diplomas', (table) => {
    table.string('serial', 20).primary();
    table.string('national_id', 12).notNullable();
    table.string('type', 40).notNullable();
    table.date('issue_date').notNullable();
    table.string('school_code', 20).notNullable().references('code').inTable('schools');
    table.index(['national_id'], 'diplomas_holder_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('diplomas');
  await db.schema.dropTableIfExists('enrollments');
  await db.schema.dropTableIfExists('schools');
}
