import { Accounts } from '../../gateway/console/accounts';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { SharingDesk } from '../../gateway/sharing/sharingDesk';
import { loadWorkingCalendar } from '../../common/workingDays';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

describe('steward command line: four eyes, deactivation and sharing requests', () => {
  let store: TestStore;

  const steward = (as: string, ...args: string[]): Promise<StewardRun> =>
    runSteward(commandEnvironment(store.databases.config), [...args, '--as', as, '--reason', 'Tờ trình 3/2027', '--json'], 60_000);

  beforeAll(async () => {
    store = await createTestStore({ now: () => new Date() });
    const accounts = new Accounts({ repository: new AccountRepository(store.db) });
    for (const [email, roles] of [
      ['mot@test.gov.vn', ['POLICY_STEWARD']],
      ['hai@test.gov.vn', ['POLICY_STEWARD']],
      ['khoa@test.gov.vn', ['KEY_OFFICER']],
    ] as const)
      await accounts.create({ kind: 'SYSTEM', task: 'test' }, { email, name: email, unit: 'Trung tâm Dữ liệu', roles: [...roles] });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('holds a sensitive grant made on the command line for a second steward, and refuses the requester and other roles', async () => {
    const created = await steward(
      'mot@test.gov.vn',
      'grants',
      'create',
      '--agency',
      'H56.20',
      '--field',
      'Citizen.ethnicity',
      '--purposes',
      'LAND_REGISTRATION',
      '--legal-basis',
      '31/2024/QH15',
      '--citation',
      'Luật Đất đai 2024',
    );
    expect(created).toMatchObject({ code: 0 });
    const grant = JSON.parse(created.stdout);
    expect(grant).toMatchObject({ status: 'AWAITING_APPROVAL', approval: { requestedBy: 'person:mot@test.gov.vn' } });
    expect((await store.repository.loadSnapshot()).grantsByAgency.get('H56.20') ?? []).toEqual([]);

    const own = await steward('mot@test.gov.vn', 'grants', 'approve', '--id', grant.id);
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/^Refused \(FOUR_EYES_REQUIRED\)/);
    const officer = await steward('khoa@test.gov.vn', 'grants', 'approve', '--id', grant.id);
    expect(officer.stderr).toMatch(/^Refused \(FORBIDDEN\)/);

    const approved = await steward('hai@test.gov.vn', 'grants', 'approve', '--id', grant.id);
    expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'ACTIVE', approval: { decidedBy: 'person:hai@test.gov.vn', reason: 'Tờ trình 3/2027' } });
    expect((await store.repository.loadSnapshot()).grantsByAgency.get('H56.20')?.map((each) => each.id)).toEqual([grant.id]);
  }, 120_000);

  it('lists, approves and refuses a sharing request, refusing the role that may not answer', async () => {
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.01', name: 'Công an tỉnh', sector: 'population' });
    const desk = new SharingDesk({ stewardship: store.stewardship, repository: store.repository, calendar: loadWorkingCalendar() });
    const requester = (await store.stewardship.agency('H56.20'))!;
    const filed = await desk.file(
      requester,
      { kind: 'AGENCY', agencyCode: 'H56.20', credentialId: 'test' },
      {
        fields: ['Citizen.fullName', 'Citizen.sex'],
        purposes: ['LAND_REGISTRATION'],
        legalBasis: '47/2020/NĐ-CP',
        procedure: 'Cấp giấy chứng nhận',
      },
    );
    const listed = await steward('khoa@test.gov.vn', 'requests', 'list', '--owner', 'H56.01');
    expect(listed.stderr).toMatch(/^Refused \(FORBIDDEN\)/);
    const queue = JSON.parse((await steward('mot@test.gov.vn', 'requests', 'list', '--owner', 'H56.01', '--status', 'PENDING')).stdout);
    expect(queue.map((request: { id: string }) => request.id)).toEqual([filed.id]);
    const approved = JSON.parse(
      (await steward('mot@test.gov.vn', 'requests', 'approve', '--id', filed.id, '--owner', 'H56.01', '--fields', 'Citizen.fullName')).stdout,
    );
    expect(approved).toMatchObject({
      status: 'APPROVED',
      parts: [{ ownerCode: 'H56.01', status: 'APPROVED', answer: { fields: ['Citizen.fullName'], grantIds: [expect.any(String)] } }],
    });
    const refused = await steward('mot@test.gov.vn', 'requests', 'refuse', '--id', filed.id, '--refusal', 'Đổi quyết định', '--restricting-basis', 'Luật');
    expect(refused.stderr).toMatch(/^Refused \(BAD_USER_INPUT\)/);
    const changed = JSON.parse(
      (await steward('hai@test.gov.vn', 'requests', 'refuse', '--id', filed.id, '--refusal', 'Đổi quyết định', '--restricting-basis', '13/2023/NĐ-CP')).stdout,
    );
    expect(changed).toMatchObject({ status: 'REFUSED', parts: [{ ownerCode: 'H56.01', refusalReason: 'Đổi quyết định', refusalLegalBasis: '13/2023/NĐ-CP' }] });
    expect((await store.stewardship.grant(approved.parts[0].answer.grantIds[0]))?.status).toBe('REVOKED');
  }, 180_000);

  it('deactivates and reactivates an agency, refusing the role that may not', async () => {
    expect((await steward('khoa@test.gov.vn', 'agencies', 'deactivate', '--code', 'H56.20')).stderr).toMatch(/^Refused \(FORBIDDEN\)/);
    const deactivated = await steward('mot@test.gov.vn', 'agencies', 'deactivate', '--code', 'H56.20');
    expect(JSON.parse(deactivated.stdout)).toMatchObject({ code: 'H56.20', deactivatedAt: expect.any(String) });
    expect((await store.repository.loadSnapshot()).grantsByAgency.get('H56.20')).toBeUndefined();
    const reactivated = await steward('mot@test.gov.vn', 'agencies', 'reactivate', '--code', 'H56.20');
    expect(JSON.parse(reactivated.stdout).deactivatedAt).toBeNull();
  }, 120_000);
});
