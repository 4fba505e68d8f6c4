import type { Knex } from 'knex';

/** Parcels, land-use right certificates and ownership shares. Owners are referred to by national ID only. */
export const name = '20261121000000_create_land';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('parcels', (table) => {
    table.increments('id').primary();
    table.string('commune_code', 10).notNullable();
    table.integer('map_sheet_number').notNullable();
    table.integer('parcel_number').notNullable();
    table.decimal('area_m2', 12, 1).notNullable();
    table.string('land_use_purpose', 10).notNullable();
    // NULL means long-term use (lâu dài); otherwise the date the right ends.
    table.date('land_use_until').nullable();
    table.string('address', 200).notNullable();
    table.unique(['commune_code', 'map_sheet_number', 'parcel_number'], { indexName: 'parcels_identifier_uq' });
    table.index(['commune_code', 'id'], 'parcels_commune_idx');
  });
  await db.schema.createTable('land_use_certificates', (table) => {
    table.string('serial', 20).primary();
    table.date('issue_date').notNullable();
    table.string('issuing_authority', 160).notNullable();
    table.integer('parcel_id').unsigned().notNullable().references('id').inTable('parcels');
    table.index(['parcel_id'], 'certificates_parcel_idx');
  });
  await db.schema.createTable('ownership_shares', (table) => {
    table.integer('parcel_id').unsigned().notNullable().references('id').inTable('parcels');
    table.string('national_id', 12).notNullable();
    // Percent of the right held, to two decimals: 50.00 for one of two spouses.
    table.decimal('share_percent', 5, 2).notNullable();
    table.primary(['parcel_id', 'national_id']);
    table.index(['national_id'], 'ownership_shares_owner_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('ownership_shares');
  await db.schema.dropTableIfExists('land_use_certificates');
  await db.schema.dropTableIfExists('parcels');
}
