import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270901000006_add_grant_replacement';

describe(`the grant replacement's migration (${NAME})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it('drops the link of a grant to the one it replaces and the second entity of a change, keeping grants and history, and puts them back', async () => {
    const db = databases.databases.gateway;
    const repository = new PolicyRepository(db);
    const now = '2027-09-01T00:00:00.000Z';
    await db('agencies').insert({ code: 'H56.20', name: 'Văn phòng', sector: 'land', unit_codes: '[]', steward: false, created_at: now, updated_at: now });
    const grant = {
      agencyCode: 'H56.20',
      target: { kind: 'FIELD' as const, coordinate: 'Citizen.fullName' },
      purposes: ['LAND_REGISTRATION' as const],
      legalBasis: 'Luật Đất đai 2024',
      legalInstruments: ['31/2024/QH15'],
      scopeUnitCodes: null,
      masks: [],
      validFrom: now,
      validTo: null,
      revokedAt: null,
    };
    const approval = { status: 'APPROVED' as const, requestedBy: 'cli:t', decidedBy: 'cli:t', decidedAt: now, reason: null, sharingRequestId: null };
    const old = await repository.insertGrant({ ...grant, approval: { ...approval, replacesGrantId: null } }, now);
    const replacement = await repository.insertGrant({ ...grant, approval: { ...approval, replacesGrantId: old } }, now);
    const change = { changedAt: now, actor: 'cli:t', credentialId: null, actorRole: null, reason: null, action: 'REPLACE_GRANT', entityType: 'GRANT' as const };
    await repository.recordChange({ ...change, entityId: replacement, relatedEntityId: old, before: null, after: null });
    expect((await repository.changes({ limit: 5, entityId: old })).map((each) => each.relatedEntityId)).toEqual([old]);

    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasColumn('grants', 'replaces_grant_id')).toBe(false);
    expect(await db.schema.hasColumn('policy_changes', 'related_entity_id')).toBe(false);
    expect((await db('grants').pluck('id')).map(String)).toEqual([old, replacement]);
    expect(await db('policy_changes').where('action', 'REPLACE_GRANT').pluck('entity_id')).toEqual([replacement]);

    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
    expect((await repository.grantById(Number(replacement)))?.approval.replacesGrantId).toBeNull();
    expect(await repository.changes({ limit: 5, entityId: old })).toEqual([]);
  });
});
