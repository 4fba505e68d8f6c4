import type { Page } from 'playwright-core';
import { VerificationLog, verificationRunOf } from '../../gateway/audit/verificationLog';
import { totpCode } from '../../gateway/console/totp';
import type { StewardRole } from '../../gateway/store/accountTypes';
import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

jest.setTimeout(60_000);

const LAND_QUERY = '{ landParcelsByCommune(communeCode: "40778", first: 1) { nodes { parcelNumber } } }';

describe("the stewards' console in a real browser", () => {
  let seeded: SeededPlatform;
  let browser: TestBrowser;
  let base: string;
  let page: Page;
  let counter = 0;

  /** Creates an account with the roles, signs in with it on the console's form, and waits for the console. */
  async function signInAs(roles: StewardRole[]): Promise<void> {
    counter += 1;
    const made = await seeded.platform.accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: `nguoi${counter}@test.gov.vn`, name: `Người ${counter}`, unit: 'Phòng thử', roles },
    );
    await page.goto(new URL('/console', base).toString());
    await page.fill('[data-testid=sign-in] input[name=email]', made.account.email);
    await page.fill('[data-testid=sign-in] input[name=password]', made.password!);
    await page.fill('[data-testid=sign-in] input[name=code]', totpCode(made.totpSecret!));
    await page.click('[data-testid=sign-in] button[type=submit]');
    await page.waitForSelector('[data-testid=who]');
  }

  async function signOut(): Promise<void> {
    await page.click('header.console-bar button:has-text("Đăng xuất")');
    await page.waitForSelector('[data-testid=sign-in]');
  }

  const tabs = () => page.$$eval('nav.console-tabs button', (buttons) => buttons.map((button) => button.textContent));

  beforeAll(async () => {
    [seeded, browser] = await Promise.all([startSeededPlatform(5), launchBrowser()]);
    base = new URL('/', seeded.platform.gateway.url).toString();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  it("keeps the session cookie from the page's scripts and a wrong code out", async () => {
    await page.goto(new URL('/console', base).toString());
    await page.fill('[data-testid=sign-in] input[name=email]', 'nobody@test.gov.vn');
    await page.fill('[data-testid=sign-in] input[name=password]', 'not a password at all');
    await page.fill('[data-testid=sign-in] input[name=code]', '123456');
    await page.click('[data-testid=sign-in] button[type=submit]');
    await page.waitForSelector('[data-testid=sign-in] [role=alert]');
    await signInAs(['AUDITOR']);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await signOut();
  });

  it("a key officer revokes the land office's key, and its next request gets 401", async () => {
    const landKey = seeded.demoKeys.get('H56.20')!;
    const ask = () =>
      fetch(seeded.platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${landKey}`, 'x-purpose': 'LAND_REGISTRATION' },
        body: JSON.stringify({ query: LAND_QUERY }),
      });
    expect((await ask()).status).toBe(200);
    await signInAs(['KEY_OFFICER']);
    expect(await tabs()).toEqual(['Cơ quan', 'Khóa truy cập', 'Văn bản pháp lý']);
    await page.click('nav.console-tabs button:has-text("Khóa truy cập")');
    await page.waitForSelector('[data-testid=api-keys] tbody tr');
    const keyId = landKey.split('_')[1]!;
    await page.selectOption('[data-testid=revoke-key] select[name=id]', keyId);
    await page.fill('[data-testid=revoke-key] input[name=reason]', 'Khóa bị lộ, phiếu 3/2026');
    await page.click('[data-testid=revoke-key] button[type=submit]');
    await page.waitForSelector('[data-testid=revoke-key] [role=status]');
    await browser.screenshot(page, 'console-key-officer');
    await seeded.platform.policyCache.refreshNow();
    expect((await ask()).status).toBe(401);
    const [change] = await seeded.platform.stewardship.changes({ entityType: 'CREDENTIAL', entityId: keyId, limit: 1 });
    expect(change).toMatchObject({
      action: 'REVOKE_KEY',
      actorRole: 'KEY_OFFICER',
      reason: 'Khóa bị lộ, phiếu 3/2026',
      actor: expect.stringMatching(/^person:nguoi\d+@test.gov.vn$/),
    });
    await signOut();
  });

  it('an auditor searches the audit trail and exports it, and sees nothing else', async () => {
    const hospital = seeded.demoKeys.get('H56.15.01')!;
    await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hospital}`, 'x-purpose': 'MEDICAL_TREATMENT' },
      body: JSON.stringify({ query: LAND_QUERY }),
    });
    await signInAs(['AUDITOR']);
    expect(await tabs()).toEqual([
      'Cần rà soát',
      'Văn bản pháp lý',
      'Danh mục dữ liệu',
      'Nhật ký truy cập',
      'Yêu cầu chia sẻ',
      'Lịch sử thay đổi',
      'Yêu cầu của công dân',
    ]);
    await page.click('nav.console-tabs button:has-text("Nhật ký truy cập")');
    await page.fill('[data-testid=audit-search] input[name=agency]', 'H56.15.01');
    await page.check('[data-testid=audit-search] input[name=denied]');
    await page.click('[data-testid=audit-search] button[type=submit]');
    await page.waitForSelector('[data-testid=audit-records] tbody tr');
    expect(await page.textContent('[data-testid=audit-records] tbody')).toContain('DENIED');
    await page.click('button:has-text("Xuất CSV")');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=audit-download]');
    const file = await download;
    expect(file.suggestedFilename()).toBe('audit.csv');
    await browser.screenshot(page, 'console-auditor');
    await signOut();
  });

  it("an auditor sees the requests over time per agency, the denied apart, and the verifier's last result, warned when it never ran or failed", async () => {
    // The hospital asks for the land office's parcels: refused, and recorded.
    await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.15.01')!}`, 'x-purpose': 'MEDICAL_TREATMENT' },
      body: JSON.stringify({ query: LAND_QUERY }),
    });
    await signInAs(['AUDITOR']);
    await page.click('nav.console-tabs button:has-text("Nhật ký truy cập")');
    await page.waitForSelector('[data-testid=audit-verification] [data-warning=NEVER_RUN]');
    expect(await page.textContent('[data-testid=verification-warning]')).toContain('npm run audit:verify');

    const verifications = new VerificationLog(seeded.databases.databases.gateway);
    const ran = { startedAt: new Date(), finishedAt: new Date(), ranBy: 'cli:kiemtoan', instance: null };
    await verifications.record(
      verificationRunOf(
        {
          sound: false,
          instances: [
            {
              instance: 'gw-1',
              records: 12,
              checkpoints: 3,
              lastCheckpointSeq: 12,
              unsealed: 0,
              accepted: null,
              problem: { instance: 'gw-1', seq: 7, kind: 'CHANGED', message: 'record 7 no longer matches its hash' },
            },
          ],
          problems: [],
        },
        ran,
      ),
    );
    await page.click('nav.console-tabs button:has-text("Lịch sử thay đổi")');
    await page.click('nav.console-tabs button:has-text("Nhật ký truy cập")');
    await page.waitForSelector('[data-testid=audit-verification] [data-warning=FAILED]');
    expect(await page.textContent('[data-testid=verification-outcome]')).toContain('Phát hiện sai lệch');
    expect(await page.textContent('[data-testid=audit-verification]')).toContain('cli:kiemtoan');
    expect(await page.textContent('[data-testid=verification-problem]')).toContain('gw-1 seq 7 (CHANGED)');

    await page.click('[data-testid=audit-search] button[type=submit]');
    await page.waitForSelector('[data-testid=audit-chart] svg[role=img]');
    expect(await page.textContent('[data-testid=audit-chart] svg > title')).toContain('Số lượt truy cập theo thời gian, theo cơ quan (theo ngày)');
    expect(await page.textContent('[data-testid=audit-chart] svg > desc')).toContain('cột đỏ');
    expect(await page.$$eval('[data-testid=audit-chart] [data-testid=chart-column]', (columns) => columns.length)).toBe(31);
    expect(await page.$$eval('[data-testid=audit-chart] [data-testid=chart-denied]', (bars) => bars.length)).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('[data-testid=chart-legend]')).toContain('H56.15.01');
    const rows = await page.$$eval('[data-testid=audit-timeline-table] tbody tr', (found) =>
      found.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent)),
    );
    const hospital = rows.find((cells) => cells[1] === 'H56.15.01');
    expect(Number(hospital?.[3])).toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid=audit-chart]').scrollIntoViewIfNeeded();
    await browser.screenshot(page, 'console-audit-chart');

    await page.selectOption('select[aria-label=Language]', 'en');
    expect(await page.textContent('[data-testid=audit-chart] svg > title')).toContain('Requests over time, by agency (per day)');
    expect(await page.textContent('[data-testid=verification-outcome]')).toContain('Problems found');
    await page.selectOption('select[aria-label=Language]', 'vi');

    // A sound run now: the failure's warning goes.
    await verifications.record(verificationRunOf({ sound: true, instances: [], problems: [] }, { ...ran, finishedAt: new Date(Date.now() + 1000) }));
    await page.click('nav.console-tabs button:has-text("Lịch sử thay đổi")');
    await page.click('nav.console-tabs button:has-text("Nhật ký truy cập")');
    await page.waitForSelector('[data-testid=verification-outcome]:has-text("Toàn vẹn")');
    expect(await page.$('[data-testid=verification-warning]')).toBeNull();
    await signOut();
  });

  it("a policy steward finds the hospital's grants on Decree 13/2023 flagged, cites Law 91/2025 and Decree 356/2025 for one, and it leaves the list", async () => {
    await signInAs(['POLICY_STEWARD']);
    await page.click('nav.console-tabs button:has-text("Cần rà soát")');
    await page.waitForSelector('[data-testid=review] tbody tr');
    const rows = () => page.$$eval('[data-testid=review] tbody tr', (found) => found.map((row) => row.textContent ?? ''));
    const flagged = await rows();
    expect(flagged).toHaveLength(8);
    for (const row of flagged) expect(row).toContain('H56.15.01');
    expect(flagged[0]).toContain('91/2025/QH15, 356/2025/NĐ-CP');
    const grantId = (
      await page.$$eval('[data-testid=cite-grant] select[name=id] option', (options) => options.map((option) => (option as HTMLOptionElement).value))
    )[0]!;
    // The picker offers the register's entries in force, not the replaced decree.
    const offered = await page.$$eval('[data-testid=cite-grant] select[name=legalInstruments] option', (options) =>
      options.map((option) => (option as HTMLOptionElement).value),
    );
    expect(offered).toEqual(expect.arrayContaining(['91/2025/QH15', '356/2025/NĐ-CP', '15/2023/QH15']));
    expect(offered).not.toContain('13/2023/NĐ-CP');
    await page.selectOption('[data-testid=cite-grant] select[name=id]', grantId);
    await page.selectOption('[data-testid=cite-grant] select[name=legalInstruments]', ['15/2023/QH15', '91/2025/QH15', '356/2025/NĐ-CP']);
    await page.fill('[data-testid=cite-grant] input[name=reason]', 'Rà soát căn cứ pháp lý, phiếu 7/2026');
    await page.click('[data-testid=cite-grant] button[type=submit]');
    await page.waitForSelector('[data-testid=cite-grant] [role=status]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=review] tbody tr').length === 7);
    await browser.screenshot(page, 'console-review');
    const [change] = await seeded.platform.stewardship.changes({ entityType: 'GRANT', entityId: grantId, limit: 1 });
    expect(change).toMatchObject({
      action: 'CITE_LEGAL_BASIS',
      actorRole: 'POLICY_STEWARD',
      // In the register's order, as the picker lists it.
      after: { legalInstruments: ['15/2023/QH15', '356/2025/NĐ-CP', '91/2025/QH15'] },
    });
    await page.click('nav.console-tabs button:has-text("Văn bản pháp lý")');
    await page.waitForSelector('[data-testid=register] tbody tr');
    const decree13 = await page.$$eval('[data-testid=register] tbody tr', (found) =>
      found.map((row) => row.textContent ?? '').find((text) => text.startsWith('13/2023/NĐ-CP')),
    );
    expect(decree13).toContain('Đã bị thay thế');
    expect(decree13).toContain('91/2025/QH15, 356/2025/NĐ-CP (2026-01-01)');
    await page.click('nav.console-tabs button:has-text("Danh mục dữ liệu")');
    await page.waitForSelector('[data-testid=catalogue-School]');
    expect(await page.textContent('[data-testid=catalogue-School] summary')).toContain('Dữ liệu mở');
    await page.click('[data-testid=catalogue-Citizen] summary');
    const fullName = await page.$$eval('[data-testid=catalogue-fields-Citizen] tbody tr', (found) =>
      found.map((row) => row.textContent ?? '').find((text) => text.startsWith('Citizen.fullName')),
    );
    expect(fullName).toContain('CORE');
    expect(fullName).toContain('H56.15.01 (Cần rà soát)');
    await browser.screenshot(page, 'console-catalogue');
    await signOut();
  });

  it("an administrator links a new steward to the police, and moves it to the province's office; an unknown agency is refused", async () => {
    await signInAs(['ADMINISTRATOR']);
    await page.click('nav.console-tabs button:has-text("Tài khoản")');
    await page.waitForSelector('[data-testid=accounts] tbody tr');
    const create = '[data-testid=create-account]';
    await page.fill(`${create} input[name=email]`, 'congan.moi@test.gov.vn');
    await page.fill(`${create} input[name=name]`, 'Cán bộ Công an');
    await page.fill(`${create} input[name=unit]`, 'PC06');
    await page.fill(`${create} input[name=agency]`, 'H99.99');
    await page.check(`${create} input[value=POLICY_STEWARD]`);
    await page.fill(`${create} input[name=reason]`, 'Quyết định 9/2027');
    await page.click(`${create} button[type=submit]`);
    await page.waitForSelector(`${create} [role=alert]`);
    expect(await page.textContent(`${create} [role=alert]`)).toContain('H99.99');
    await page.fill(`${create} input[name=agency]`, 'H56.01');
    await page.click(`${create} button[type=submit]`);
    await page.waitForSelector(`${create} [role=status]`);
    const rowOf = async () => {
      const rows = await page.$$eval('[data-testid=accounts] tbody tr', (found) => found.map((row) => row.textContent ?? ''));
      return rows.find((row) => row.includes('congan.moi@test.gov.vn')) ?? '';
    };
    await page.waitForFunction(() => document.querySelector('[data-testid=accounts] tbody')?.textContent?.includes('congan.moi@test.gov.vn'));
    expect(await rowOf()).toContain('H56.01');
    const made = await seeded.platform.accounts.byEmail('congan.moi@test.gov.vn');
    expect(made?.agencyCode).toBe('H56.01');

    const link = '[data-testid=link-account]';
    await page.selectOption(`${link} select[name=id]`, String(made!.id));
    await page.fill(`${link} input[name=agency]`, '');
    await page.fill(`${link} input[name=reason]`, 'Điều chuyển về Trung tâm Dữ liệu');
    await page.click(`${link} button[type=submit]`);
    await page.waitForSelector(`${link} [role=status]`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=accounts] tbody tr')].some(
        (row) => row.textContent?.includes('congan.moi@') && row.textContent.includes('Toàn tỉnh'),
      ),
    );
    expect((await seeded.platform.accounts.byEmail('congan.moi@test.gov.vn'))?.agencyCode).toBeNull();
    await signOut();
  });

  it('an account without a role sees no page, in Vietnamese or in English', async () => {
    await signInAs([]);
    expect(await tabs()).toEqual([]);
    expect(await page.textContent('[data-testid=no-role]')).toBe('Tài khoản của bạn chưa được giao vai trò nào.');
    await page.selectOption('select[aria-label=Language]', 'en');
    expect(await page.textContent('[data-testid=no-role]')).toBe('Your account has no role yet.');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.selectOption('select[aria-label=Language]', 'vi');
    await signOut();
    expect(browser.pageErrors.filter((error) => !/401|Failed to load resource/.test(error))).toEqual([]);
    expect(browser.requests.filter((url) => !url.startsWith(base) && !url.startsWith('blob:'))).toEqual([]);
  });
});
