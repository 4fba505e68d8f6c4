import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { indexRowsOf } from '../../gateway/audit/records';
import type { AuditFixture } from './auditHelpers';
import { auditInput, createAuditFixture, decided } from './auditHelpers';

describe('the move of the field index to field sets (migration 20261223000000)', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('gives every existing record its field set from its own fields, and back again, losing no field row', async () => {
    const log = await fixture.startLog('m-sets');
    for (const fields of [undefined, [decided('Query.citizen')], undefined, [decided('Query.citizen'), decided('Citizen.sex', 'DENY')]]) {
      await log.append(auditInput(fields ? { fields } : {}));
    }
    await log.stop();
    const records = await fixture.db('audit_records').where('instance', 'm-sets').orderBy('seq');

    // Down: one row per field and record, as before field sets.
    await fixture.db.migrate.down({
      migrationSource: migrationSource(gatewayMigrations),
      tableName: 'knex_migrations',
      name: '20261223000000_create_audit_field_sets',
    });
    expect(await fixture.db.schema.hasTable('audit_field_sets')).toBe(false);
    expect(await fixture.db.schema.hasColumn('audit_records', 'field_set')).toBe(false);
    const perRecord = await fixture
      .db('audit_fields')
      .where('instance', 'm-sets')
      .orderBy([{ column: 'seq' }, { column: 'coordinate' }]);
    const expected = records.flatMap((record) =>
      indexRowsOf(record).fields.map(({ coordinate, effect }) => ({ instance: 'm-sets', seq: Number(record.seq), coordinate, effect })),
    );
    expect(perRecord.map((row) => ({ ...row, seq: Number(row.seq) }))).toEqual(expected);

    // Up: each record names the set of its fields again, and the sets hold them; the trail verifies.
    expect(await migrateLatest(fixture.db, 'gateway')).toEqual(['20261223000000_create_audit_field_sets']);
    expect(await fixture.db.schema.hasTable('audit_fields')).toBe(false);
    const moved = await fixture.db('audit_records').where('instance', 'm-sets').orderBy('seq');
    expect(moved.map((record) => record.field_set)).toEqual(records.map((record) => record.field_set));
    expect(new Set(moved.map((record) => record.field_set)).size).toBe(3);
    for (const record of moved) {
      const rows = await fixture.db('audit_field_sets').where('set_hash', record.field_set).orderBy('coordinate').select('set_hash', 'coordinate', 'effect');
      expect(rows).toEqual(indexRowsOf(record).fields);
    }
    expect((await fixture.verify('m-sets')).instances[0]).toMatchObject({ records: 4, problem: null });
  });
});
