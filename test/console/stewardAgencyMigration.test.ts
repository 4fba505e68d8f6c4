import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const LINK = '20270901000004_link_steward_accounts_to_agencies';
const VERIFICATIONS = '20270901000005_create_audit_verifications';

describe(`the migrations of the stewards' agencies and the verifier's runs (${LINK}, ${VERIFICATIONS})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it('removes the agency column and the runs table, keeping the accounts, and puts them back with the accounts province-wide', async () => {
    const db = databases.databases.gateway;
    const at = '2027-09-01T00:00:00.000Z';
    await db('steward_accounts').insert({
      email: 'cu@so.gov.vn',
      name: 'Cũ',
      unit: 'Sở',
      roles: '["POLICY_STEWARD"]',
      agency_code: 'H56.01',
      created_at: at,
      updated_at: at,
    });
    const source = { migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations' };
    await db.migrate.down({ ...source, name: VERIFICATIONS });
    await db.migrate.down({ ...source, name: LINK });
    expect(await db.schema.hasTable('audit_verifications')).toBe(false);
    expect(await db.schema.hasColumn('steward_accounts', 'agency_code')).toBe(false);
    expect(await db('steward_accounts').where('email', 'cu@so.gov.vn').first('name')).toEqual({ name: 'Cũ' });
    expect(await migrateLatest(db, 'gateway')).toEqual([LINK, VERIFICATIONS]);
    expect(await db('steward_accounts').where('email', 'cu@so.gov.vn').first('agency_code')).toEqual({ agency_code: null });
    expect(await db.schema.hasTable('audit_verifications')).toBe(true);
  });
});
