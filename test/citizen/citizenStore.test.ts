import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { CitizenRepository } from '../../gateway/citizen/citizenRepository';
import { CitizenRequests } from '../../gateway/citizen/citizenRequests';
import { CitizenSessions } from '../../gateway/citizen/citizenSessions';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270401000001_create_citizen_sessions_and_requests';
const CITIZEN = '038085001234';
const OTHER = '038190004321';
/** Reunification Day and Labour Day in 2027 fall on a Friday and a Saturday. */
const CALENDAR = { holidays: new Map([['2027-04-30', 'Ngày Giải phóng miền Nam']]), workingWeekendDays: new Set<string>() };

describe("the citizens' sessions and requests, stored", () => {
  let databases: TestDatabases;
  let now: Date;
  let repository: CitizenRepository;
  let requests: CitizenRequests;

  beforeAll(async () => {
    databases = await createTestDatabases();
    repository = new CitizenRepository(databases.databases.gateway);
    requests = new CitizenRequests({
      repository,
      calendar: CALENDAR,
      accessVisibleTo: async (nationalId, reference) => nationalId === CITIZEN && reference === 'gw-1:7',
      now: () => now,
    });
  });
  afterAll(async () => {
    await databases?.destroy();
  });

  it('counts 2 working days from the day after receipt, past a weekend and a public holiday', async () => {
    // Thursday 29 April 2027, 16:00 in Viet Nam: Friday 30 is a holiday, then a weekend; Monday and Tuesday count.
    now = new Date('2027-04-29T09:00:00.000Z');
    const made = await requests.create(CITIZEN, { kind: 'DISPUTE', message: 'Không phải tôi', recordReference: 'gw-1:7' });
    expect(made).toMatchObject({ status: 'OPEN', receivedAt: '2027-04-29T09:00:00.000Z', workingDaysLeft: 2, overdue: false });
    expect(new Date(made.dueAt).toISOString()).toBe('2027-05-04T16:59:59.999Z');
    now = new Date('2027-05-05T02:00:00.000Z');
    expect((await requests.of(CITIZEN))[0]).toMatchObject({ overdue: true, workingDaysLeft: -1 });
    expect((await requests.queue())[0]).toMatchObject({ id: made.id, overdue: true });
  });

  it('refuses to contest an access the citizen does not see, with the same answer as for one that does not exist', async () => {
    await expect(requests.create(OTHER, { kind: 'DISPUTE', message: 'x', recordReference: 'gw-1:7' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(requests.create(CITIZEN, { kind: 'DISPUTE', message: 'x', recordReference: 'gw-1:8' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(requests.create(CITIZEN, { kind: 'COPY', message: 'x', recordReference: 'gw-1:7' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(requests.create(CITIZEN, { kind: 'COPY', message: '   ' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(requests.create(CITIZEN, { kind: 'COPY', message: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await requests.of(OTHER)).length).toBe(0);
  });

  it('answers a request once', async () => {
    const [open] = await requests.queue('OPEN');
    const answered = await requests.answer(open!.id, { name: 'Kiểm soát viên', role: 'AUDITOR' }, 'Đã xác minh');
    expect(answered).toMatchObject({ status: 'ANSWERED', answer: 'Đã xác minh', answeredRole: 'AUDITOR' });
    await expect(requests.answer(open!.id, { name: 'Người khác', role: 'POLICY_STEWARD' }, 'Lần hai')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(requests.answer(999999, { name: 'x', role: 'AUDITOR' }, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await requests.queue('OPEN')).toEqual([]);
    await expect(requests.queue('LATER')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('opens sessions that expire and end, stored by the SHA-256 of their secret', async () => {
    let clock = new Date('2027-05-05T02:00:00.000Z');
    const sessions = new CitizenSessions(repository, 60_000, () => clock);
    const opened = await sessions.open(CITIZEN);
    expect(await sessions.find(opened.token)).toMatchObject({ nationalId: CITIZEN });
    expect(await sessions.find(opened.session.id)).toBeNull();
    expect(await databases.databases.gateway('citizen_sessions').where('id', opened.token).first()).toBeUndefined();
    clock = new Date(clock.getTime() + 60_001);
    expect(await sessions.find(opened.token)).toBeNull();
    clock = new Date('2027-05-05T02:00:00.000Z');
    await sessions.end(opened.session.id);
    expect(await sessions.find(opened.token)).toBeNull();
  });

  it(`migrates down and up (${NAME})`, async () => {
    const db = databases.databases.gateway;
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasTable('citizen_requests')).toBe(false);
    expect(await db.schema.hasTable('citizen_sessions')).toBe(false);
    expect(await db.schema.hasTable('steward_sessions')).toBe(true);
    expect(await migrateLatest(db, 'gateway')).toEqual([NAME]);
    expect(await db.schema.hasColumn('citizen_requests', 'due_at')).toBe(true);
  });
});
