import { execFile } from 'node:child_process';
import path from 'node:path';
import { Accounts } from '../../gateway/console/accounts';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { commandEnvironment } from '../helpers/database';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('steward command line: four eyes, deactivation and sharing requests', () => {
  let store: TestStore;

  const steward = (as: string, ...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        TSX,
        ['scripts/steward.ts', ...args, '--as', as, '--reason', 'Tờ trình 3/2027', '--json'],
        { cwd: ROOT, env: commandEnvironment(store.databases.config), timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

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

  it('deactivates and reactivates an agency, refusing the role that may not', async () => {
    expect((await steward('khoa@test.gov.vn', 'agencies', 'deactivate', '--code', 'H56.20')).stderr).toMatch(/^Refused \(FORBIDDEN\)/);
    const deactivated = await steward('mot@test.gov.vn', 'agencies', 'deactivate', '--code', 'H56.20');
    expect(JSON.parse(deactivated.stdout)).toMatchObject({ code: 'H56.20', deactivatedAt: expect.any(String) });
    expect((await store.repository.loadSnapshot()).grantsByAgency.get('H56.20')).toBeUndefined();
    const reactivated = await steward('mot@test.gov.vn', 'agencies', 'reactivate', '--code', 'H56.20');
    expect(JSON.parse(reactivated.stdout).deactivatedAt).toBeNull();
  }, 120_000);
});
