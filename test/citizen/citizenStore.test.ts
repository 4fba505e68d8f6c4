import fs from 'node:fs';
import { parse } from 'graphql';
import { migrateLatest, migrationSource } from '../../db/migrate';
import { gatewayMigrations } from '../../db/migrations/gateway';
import { CitizenRepository } from '../../gateway/citizen/citizenRepository';
import { CitizenRequests } from '../../gateway/citizen/citizenRequests';
import { CitizenSessions } from '../../gateway/citizen/citizenSessions';
import { dataConcernedList, dataOwner } from '../../gateway/citizen/requestRouting';
import { buildCatalog } from '../../gateway/policy/catalog';
import { declaredLabels } from '../../gateway/policy/labels';
import type { Agency } from '../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../schema/load';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

const NAME = '20270401000001_create_citizen_sessions_and_requests';
const ROUTING = '20270901000010_route_citizen_requests_to_agencies';
const CITIZEN = '038085001234';
const PROVINCE = { kind: 'PROVINCE' } as const;
const OTHER = '038190004321';
/** A citizen of one test alone, whose requests it removes after. */
const LATER = '038195007777';
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
      accessAgencyOf: async (nationalId, reference) => (nationalId === CITIZEN && reference === 'gw-1:7' ? 'H56.20' : undefined),
      dataOwnerOf: () => ({ agencyCode: null }),
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
    expect((await requests.queue('OPEN', PROVINCE))[0]).toMatchObject({ id: made.id, overdue: true });
  });

  it('gives a restriction of processing and a withdrawal of consent 15 days, holidays and weekends included, and the others 2 working days', async () => {
    // Thursday 29 April 2027, 16:00 in Viet Nam: 15 days later is Thursday 14 May, whatever the holidays between.
    now = new Date('2027-04-29T09:00:00.000Z');
    const dueOf = async (kind: string) => (await requests.create(LATER, { kind, message: 'Tôi không đồng ý', concerns: 'land' })).dueAt;
    expect(new Date(await dueOf('RESTRICTION')).toISOString()).toBe('2027-05-14T16:59:59.999Z');
    expect(new Date(await dueOf('WITHDRAWAL')).toISOString()).toBe('2027-05-14T16:59:59.999Z');
    expect(new Date(await dueOf('OBJECTION')).toISOString()).toBe('2027-05-04T16:59:59.999Z');
    expect(new Date(await dueOf('CORRECTION')).toISOString()).toBe('2027-05-04T16:59:59.999Z');
    const withdrawal = (await requests.of(LATER)).find((request) => request.kind === 'WITHDRAWAL');
    // From 29 April to 14 May 2027: 30 April is a holiday, then two weekends: 10 working days left.
    expect(withdrawal).toMatchObject({ concerns: 'land', overdue: false, workingDaysLeft: 10 });
    await databases.databases.gateway('citizen_requests').where('national_id', LATER).delete();
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
    const [open] = await requests.queue('OPEN', PROVINCE);
    const answered = await requests.answer(open!.id, { name: 'Kiểm soát viên', role: 'AUDITOR', scope: PROVINCE }, 'Đã xác minh');
    expect(answered).toMatchObject({ status: 'ANSWERED', answer: 'Đã xác minh', answeredRole: 'AUDITOR' });
    await expect(requests.answer(open!.id, { name: 'Người khác', role: 'POLICY_STEWARD', scope: PROVINCE }, 'Lần hai')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(requests.answer(999999, { name: 'x', role: 'AUDITOR', scope: PROVINCE }, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await requests.queue('OPEN', PROVINCE)).toEqual([]);
    await expect(requests.queue('LATER', PROVINCE)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
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
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: ROUTING });
    await db.migrate.down({ migrationSource: migrationSource(gatewayMigrations), tableName: 'knex_migrations', name: NAME });
    expect(await db.schema.hasTable('citizen_requests')).toBe(false);
    expect(await db.schema.hasTable('citizen_sessions')).toBe(false);
    expect(await db.schema.hasTable('steward_sessions')).toBe(true);
    expect(await migrateLatest(db, 'gateway')).toEqual([NAME, ROUTING]);
    expect(await db.schema.hasColumn('citizen_requests', 'due_at')).toBe(true);
  });

  describe('routed to the queue of the agency that answers for them', () => {
    const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
    const catalog = buildCatalog(sdl);
    const agency = (code: string, sector: string | null, deactivatedAt: string | null = null): Agency => ({
      code,
      name: `Cơ quan ${code}`,
      sector,
      unitCodes: [],
      steward: false,
      deactivatedAt,
    });
    const agencies = [agency('H56.01', 'population'), agency('H56.20', 'land'), agency('H56.15', 'health', '2027-01-01T00:00:00.000Z'), agency('H56.99', null)];
    let routed: CitizenRequests;
    const police = { kind: 'AGENCY', agencyCode: 'H56.01' } as const;
    const land = { kind: 'AGENCY', agencyCode: 'H56.20' } as const;

    beforeAll(async () => {
      await databases.databases.gateway('citizen_requests').delete();
      now = new Date('2027-05-05T02:00:00.000Z');
      routed = new CitizenRequests({
        repository,
        calendar: CALENDAR,
        accessAgencyOf: async (_nationalId, reference) => (reference === 'gw-1:7' ? 'H56.20' : reference === 'gw-1:9' ? null : undefined),
        dataOwnerOf: (concerns) => dataOwner(concerns, catalog, agencies),
        agencyName: (code) => (code === 'H56.20' ? 'Sở Nông nghiệp và Môi trường' : null),
        now: () => now,
      });
    });

    it('sends a dispute to the agency of the access, a correction, restriction or objection to the owner of the data, the others to the province', async () => {
      const made = {
        dispute: await routed.create(CITIZEN, { kind: 'DISPUTE', message: 'x', recordReference: 'gw-1:7' }),
        anonymous: await routed.create(CITIZEN, { kind: 'DISPUTE', message: 'x', recordReference: 'gw-1:9' }),
        correction: await routed.create(CITIZEN, { kind: 'CORRECTION', message: 'x', concerns: 'Citizen.fullName' }),
        restriction: await routed.create(CITIZEN, { kind: 'RESTRICTION', message: 'x', concerns: 'land' }),
        objection: await routed.create(CITIZEN, { kind: 'OBJECTION', message: 'x', concerns: 'health' }),
        copy: await routed.create(CITIZEN, { kind: 'COPY', message: 'x' }),
        complaint: await routed.create(CITIZEN, { kind: 'COMPLAINT', message: 'x' }),
      };
      expect(Object.fromEntries(Object.entries(made).map(([what, request]) => [what, [request.agencyCode, request.concerns, request.agencyName]]))).toEqual({
        dispute: ['H56.20', null, 'Sở Nông nghiệp và Môi trường'],
        anonymous: [null, null, null],
        correction: ['H56.01', 'Citizen.fullName', 'H56.01'],
        restriction: ['H56.20', 'land', 'Sở Nông nghiệp và Môi trường'],
        // The health department's agency is deactivated: the province's data office answers.
        objection: [null, 'health', null],
        copy: [null, null, null],
        complaint: [null, null, null],
      });
      expect((await routed.of(CITIZEN)).map((request) => request.agencyCode).sort()).toEqual(['H56.01', 'H56.20', 'H56.20', null, null, null, null].sort());
    });

    it('refuses a rights request naming no data, unknown data, or data where none belongs', async () => {
      const refused = [
        { kind: 'CORRECTION', message: 'x' },
        { kind: 'OBJECTION', message: 'x', concerns: '  ' },
        { kind: 'RESTRICTION', message: 'x', concerns: 'Citizen.nothing' },
        { kind: 'RESTRICTION', message: 'x', concerns: 'weather' },
        { kind: 'COPY', message: 'x', concerns: 'land' },
        { kind: 'DISPUTE', message: 'x', recordReference: 'gw-1:7', concerns: 'land' },
      ];
      for (const input of refused) await expect(routed.create(CITIZEN, input)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      expect((await routed.of(CITIZEN)).length).toBe(7);
    });

    it("shows an agency's steward its own queue only, and the province's office every queue", async () => {
      const all = await routed.queue('OPEN', PROVINCE);
      expect(all.length).toBe(7);
      expect((await routed.queue('OPEN', land)).map((request) => request.kind).sort()).toEqual(['DISPUTE', 'RESTRICTION']);
      expect((await routed.queue('ALL', police)).map((request) => request.kind)).toEqual(['CORRECTION']);
      expect(await routed.queue('OPEN', { kind: 'AGENCY', agencyCode: 'H56.99' })).toEqual([]);
    });

    it("refuses an agency's steward answering another queue's request by id with OUTSIDE_STEWARD_QUEUE, changing nothing", async () => {
      const [correction] = await routed.queue('OPEN', police);
      const copy = (await routed.queue('OPEN', PROVINCE)).find((request) => request.kind === 'COPY')!;
      for (const id of [correction!.id, copy.id])
        await expect(routed.answer(id, { name: 'Cán bộ đất đai', role: 'POLICY_STEWARD', scope: land }, 'Không')).rejects.toMatchObject({
          code: 'OUTSIDE_STEWARD_QUEUE',
          extensions: { http: { status: 403 } },
        });
      expect(await repository.requestById(correction!.id)).toMatchObject({ status: 'OPEN', answer: null, answeredBy: null });
      expect(await repository.requestById(copy.id)).toMatchObject({ status: 'OPEN', answer: null });
      expect(await routed.answer(correction!.id, { name: 'Cán bộ công an', role: 'POLICY_STEWARD', scope: police }, 'Đã sửa')).toMatchObject({
        status: 'ANSWERED',
      });
      expect(await routed.answer(copy.id, { name: 'Văn phòng dữ liệu', role: 'AUDITOR', scope: PROVINCE }, 'Đã gửi')).toMatchObject({ status: 'ANSWERED' });
    });

    it('lists each sector, then its labelled fields, to pick the data concerned from', () => {
      const list = dataConcernedList(catalog, declaredLabels(parse(sdl)));
      expect(list.filter((entry) => entry.value === entry.sector).map((entry) => entry.value)).toEqual(catalog.sectors);
      expect(list.find((entry) => entry.value === 'population')).toEqual({
        value: 'population',
        sector: 'population',
        words: { vi: 'Dân cư', en: 'Population' },
      });
      expect(list.find((entry) => entry.value === 'Citizen.fullName')).toMatchObject({ sector: 'population', words: { vi: expect.any(String) } });
      for (const entry of list) expect(dataOwner(entry.value, catalog, agencies).sector).toBe(entry.sector);
    });
  });
});
