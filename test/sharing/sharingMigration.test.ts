import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270201000000_create_sharing';
// The later migration that splits requests into owners' parts references the requests: it goes first.
const PARTS = '20270901000008_split_sharing_requests_by_owner';

describe(`the sharing migration (${NAME})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it("removes the requests, the collected fields, grants' review and agencies' deactivation, keeping grants and agencies, and puts them back", async () => {
    const db = databases.databases.gateway;
    const now = '2027-02-01T00:00:00.000Z';
    await db('agencies').insert({ code: 'H56.30', name: 'Sở thử', sector: null, unit_codes: '[]', steward: false, created_at: now, updated_at: now });
    await db('agency_deactivations').insert({ agency_code: 'H56.30', deactivated_at: now });
    await db('grants').insert({
      agency_code: 'H56.30',
      target_kind: 'FIELD',
      target: 'Citizen.ethnicity',
      purposes: '["STATISTICS"]',
      legal_basis: 'Luật 2024',
      scope_unit_codes: null,
      masks: '[]',
      valid_from: now,
      valid_to: null,
      revoked_at: null,
      created_at: now,
      approval_status: 'PENDING_APPROVAL',
    });
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: PARTS });
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasTable('sharing_requests')).toBe(false);
    expect(await db.schema.hasTable('agency_collected_fields')).toBe(false);
    expect(await db.schema.hasColumn('grants', 'approval_status')).toBe(false);
    expect(await db.schema.hasTable('agency_deactivations')).toBe(false);
    expect(await db('agencies').where('code', 'H56.30').first('name')).toEqual({ name: 'Sở thử' });
    expect(await db('grants').where('agency_code', 'H56.30').first('target')).toEqual({ target: 'Citizen.ethnicity' });
    expect(await migrateLatest(db, 'gateway')).toEqual([NAME, PARTS]);
    // A grant stored before four eyes existed was in force: it stays approved.
    expect(await db('grants').where('agency_code', 'H56.30').first('approval_status')).toEqual({ approval_status: 'APPROVED' });
    expect(await db.schema.hasTable('sharing_requests')).toBe(true);
  });
});
