import type { Knex } from 'knex';
import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { CitizenRepository } from '../../gateway/citizen/citizenRepository';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270901000010_route_citizen_requests_to_agencies';
const CITIZEN = '038085001234';
const AT = '2027-08-02T02:00:00.000Z';

async function access(db: Knex, instance: string, seq: number, agencyCode: string | null): Promise<void> {
  await db('audit_records').insert({
    instance,
    seq,
    recorded_at: AT,
    agency_code: agencyCode,
    agency_name: agencyCode,
    credential_id: null,
    user_id: null,
    purpose: 'LAND_REGISTRATION',
    dossier_id: null,
    operation_name: null,
    operation_hash: null,
    variables_hash: null,
    fields_json: '[]',
    field_set: null,
    citizen_ids_json: JSON.stringify([CITIZEN]),
    row_count: 1,
    outcome: 'ALLOWED',
    error_code: null,
    latency_ms: 1,
    policy_version: 1,
    previous_hash: '0'.repeat(64),
    hash: String(seq).repeat(64).slice(0, 64),
  });
}

/** Given a request as stored before it named a queue, inserts it and returns its id. */
async function legacyRequest(db: Knex, kind: string, recordReference: string | null): Promise<number> {
  const [id] = await db('citizen_requests').insert({
    national_id: CITIZEN,
    kind,
    record_reference: recordReference,
    message: `Yêu cầu ${kind}`,
    status: 'OPEN',
    received_at: AT,
    due_at: '2027-08-04T16:59:59.999Z',
    answer: null,
    answered_by: null,
    answered_role: null,
    answered_at: null,
  });
  return Number(id);
}

describe(`the migration that routes citizens' requests to agencies' queues (${NAME})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it("sends each existing dispute to the agency that made the access, every other request to the province's data office, and goes back", async () => {
    const db = databases.databases.gateway;
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasColumn('citizen_requests', 'agency_code')).toBe(false);
    await access(db, 'gw-1', 7, 'H56.20');
    await access(db, 'gw-2', 3, 'H56.15.01');
    await access(db, 'gw-2', 4, null);
    const land = await legacyRequest(db, 'DISPUTE', 'gw-1:7');
    const hospital = await legacyRequest(db, 'DISPUTE', 'gw-2:3');
    const nobody = await legacyRequest(db, 'DISPUTE', 'gw-2:4');
    const vanished = await legacyRequest(db, 'DISPUTE', 'gw-9:1');
    const correction = await legacyRequest(db, 'CORRECTION', null);
    const copy = await legacyRequest(db, 'COPY', null);

    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
    const repository = new CitizenRepository(db);
    const routed = Object.fromEntries(
      (await repository.queue(null)).map((request) => [request.id, { agencyCode: request.agencyCode, concerns: request.concerns }]),
    );
    expect(routed).toEqual({
      [land]: { agencyCode: 'H56.20', concerns: null },
      [hospital]: { agencyCode: 'H56.15.01', concerns: null },
      [nobody]: { agencyCode: null, concerns: null },
      [vanished]: { agencyCode: null, concerns: null },
      [correction]: { agencyCode: null, concerns: null },
      [copy]: { agencyCode: null, concerns: null },
    });
    expect((await repository.queue('OPEN', 'H56.20')).map((request) => request.id)).toEqual([land]);

    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasColumn('citizen_requests', 'agency_code')).toBe(false);
    expect(await db.schema.hasColumn('citizen_requests', 'concerns')).toBe(false);
    expect(Number(((await db('citizen_requests').count({ count: '*' })) as Array<{ count: number | string }>)[0]!.count)).toBe(6);
    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
  });
});
