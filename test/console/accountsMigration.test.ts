import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270101000000_create_steward_accounts';

describe(`the steward accounts' migration (${NAME})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it("removes the accounts, the sessions and the history's person columns, keeping the history, and puts them back", async () => {
    const db = databases.databases.gateway;
    await db('policy_changes').insert({
      changed_at: '2026-12-01T00:00:00.000Z',
      actor: 'person:a@b.gov.vn',
      credential_id: 'cli:root',
      actor_role: 'POLICY_STEWARD',
      reason: 'Phiếu 1',
      action: 'CREATE_AGENCY',
      entity_type: 'AGENCY',
      entity_id: 'H56.30',
      before_json: null,
      after_json: '{}',
    });
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasTable('steward_accounts')).toBe(false);
    expect(await db.schema.hasTable('steward_sessions')).toBe(false);
    expect(await db.schema.hasColumn('policy_changes', 'reason')).toBe(false);
    expect(await db('policy_changes').where('entity_id', 'H56.30').first('actor')).toEqual({ actor: 'person:a@b.gov.vn' });
    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
    expect(await db.schema.hasColumn('steward_accounts', 'totp_last_step')).toBe(true);
    expect(await db.schema.hasColumn('policy_changes', 'actor_role')).toBe(true);
  });
});
