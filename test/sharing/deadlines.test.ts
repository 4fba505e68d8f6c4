import { loadWorkingCalendar } from '../../common/workingDays';
import { SharingDesk } from '../../gateway/sharing/sharingDesk';
import { countOverdueSharingRequests } from '../../gateway/store/sharingRepository';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

describe('sharing request deadlines', () => {
  let store: TestStore;
  let desk: SharingDesk;

  beforeAll(async () => {
    store = await createTestStore();
    desk = new SharingDesk({ stewardship: store.stewardship, repository: store.repository, calendar: loadWorkingCalendar(), now: store.clock.now });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.01', name: 'Công an tỉnh', sector: 'population' });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health' });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  const file = async (fields = ['Citizen.fullName']) => {
    const agency = (await store.stewardship.agency('H56.20'))!;
    return desk.file(
      agency,
      { kind: 'AGENCY', agencyCode: 'H56.20', credentialId: 'test' },
      {
        fields,
        purposes: ['LAND_REGISTRATION'],
        legalBasis: '47/2020/NĐ-CP',
        procedure: 'Cấp giấy chứng nhận',
      },
    );
  };

  it('counts 2 working days over the 30 April and 1 May holidays and the weekend, and flags the request once they are past', async () => {
    // Wednesday 29 April 2026, 09:00 in Viet Nam: 30 April, 1 May, Saturday and Sunday are not worked.
    store.clock.set('2026-04-29T02:00:00.000Z');
    const filed = await file();
    expect(filed).toMatchObject({ deadlineAt: '2026-05-05T16:59:59.999Z', workingDaysLeft: 2, overdue: false, ownerCodes: ['H56.01'] });
    expect(await desk.countOverdue()).toBe(0);
    store.clock.set('2026-05-05T10:00:00.000Z');
    expect(await desk.request(filed.id, TEST_ACTOR)).toMatchObject({ workingDaysLeft: 0, overdue: false });
    store.clock.set('2026-05-06T02:00:00.000Z');
    expect(await desk.request(filed.id, TEST_ACTOR)).toMatchObject({ workingDaysLeft: -1, overdue: true });
    expect(await countOverdueSharingRequests(store.db, store.clock.now())).toBe(1);
    // An answered request is no longer overdue, whenever it was answered.
    await desk.refuse(TEST_ACTOR, filed.id, { reason: 'Không thuộc thẩm quyền', legalBasis: '13/2023/NĐ-CP' });
    expect(await countOverdueSharingRequests(store.db, store.clock.now())).toBe(0);
    expect(await desk.request(filed.id, TEST_ACTOR)).toMatchObject({ overdue: false, status: 'REFUSED' });
  });

  it("keeps a deadline per owner's part: one owner's late answer leaves the other's part overdue, and the gauge counts the request once", async () => {
    store.clock.set('2026-06-01T02:00:00.000Z');
    const filed = await file(['Citizen.fullName', 'HealthInsuranceCard.validTo']);
    expect(filed.parts.map((part) => [part.ownerCode, part.fields, part.deadlineAt, part.overdue])).toEqual([
      ['H56.01', ['Citizen.fullName'], '2026-06-03T16:59:59.999Z', false],
      ['H56.15.01', ['HealthInsuranceCard.validTo'], '2026-06-03T16:59:59.999Z', false],
    ]);
    store.clock.set('2026-06-04T02:00:00.000Z');
    const late = await desk.request(filed.id, TEST_ACTOR);
    expect(late?.parts.map((part) => [part.overdue, part.workingDaysLeft])).toEqual([
      [true, -1],
      [true, -1],
    ]);
    // Two parts overdue on one request: one overdue request.
    expect(await countOverdueSharingRequests(store.db, store.clock.now())).toBe(1);
    const answered = await desk.refuse(TEST_ACTOR, filed.id, { ownerCode: 'H56.01', reason: 'Không thuộc thẩm quyền', legalBasis: '13/2023/NĐ-CP' });
    expect(answered).toMatchObject({ status: 'PENDING', overdue: true });
    expect(answered.parts.map((part) => [part.ownerCode, part.status, part.overdue])).toEqual([
      ['H56.01', 'REFUSED', false],
      ['H56.15.01', 'PENDING', true],
    ]);
    expect(await countOverdueSharingRequests(store.db, store.clock.now())).toBe(1);
    const done = await desk.approve(TEST_ACTOR, filed.id, { ownerCode: 'H56.15.01' });
    expect(done).toMatchObject({ status: 'PARTLY_APPROVED', overdue: false, answeredAt: '2026-06-04T02:00:00.000Z' });
    expect(await countOverdueSharingRequests(store.db, store.clock.now())).toBe(0);
  });

  it('counts an ordinary week: filed on a Thursday, due at the end of the next Monday', async () => {
    store.clock.set('2026-06-04T03:00:00.000Z');
    expect(await file()).toMatchObject({ deadlineAt: '2026-06-08T16:59:59.999Z' });
  });
});
