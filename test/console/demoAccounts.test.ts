import { Accounts } from '../../gateway/console/accounts';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../gateway/console/demoAccounts';
import { totpCode } from '../../gateway/console/totp';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { STEWARD_ROLES } from '../../gateway/store/accountTypes';
import type { TestStore } from '../store/storeHelpers';
import { createTestStore } from '../store/storeHelpers';

describe('demo steward accounts', () => {
  let store: TestStore;
  let accounts: Accounts;

  beforeAll(async () => {
    store = await createTestStore();
    const seed = { kind: 'SYSTEM', task: 'test' } as const;
    await store.stewardship.createAgency(seed, { code: 'H56.01', name: 'Công an tỉnh', sector: 'population', unitCodes: [] });
    await store.stewardship.createAgency(seed, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [] });
    await store.stewardship.createAgency(seed, { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health', unitCodes: [] });
    accounts = new Accounts({ repository: new AccountRepository(store.db), now: store.clock.now });
  });
  afterAll(async () => {
    await store?.destroy();
  });

  it('seeds one province-wide account per role and a policy steward per owner agency, whose password and code sign in, and gives the passwords once', async () => {
    const seeded = await seedDemoAccounts(accounts, { production: false });
    expect(seeded.map((account) => [account.role, account.agencyCode])).toEqual([
      ...STEWARD_ROLES.map((role) => [role, null]),
      ['POLICY_STEWARD', 'H56.01'],
      ['POLICY_STEWARD', 'H56.20'],
      ['POLICY_STEWARD', 'H56.15.01'],
    ]);
    expect(new Set(seeded.map((account) => account.password)).size).toBe(DEMO_ACCOUNTS.length);
    for (const account of seeded) {
      const opened = await accounts.signIn({ email: account.email, password: account.password, code: totpCode(account.totpSecret, store.clock.now()) });
      expect(opened.account).toMatchObject({ roles: [account.role], agencyCode: account.agencyCode });
    }
    expect(await seedDemoAccounts(accounts, { production: false })).toEqual([]);
    const stored = JSON.stringify(await store.db('steward_accounts').select());
    for (const account of seeded) expect(stored).not.toContain(account.password);
    const history = await store.stewardship.changes({ entityType: 'ACCOUNT' });
    expect(history.map((change) => [change.action, change.actor])).toEqual(seeded.map(() => ['CREATE_ACCOUNT', 'system:demo-seed']));
  });

  it('never seeds in production', async () => {
    await expect(seedDemoAccounts(accounts, { production: true })).rejects.toThrow(/never seeded in production/);
  });
});
