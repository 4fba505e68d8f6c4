import type { Knex } from 'knex';
import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { SharingRepository } from '../../gateway/store/sharingRepository';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270901000008_split_sharing_requests_by_owner';
const NOW = '2027-08-02T02:00:00.000Z';
const DEADLINE = '2027-08-04T16:59:59.999Z';

async function agency(db: Knex, code: string, sector: string | null): Promise<void> {
  await db('agencies').insert({ code, name: `Cơ quan ${code}`, sector, unit_codes: '[]', steward: false, created_at: NOW, updated_at: NOW });
}

async function grant(db: Knex, coordinate: string): Promise<string> {
  const [id] = await db('grants').insert({
    agency_code: 'H56.20',
    target_kind: 'FIELD',
    target: coordinate,
    purposes: '["LAND_REGISTRATION"]',
    legal_basis: '47/2020/NĐ-CP',
    scope_unit_codes: null,
    masks: '[]',
    valid_from: NOW,
    valid_to: null,
    revoked_at: null,
    created_at: NOW,
    approval_status: 'APPROVED',
  });
  return String(id);
}

/** Given a request as stored before parts existed, inserts it and returns its id. */
async function legacyRequest(
  db: Knex,
  row: { fields: string[]; owners: string[]; status: string; answer?: object | null; refusal?: [string, string] },
): Promise<string> {
  const [id] = await db('sharing_requests').insert({
    requester_code: 'H56.20',
    fields: JSON.stringify(row.fields),
    purposes: '["LAND_REGISTRATION"]',
    legal_basis: '47/2020/NĐ-CP',
    scope_unit_codes: null,
    procedure: 'Đăng ký biến động đất đai',
    owner_codes: JSON.stringify(row.owners),
    status: row.status,
    filed_at: NOW,
    deadline_at: DEADLINE,
    answered_at: row.status === 'PENDING' ? null : '2027-08-03T02:00:00.000Z',
    answered_by: row.status === 'PENDING' ? null : 'person:canbo@test.gov.vn',
    refusal_reason: row.refusal?.[0] ?? null,
    refusal_legal_basis: row.refusal?.[1] ?? null,
    answer_json: row.answer ? JSON.stringify(row.answer) : null,
  });
  return String(id);
}

describe(`the migration that splits sharing requests by owner (${NAME})`, () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it('gives each existing request one part per owner, with its single decision applied to the parts it covered, and goes back', async () => {
    const db = databases.databases.gateway;
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasTable('sharing_request_parts')).toBe(false);
    await agency(db, 'H56.20', 'land');
    await agency(db, 'H56.01', 'population');
    await agency(db, 'H56.15.01', 'health');
    const grantId = await grant(db, 'Citizen.fullName');
    // The defect: the police's approval of its own field closed the request, and the hospital never answered.
    const approved = await legacyRequest(db, {
      fields: ['Citizen.fullName', 'HealthInsuranceCard.validTo'],
      owners: ['H56.01', 'H56.15.01'],
      status: 'APPROVED',
      answer: { fields: ['Citizen.fullName'], purposes: ['LAND_REGISTRATION'], scopeUnitCodes: null, grantIds: [grantId] },
    });
    const refused = await legacyRequest(db, {
      fields: ['Citizen.fullName', 'HealthInsuranceCard.validTo'],
      owners: ['H56.01', 'H56.15.01'],
      status: 'REFUSED',
      refusal: ['Không thuộc phạm vi', '91/2025/QH15'],
    });
    const pending = await legacyRequest(db, { fields: ['HealthInsuranceCard.validTo'], owners: ['H56.15.01'], status: 'PENDING' });

    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
    const sharing = new SharingRepository(db);
    const split = await sharing.requestById(approved);
    expect(split?.status).toBe('PENDING');
    expect(split?.answeredAt).toBeNull();
    expect(split?.parts).toEqual([
      {
        ownerCode: 'H56.01',
        fields: ['Citizen.fullName'],
        status: 'APPROVED',
        deadlineAt: DEADLINE,
        answeredAt: '2027-08-03T02:00:00.000Z',
        answeredBy: 'person:canbo@test.gov.vn',
        refusalReason: null,
        refusalLegalBasis: null,
        answer: { fields: ['Citizen.fullName'], purposes: ['LAND_REGISTRATION'], scopeUnitCodes: null, grantIds: [grantId] },
      },
      {
        ownerCode: 'H56.15.01',
        fields: ['HealthInsuranceCard.validTo'],
        status: 'PENDING',
        deadlineAt: DEADLINE,
        answeredAt: null,
        answeredBy: null,
        refusalReason: null,
        refusalLegalBasis: null,
        answer: null,
      },
    ]);
    // The part nobody answered is late: the gauge sees it.
    expect(await sharing.countOverdueSharingRequests(new Date('2027-08-05T02:00:00.000Z'))).toBe(2);
    const refusedParts = (await sharing.requestById(refused))!;
    expect(refusedParts.status).toBe('REFUSED');
    expect(refusedParts.parts.map((part) => [part.ownerCode, part.fields, part.status, part.refusalReason, part.refusalLegalBasis])).toEqual([
      ['H56.01', ['Citizen.fullName'], 'REFUSED', 'Không thuộc phạm vi', '91/2025/QH15'],
      ['H56.15.01', ['HealthInsuranceCard.validTo'], 'REFUSED', 'Không thuộc phạm vi', '91/2025/QH15'],
    ]);
    expect((await sharing.requestById(pending))!.parts.map((part) => [part.ownerCode, part.status])).toEqual([['H56.15.01', 'PENDING']]);
    expect((await sharing.requests({ ownerCode: 'H56.01' })).map((request) => request.id)).toEqual([approved, refused]);

    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasTable('sharing_request_parts')).toBe(false);
    // One answer per request again: the approved part's, as the single answer closed a request.
    expect(await db('sharing_requests').orderBy('id').pluck('status')).toEqual(['APPROVED', 'REFUSED', 'PENDING']);
    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
  });
});
