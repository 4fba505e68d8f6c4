import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { OperationRepository } from '../../gateway/store/operationRepository';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270801000000_create_approved_operations';

describe(`the approved operations' migration (${NAME})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it('removes the lists, their operations and the modes, keeping the agencies and the history, and puts them back', async () => {
    const db = databases.databases.gateway;
    const now = '2027-08-01T00:00:00.000Z';
    await db('agencies').insert({ code: 'H56.20', name: 'Văn phòng', sector: 'land', unit_codes: '[]', steward: false, created_at: now, updated_at: now });
    const operations = new OperationRepository(db);
    await operations.insertList({ agencyCode: 'H56.20', application: 'web', version: 1, format: 'CODEGEN_DOCUMENTS', changeId: 1, createdAt: now }, [
      { id: 'a'.repeat(64), name: 'A', type: 'query', body: 'query A { __typename }' },
    ]);
    await operations.setMode('H56.20', 'enforce', now);
    expect((await operations.approvedOperations()).get('H56.20')!.mode).toBe('enforce');

    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    for (const table of ['operation_lists', 'registered_operations', 'agency_operation_modes']) expect(await db.schema.hasTable(table)).toBe(false);
    expect(await db('agencies').pluck('code')).toEqual(['H56.20']);

    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
    const after = await operations.approvedOperations();
    expect(after.size).toBe(0);
    expect(await operations.modeOf('H56.20')).toBe('off');
  });
});
