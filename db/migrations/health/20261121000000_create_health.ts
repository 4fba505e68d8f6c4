import type { Knex } from 'knex';

/** Facilities, health-insurance cards, vaccinations and encounters. Patients are referred to by national ID only. */
export const name = '20261121000000_create_health';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('facilities', (table) => {
    table.string('code', 10).primary();
    table.string('name', 200).notNullable();
    table.string('level', 20).notNullable();
    table.string('commune_code', 10).notNullable();
    table.index(['commune_code', 'code'], 'facilities_commune_idx');
  });
  await db.schema.createTable('insurance_cards', (table) => {
    table.string('social_insurance_number', 10).primary();
    table.string('national_id', 12).notNullable();
    table.integer('benefit_level').notNullable();
    table.string('primary_care_facility_code', 10).notNullable().references('code').inTable('facilities');
    table.date('valid_from').notNullable();
    table.date('valid_to').notNullable();
    table.index(['national_id', 'valid_to'], 'insurance_cards_holder_idx');
  });
  await db.schema.createTable('vaccinations', (table) => {
    table.increments('id').primary();
    table.string('national_id', 12).notNullable();
    table.string('vaccine', 80).notNullable();
    table.integer('dose').notNullable();
    table.date('vaccinated_on').notNullable();
    table.string('facility_code', 10).notNullable().references('code').inTable('facilities');
    table.index(['national_id', 'vaccinated_on'], 'vaccinations_person_idx');
  });
  await db.schema.createTable('encounters', (table) => {
    table.increments('id').primary();
    table.string('national_id', 12).notNullable();
    table.string('facility_code', 10).notNullable().references('code').inTable('facilities');
    table.date('encounter_date').notNullable();
    table.string('icd10_code', 8).notNullable();
    table.index(['national_id', 'encounter_date'], 'encounters_person_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('encounters');
  await db.schema.dropTableIfExists('vaccinations');
  await db.schema.dropTableIfExists('insurance_cards');
  await db.schema.dropTableIfExists('facilities');
}
