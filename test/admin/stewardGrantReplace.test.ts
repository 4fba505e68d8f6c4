import { Accounts } from '../../gateway/console/accounts';
import { AccountRepository } from '../../gateway/store/accountRepository';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';

jest.setTimeout(60_000);

describe('steward grants replace', () => {
  let store: TestStore;
  let old: string;
  const STEWARD = 'thaythe@test.gov.vn';

  const steward = (...args: string[]): Promise<StewardRun> => runSteward(commandEnvironment(store.databases.config), [...args]);
  const asSteward = (...args: string[]): Promise<StewardRun> => steward(...args, '--as', STEWARD, '--reason', 'Phiếu yêu cầu 9/2026');
  const replace = (...extra: string[]) =>
    asSteward('grants', 'replace', '--id', old, '--agency', 'H56.20', '--field', 'Citizen.fullName', '--purposes', 'LAND_REGISTRATION', ...extra);

  beforeAll(async () => {
    store = await createTestStore({ now: () => new Date() });
    const accounts = new Accounts({ repository: new AccountRepository(store.db) });
    await accounts.create({ kind: 'SYSTEM', task: 'test' }, { email: STEWARD, name: 'Phạm Thay Thế', unit: 'Trung tâm Dữ liệu', roles: ['POLICY_STEWARD'] });
    await accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: 'khoa2@test.gov.vn', name: 'Trần Khóa', unit: 'Trung tâm Dữ liệu', roles: ['KEY_OFFICER'] },
    );
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    const grant = await store.stewardship.createGrant(TEST_ACTOR, {
      agencyCode: 'H56.20',
      target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
      purposes: ['LAND_REGISTRATION'],
      legalInstruments: ['31/2024/QH15'],
      scopeUnitCodes: ['40778'],
    });
    old = grant.id;
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('refuses a replacement the store refuses, or a role without grants, and leaves the old grant in force', async () => {
    const versionBefore = await store.stewardship.version();
    const unknownCommune = await replace('--legal-basis', '31/2024/QH15', '--scope', '99999');
    expect(unknownCommune.code).toBe(1);
    expect(unknownCommune.stderr).toMatch(/^Refused \(BAD_USER_INPUT\): Invalid scope unit codes: 99999/);
    const notInRegister = await replace('--legal-basis', '999/2099/NĐ-CP');
    expect(notInRegister.stderr).toMatch(/^Refused \(LEGAL_BASIS_NOT_IN_REGISTER\)/);
    const officer = await steward(
      'grants',
      'replace',
      '--id',
      old,
      '--agency',
      'H56.20',
      '--field',
      'Citizen.fullName',
      '--purposes',
      'LAND_REGISTRATION',
      '--legal-basis',
      '31/2024/QH15',
      '--as',
      'khoa2@test.gov.vn',
      '--reason',
      'Thử',
    );
    expect(officer.code).toBe(1);
    expect(officer.stderr).toMatch(/FORBIDDEN/);
    expect(await store.stewardship.version()).toBe(versionBefore);
    expect((await store.stewardship.grant(old))?.status).toBe('ACTIVE');
  });

  it('revokes the old grant and stores the new one in one change, with the reason', async () => {
    const done = await replace('--legal-basis', '31/2024/QH15', '--json');
    expect(done).toMatchObject({ code: 0, stderr: '' });
    const { replaced, replacement } = JSON.parse(done.stdout);
    expect(replaced).toMatchObject({ id: old, status: 'REVOKED' });
    expect(replacement).toMatchObject({ status: 'ACTIVE', scopeUnitCodes: null, approval: { replacesGrantId: old } });
    const [change] = await store.stewardship.changes({ limit: 1 });
    expect(change).toMatchObject({
      action: 'REPLACE_GRANT',
      entityId: replacement.id,
      relatedEntityId: old,
      actor: `person:${STEWARD}`,
      actorRole: 'POLICY_STEWARD',
      reason: 'Phiếu yêu cầu 9/2026',
    });
    const text = await asSteward(
      'grants',
      'replace',
      '--id',
      replacement.id,
      '--agency',
      'H56.20',
      '--field',
      'Citizen.fullName',
      '--purposes',
      'STATISTICS',
      '--legal-basis',
      '89/2015/QH13',
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`replaced\\s+${replacement.id}\\n`));
    expect(text.stdout).toMatch(/replacedStatus\s+REVOKED/);
  });
});
