import type { Knex } from 'knex';

/** Units, citizens and households. Identity facts live here and nowhere else ("declare once"). */
export const name = '20261121000000_create_population';

export async function up(db: Knex): Promise<void> {
  const mysql = db.client.config.client === 'mysql2';
  await db.schema.createTable('administrative_units', (table) => {
    table.string('code', 10).primary();
    table.string('name', 120).notNullable();
    // The level is data, not structure: the 2025 reform removed districts, and a unit may sit under any parent.
    table.string('level', 20).notNullable();
    table.string('unit_type', 40).notNullable();
    table.string('parent_code', 10).nullable().references('code').inTable('administrative_units');
    table.date('valid_from').notNullable();
    table.date('valid_to').nullable();
    table.string('replaced_by_code', 10).nullable().references('code').inTable('administrative_units');
    table.index(['parent_code'], 'administrative_units_parent_idx');
    table.index(['replaced_by_code'], 'administrative_units_replaced_by_idx');
  });
  await db.schema.createTable('households', (table) => {
    table.string('code', 20).primary();
    table.string('unit_code', 10).notNullable().references('code').inTable('administrative_units');
    table.string('address', 200).notNullable();
    table.string('head_national_id', 12).notNullable();
    table.index(['unit_code', 'code'], 'households_unit_idx');
  });
  await db.schema.createTable('citizens', (table) => {
    table.string('national_id', 12).primary();
    table.string('full_name', 120).notNullable();
    // Lower-case, diacritics folded (Nguyễn -> nguyen): prefix search that behaves alike on both engines.
    const searchName = table.string('search_name', 120).notNullable();
    if (mysql) searchName.collate('utf8mb4_bin');
    table.date('date_of_birth').notNullable();
    table.string('sex', 6).notNullable();
    table.string('ethnicity', 40).notNullable();
    table.string('nationality', 2).notNullable().defaultTo('VN');
    table.string('permanent_unit_code', 10).notNullable().references('code').inTable('administrative_units');
    table.string('permanent_address', 200).notNullable();
    table.string('current_unit_code', 10).notNullable().references('code').inTable('administrative_units');
    table.string('current_address', 200).notNullable();
    table.string('status', 12).notNullable().defaultTo('ALIVE');
    table.date('date_of_death').nullable();
    table.index(['current_unit_code', 'national_id'], 'citizens_current_unit_idx');
    table.index(['permanent_unit_code', 'national_id'], 'citizens_permanent_unit_idx');
    table.index(['search_name', 'national_id'], 'citizens_search_name_idx');
  });
  await db.schema.createTable('household_members', (table) => {
    table.string('household_code', 20).notNullable().references('code').inTable('households');
    table.string('national_id', 12).notNullable().references('national_id').inTable('citizens');
    table.string('relationship', 20).notNullable();
    table.primary(['household_code', 'national_id']);
    table.index(['national_id'], 'household_members_citizen_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('household_members');
  await db.schema.dropTableIfExists('citizens');
  await db.schema.dropTableIfExists('households');
  await db.schema.dropTableIfExists('administrative_units');
}
