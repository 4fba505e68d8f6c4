import { loadWorkingCalendar } from '../../common/workingDays';
import { Accounts } from '../../gateway/console/accounts';
import { SharingDesk } from '../../gateway/sharing/sharingDesk';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

describe("steward command line: a steward linked to an agency answers its owner's queue only", () => {
  let store: TestStore;

  const steward = (as: string, ...args: string[]): Promise<StewardRun> =>
    runSteward(commandEnvironment(store.databases.config), [...args, '--as', as, '--reason', 'Tờ trình 4/2027', '--json'], 60_000);

  beforeAll(async () => {
    store = await createTestStore({ now: () => new Date() });
    const accounts = new Accounts({ repository: new AccountRepository(store.db) });
    await accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: 'quantri@test.gov.vn', name: 'Quản trị', unit: 'Trung tâm Dữ liệu', roles: ['ADMINISTRATOR'] },
    );
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.01', name: 'Công an tỉnh', sector: 'population' });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health' });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('creates a linked account, hides and refuses another owner’s request, and answers it once linked to the owner', async () => {
    const created = await steward(
      'quantri@test.gov.vn',
      'accounts',
      'create',
      '--email',
      'congan@test.gov.vn',
      '--name',
      'Cán bộ Công an',
      '--unit',
      'PC06',
      '--roles',
      'POLICY_STEWARD',
      '--agency',
      'H56.01',
    );
    expect(created.code).toBe(0);
    const account = JSON.parse(created.stdout).account;
    expect(account).toMatchObject({ email: 'congan@test.gov.vn', agencyCode: 'H56.01' });

    const desk = new SharingDesk({ stewardship: store.stewardship, repository: store.repository, calendar: loadWorkingCalendar() });
    const filed = await desk.file(
      (await store.stewardship.agency('H56.20'))!,
      { kind: 'AGENCY', agencyCode: 'H56.20', credentialId: 'test' },
      {
        fields: ['HealthInsuranceCard.validTo'],
        purposes: ['LAND_REGISTRATION'],
        legalBasis: '47/2020/NĐ-CP',
        procedure: 'Cấp giấy chứng nhận',
      },
    );
    expect(filed.ownerCodes).toEqual(['H56.15.01']);

    expect(JSON.parse((await steward('congan@test.gov.vn', 'requests', 'list')).stdout)).toEqual([]);
    const other = await steward('congan@test.gov.vn', 'requests', 'list', '--owner', 'H56.15.01');
    expect(other).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Refused \(OUTSIDE_STEWARD_QUEUE\)/) });
    const approve = await steward('congan@test.gov.vn', 'requests', 'approve', '--id', filed.id);
    expect(approve).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Refused \(OUTSIDE_STEWARD_QUEUE\)/) });
    expect((await desk.request(filed.id, TEST_ACTOR))?.status).toBe('PENDING');

    const linked = await steward('quantri@test.gov.vn', 'accounts', 'link', '--id', String(account.id), '--agency', 'H56.15.01');
    expect(JSON.parse(linked.stdout)).toMatchObject({ agencyCode: 'H56.15.01' });
    const approved = await steward('congan@test.gov.vn', 'requests', 'approve', '--id', filed.id);
    expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'APPROVED' });
  }, 180_000);
});
