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
    accounts = new Accounts({ repository: new AccountRepository(store.db), now: store.clock.now });
  });
  afterAll(async () => {
    await store?.destroy();
  });

  it('seeds one account per role, whose password and code sign in, and gives the passwords once', async () => {
    const seeded = await seedDemoAccounts(accounts, { production: false });
    expect(seeded.map((account) => account.role)).toEqual([...STEWARD_ROLES]);
    expect(new Set(seeded.map((account) => account.password)).size).toBe(DEMO_ACCOUNTS.length);
    for (const account of seeded) {
      const opened = await accounts.signIn({ email: account.email, password: account.password, code: totpCode(account.totpSecret, store.clock.now()) });
      expect(opened.account.roles).toEqual([account.role]);
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
