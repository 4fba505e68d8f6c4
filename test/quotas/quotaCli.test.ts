import { Accounts } from '../../gateway/console/accounts';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

const STEWARD = 'hanmuc@test.gov.vn';
const KEY_OFFICER = 'khoa@test.gov.vn';

describe('steward command line: quotas', () => {
  let store: TestStore;

  const steward = (...args: string[]): Promise<StewardRun> =>
    runSteward(commandEnvironment(store.databases.config, { QUOTA_REQUESTS_PER_MINUTE: '700' }), [...args]);
  const as = (email: string, ...args: string[]) => steward(...args, '--as', email, '--reason', 'Công văn 12/2026 về hạn mức');

  beforeAll(async () => {
    store = await createTestStore({ now: () => new Date() }, { units: false });
    const accounts = new Accounts({ repository: new AccountRepository(store.db) });
    await accounts.create(TEST_ACTOR, { email: STEWARD, name: 'Lê Hạn Mức', unit: 'Trung tâm Dữ liệu', roles: ['POLICY_STEWARD'] });
    await accounts.create(TEST_ACTOR, { email: KEY_OFFICER, name: 'Trần Khóa', unit: 'Trung tâm Dữ liệu', roles: ['KEY_OFFICER'] });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('sets, lists and clears a quota, each change in the history with the person, the role and the reason', async () => {
    const set = await as(STEWARD, 'quotas', 'set', '--agency', 'H56.20', '--cost-per-minute', '5000', '--json');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toMatchObject({
      agencyCode: 'H56.20',
      credentialId: null,
      requestsPerMinute: null,
      costPerMinute: 5000,
      effectiveRequestsPerMinute: 700,
      effectiveCostPerMinute: 5000,
    });
    const listed = await steward('quotas', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/H56\.20 +- +- +5000 +700 +5000/);
    expect(listed.stdout).toMatch(/Defaults: 700 requests and 300000 cost per minute/);

    const cleared = await as(STEWARD, 'quotas', 'clear', '--agency', 'H56.20');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/requests\/min +default \(700\)/);

    const changes = await store.stewardship.changes({ entityType: 'QUOTA' });
    expect(changes.map((change) => [change.action, change.entityId, change.actor, change.actorRole, change.reason])).toEqual([
      ['CLEAR_QUOTA', 'H56.20', `person:${STEWARD}`, 'POLICY_STEWARD', 'Công văn 12/2026 về hạn mức'],
      ['SET_QUOTA', 'H56.20', `person:${STEWARD}`, 'POLICY_STEWARD', 'Công văn 12/2026 về hạn mức'],
    ]);
  });

  it('refuses a change by a role that may not make it, a bad number, and an unknown key, changing nothing', async () => {
    const before = await store.stewardship.version();
    const keyOfficer = await as(KEY_OFFICER, 'quotas', 'set', '--agency', 'H56.20', '--requests-per-minute', '10');
    expect(keyOfficer.code).toBe(1);
    expect(keyOfficer.stderr).toMatch(/FORBIDDEN/);
    const badNumber = await as(STEWARD, 'quotas', 'set', '--agency', 'H56.20', '--requests-per-minute', 'ten');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/--requests-per-minute needs a whole number/);
    const zero = await as(STEWARD, 'quotas', 'set', '--agency', 'H56.20', '--requests-per-minute', '0');
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/Refused \(BAD_USER_INPUT\): requestsPerMinute must be a whole number from 1/);
    const unknownKey = await as(STEWARD, 'quotas', 'set', '--agency', 'H56.20', '--key', 'zzzzzzzz', '--requests-per-minute', '10');
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toMatch(/Refused \(NOT_FOUND\): The agency H56.20 has no API key "zzzzzzzz"/);
    expect(await store.stewardship.version()).toBe(before);
  });
});
