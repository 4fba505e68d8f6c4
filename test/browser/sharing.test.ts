import type { Page } from 'playwright-core';
import { totpCode } from '../../gateway/console/totp';
import type { StewardRole } from '../../gateway/store/accountTypes';
import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

jest.setTimeout(90_000);

describe('sharing requests in a real browser', () => {
  let seeded: SeededPlatform;
  let browser: TestBrowser;
  let base: string;
  let consolePage: Page;
  let explorer: Page;
  let nationalId: string;
  let counter = 0;

  const healthQuery = () => `{ citizen(nationalId: "${nationalId}") { healthInsurance { validTo } } }`;
  const askAsLandOffice = async (query: string) => {
    const response = await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}`, 'x-purpose': 'LAND_REGISTRATION' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  };

  async function signInAs(roles: StewardRole[], agencyCode: string | null = null): Promise<void> {
    counter += 1;
    const made = await seeded.platform.accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: `chiase${counter}@test.gov.vn`, name: `Cán bộ ${counter}`, unit: 'Phòng thử', roles, agencyCode },
    );
    await consolePage.goto(new URL('/console', base).toString());
    await consolePage.fill('[data-testid=sign-in] input[name=email]', made.account.email);
    await consolePage.fill('[data-testid=sign-in] input[name=password]', made.password!);
    await consolePage.fill('[data-testid=sign-in] input[name=code]', totpCode(made.totpSecret!));
    await consolePage.click('[data-testid=sign-in] button[type=submit]');
    await consolePage.waitForSelector('[data-testid=who]');
  }

  async function signOut(): Promise<void> {
    await consolePage.click('header.console-bar button:has-text("Đăng xuất")');
    await consolePage.waitForSelector('[data-testid=sign-in]');
  }

  /** Given fields, files a request for them as the land office over /graphql and returns its id. */
  const fileAsLandOffice = async (fields: string[]): Promise<string> => {
    const response = await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}` },
      body: JSON.stringify({
        query: 'mutation ($input: SharingRequestInput!) { fileSharingRequest(input: $input) { id } }',
        variables: { input: { fields, purposes: ['LAND_REGISTRATION'], legalBasis: '47/2020/NĐ-CP', procedure: 'Cấp giấy chứng nhận' } },
      }),
    });
    return ((await response.json()) as { data: { fileSharingRequest: { id: string } } }).data.fileSharingRequest.id;
  };

  /** Returns the ids of the requests the console's queue shows, once it has loaded rows. */
  const queueIds = async (): Promise<string[]> => {
    await consolePage.click('nav.console-tabs button:has-text("Yêu cầu chia sẻ")');
    await consolePage.waitForSelector('[data-testid=sharing-requests] tbody tr');
    return consolePage.$$eval('[data-testid=sharing-requests] tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent ?? ''));
  };

  const tabs = () => consolePage.$$eval('nav.console-tabs button', (buttons) => buttons.map((button) => button.textContent));

  /** Opens the explorer as the land office and its sharing requests' page. */
  async function openRequestsAsLandOffice(): Promise<void> {
    await explorer.goto(new URL('/graphql', base).toString());
    await explorer.waitForSelector('.graphiql-container');
    await explorer.selectOption('select[name=demo]', 'H56.20');
    await explorer.click('form[aria-label=Caller] button[type=submit]');
    // GraphiQL keeps the open panel in the tab's session storage: on a later visit it is open already.
    await explorer.waitForSelector('[aria-label="Show Sharing requests"], [aria-label="Hide Sharing requests"]');
    if (await explorer.$('[aria-label="Show Sharing requests"]')) await explorer.click('[aria-label="Show Sharing requests"]');
    await explorer.waitForSelector('[data-testid=file-request]');
  }

  beforeAll(async () => {
    [seeded, browser] = await Promise.all([startSeededPlatform(20), launchBrowser()]);
    base = new URL('/', seeded.platform.gateway.url).toString();
    const row = (await seeded.databases.databases.population('citizens').orderBy('national_id').first('national_id')) as { national_id: string };
    nationalId = row.national_id;
    consolePage = await browser.newPage();
    explorer = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  it("the land office files from its explorer page; a policy steward previews the impact and approves; the requester's next query works", async () => {
    expect((await askAsLandOffice(healthQuery())).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await openRequestsAsLandOffice();
    await explorer.fill(
      '[data-testid=file-request] input[name=fields]',
      'Citizen.healthInsurance, HealthInsuranceCard.validTo, HealthInsuranceCard.benefitLevel',
    );
    await explorer.fill('[data-testid=file-request] input[name=purposes]', 'LAND_REGISTRATION');
    await explorer.fill('[data-testid=file-request] input[name=legalBasis]', '47/2020/NĐ-CP');
    await explorer.fill('[data-testid=file-request] input[name=procedure]', 'Đăng ký biến động đất đai');
    await explorer.click('[data-testid=file-request] button[type=submit]');
    await explorer.waitForSelector('[data-testid=sharing-request]');
    expect(await explorer.textContent('[data-testid=request-status]')).toBe('PENDING');
    await browser.screenshot(explorer, 'explorer-sharing-request');

    await signInAs(['POLICY_STEWARD']);
    await consolePage.click('nav.console-tabs button:has-text("Yêu cầu chia sẻ")');
    await consolePage.waitForSelector('[data-testid=sharing-requests] tbody tr');
    expect(await consolePage.textContent('[data-testid=sharing-requests] tbody')).toContain('H56.20');
    expect(await consolePage.textContent('[data-testid=sharing-requests] tbody')).toContain('ngày làm việc');
    await consolePage.fill('[data-testid=approve-request] input[name=fields]', 'Citizen.healthInsurance, HealthInsuranceCard.validTo');
    await consolePage.click('[data-testid=preview-impact]');
    await consolePage.waitForSelector('[data-testid=impact] tbody tr');
    expect(await consolePage.$$eval('[data-testid=impact] tbody tr', (rows) => rows.length)).toBe(2);
    await consolePage.fill('[data-testid=approve-request] input[name=reason]', 'Công văn 15/2027 của Văn phòng Đăng ký');
    await consolePage.click('[data-testid=approve-request] button[type=submit]');
    await consolePage.waitForSelector('[data-testid=approve-request] [role=status]');
    await browser.screenshot(consolePage, 'console-sharing-approved');
    await signOut();

    await seeded.platform.policyCache.refreshNow();
    const answer = await askAsLandOffice(healthQuery());
    expect(answer.errors ?? []).toEqual([]);
    expect(await askAsLandOffice(`{ citizen(nationalId: "${nationalId}") { healthInsurance { benefitLevel } } }`)).toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('a refusal with its reason and legal basis reaches the requester', async () => {
    await openRequestsAsLandOffice();
    await explorer.fill('[data-testid=file-request] input[name=fields]', 'HealthInsuranceCard.primaryCareFacility');
    await explorer.fill('[data-testid=file-request] input[name=purposes]', 'LAND_REGISTRATION');
    await explorer.fill('[data-testid=file-request] input[name=legalBasis]', '47/2020/NĐ-CP');
    await explorer.fill('[data-testid=file-request] input[name=procedure]', 'Tách thửa');
    await explorer.click('[data-testid=file-request] button[type=submit]');
    await explorer.waitForSelector('[data-testid=file-request] [role=status]');
    const filed = (await explorer.textContent('[data-testid=file-request] [role=status]')) ?? '';
    expect(filed).toMatch(/^#\d+ · \d{4}-\d{2}-\d{2}$/);
    const id = /#(\d+)/.exec(filed)![1];

    await signInAs(['POLICY_STEWARD']);
    await consolePage.click('nav.console-tabs button:has-text("Yêu cầu chia sẻ")');
    await consolePage.waitForSelector('[data-testid=sharing-requests] tbody tr');
    await consolePage.selectOption('[data-testid=refuse-request] select[name=id]', id!);
    await consolePage.fill('[data-testid=refuse-request] input[name=refusal]', 'Nơi khám chữa bệnh không phục vụ thủ tục đất đai');
    await consolePage.fill('[data-testid=refuse-request] input[name=restricting]', '13/2023/NĐ-CP');
    await consolePage.fill('[data-testid=refuse-request] input[name=reason]', 'Phiếu trình 4/2027');
    await consolePage.click('[data-testid=refuse-request] button[type=submit]');
    await consolePage.waitForSelector('[data-testid=refuse-request] [role=status]');
    await signOut();

    await openRequestsAsLandOffice();
    await explorer.waitForSelector('[data-testid=refusal]');
    expect(await explorer.textContent('[data-testid=refusal]')).toContain('Nơi khám chữa bệnh không phục vụ thủ tục đất đai (13/2023/NĐ-CP)');
    await browser.screenshot(explorer, 'explorer-sharing-refused');
  });

  it('shows each account only what its roles may touch', async () => {
    await signInAs(['KEY_OFFICER']);
    expect(await tabs()).toEqual(['Cơ quan', 'Khóa truy cập', 'Văn bản pháp lý']);
    expect(await consolePage.$('[data-testid=agency-activity]')).toBeNull();
    await signOut();
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
    await consolePage.click('nav.console-tabs button:has-text("Yêu cầu chia sẻ")');
    await consolePage.waitForSelector('[data-testid=sharing-requests] tbody tr');
    expect(await consolePage.$('[data-testid=approve-request]')).toBeNull();
    expect(await consolePage.$('[data-testid=refuse-request]')).toBeNull();
    await signOut();
    await signInAs([]);
    expect(await tabs()).toEqual([]);
    await signOut();
    await signInAs(['POLICY_STEWARD']);
    expect(await tabs()).toEqual([
      'Cơ quan',
      'Quyền khai thác',
      'Truy vấn được duyệt',
      'Phê duyệt hai người',
      'Cần rà soát',
      'Văn bản pháp lý',
      'Danh mục dữ liệu',
      'Yêu cầu chia sẻ',
      'Lịch sử thay đổi',
      'Yêu cầu của công dân',
    ]);
    await signOut();
    expect(browser.requests.filter((url) => !url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
  });

  it("a steward of the police sees its own queue and not the hospital's, whose steward sees the hospital's and not the police's", async () => {
    const health = await fileAsLandOffice(['HealthInsuranceCard.validTo']);
    const population = await fileAsLandOffice(['Citizen.fullName']);
    await signInAs(['POLICY_STEWARD'], 'H56.01');
    const police = await queueIds();
    expect(await consolePage.textContent('[data-testid=queue-scope]')).toContain('H56.01');
    expect(police).toContain(population);
    expect(police).not.toContain(health);
    await browser.screenshot(consolePage, 'console-sharing-police-queue');
    await signOut();
    await signInAs(['POLICY_STEWARD'], 'H56.15.01');
    const hospital = await queueIds();
    expect(hospital).toContain(health);
    expect(hospital).not.toContain(population);
    await signOut();
    await signInAs(['POLICY_STEWARD']);
    expect(await queueIds()).toEqual(expect.arrayContaining([health, population]));
    expect(await consolePage.textContent('[data-testid=queue-scope]')).toContain('Toàn tỉnh');
    await signOut();
  });

  it("each owner answers its own part from the console: the police's approval leaves the hospital's part open, and the requester reads both answers", async () => {
    const id = await fileAsLandOffice(['Citizen.sex', 'HealthInsuranceCard.validFrom']);
    const row = `[data-testid=sharing-requests] tbody tr:has(td:first-child:text-is("${id}"))`;
    await signInAs(['POLICY_STEWARD'], 'H56.01');
    expect(await queueIds()).toContain(id);
    // The police's steward sees its own part: its field, its status; the hospital's part is listed beside it.
    expect(await consolePage.textContent(`${row} td:nth-child(4)`)).toBe('Citizen.sex');
    expect(await consolePage.textContent(`${row} [data-testid=shown-status]`)).toBe('PENDING');
    expect(await consolePage.$('[data-testid=answer-owner]')).toBeNull();
    await consolePage.selectOption('[data-testid=approve-request] select[name=id]', id);
    await consolePage.fill('[data-testid=approve-request] input[name=reason]', 'Phiếu trình 9/2027');
    await consolePage.click('[data-testid=approve-request] button[type=submit]');
    await consolePage.waitForSelector(`${row} [data-testid=shown-status]:text-is("APPROVED")`);
    expect(await consolePage.textContent(`${row} [data-testid=parts]`)).toBe('H56.01: APPROVED; H56.15.01: PENDING');
    await signOut();

    await signInAs(['POLICY_STEWARD'], 'H56.15.01');
    expect(await queueIds()).toContain(id);
    expect(await consolePage.textContent(`${row} td:nth-child(4)`)).toBe('HealthInsuranceCard.validFrom');
    expect(await consolePage.textContent(`${row} [data-testid=shown-status]`)).toBe('PENDING');
    await consolePage.selectOption('[data-testid=refuse-request] select[name=id]', id);
    await consolePage.fill('[data-testid=refuse-request] input[name=refusal]', 'Hạn thẻ không phục vụ thủ tục đất đai');
    await consolePage.fill('[data-testid=refuse-request] input[name=restricting]', '13/2023/NĐ-CP');
    await consolePage.fill('[data-testid=refuse-request] input[name=reason]', 'Phiếu trình 10/2027');
    await consolePage.click('[data-testid=refuse-request] button[type=submit]');
    await consolePage.waitForSelector(`${row} [data-testid=shown-status]:text-is("REFUSED")`);
    await browser.screenshot(consolePage, 'console-sharing-owner-parts');
    await signOut();

    await openRequestsAsLandOffice();
    const card = `[data-testid=sharing-request]:has(h3 code:text-is("${id}"))`;
    await explorer.waitForSelector(card);
    expect(await explorer.textContent(`${card} [data-testid=request-status]`)).toBe('PARTLY_APPROVED');
    expect(await explorer.textContent(`${card} [data-owner="H56.01"] [data-testid=part-status]`)).toBe('APPROVED');
    expect(await explorer.textContent(`${card} [data-owner="H56.01"] [data-testid=granted]`)).toContain('Citizen.sex');
    expect(await explorer.textContent(`${card} [data-owner="H56.15.01"] [data-testid=refusal]`)).toContain(
      'Hạn thẻ không phục vụ thủ tục đất đai (13/2023/NĐ-CP)',
    );
    await browser.screenshot(explorer, 'explorer-sharing-owner-answers');
  });

  it("the explorer's sharing page follows its language switch, Vietnamese first, and keeps the choice in the tab", async () => {
    await openRequestsAsLandOffice();
    const panel = '[data-testid=sharing-requests]';
    await explorer.waitForSelector(`${panel} [data-testid=sharing-request]`);
    expect(await explorer.getAttribute(panel, 'lang')).toBe('vi');
    expect(await explorer.textContent(`${panel} h2`)).toBe('Yêu cầu chia sẻ dữ liệu');
    expect(await explorer.textContent('[data-testid=file-request]')).toContain('Trường dữ liệu');
    expect(await explorer.textContent('[data-testid=file-request]')).not.toContain('Fields');
    expect(await explorer.textContent(`${panel} [data-testid=sharing-request] dl`)).toContain('Cơ quan chủ quản');
    await explorer.click(`${panel} button:has-text("English")`);
    expect(await explorer.getAttribute(panel, 'lang')).toBe('en');
    expect(await explorer.textContent(`${panel} h2`)).toBe('Sharing requests');
    const form = await explorer.textContent('[data-testid=file-request]');
    expect(form).toContain('Fields');
    expect(form).not.toContain('Trường dữ liệu');
    expect(await explorer.textContent(`${panel} [data-testid=sharing-request] dl`)).not.toContain('Cơ quan chủ quản');
    expect(await explorer.getAttribute(`${panel} button:has-text("English")`, 'aria-pressed')).toBe('true');
    await browser.screenshot(explorer, 'explorer-sharing-english');
    await openRequestsAsLandOffice();
    expect(await explorer.textContent(`${panel} h2`)).toBe('Sharing requests');
    await explorer.click(`${panel} button:has-text("Tiếng Việt")`);
    expect(await explorer.textContent(`${panel} h2`)).toBe('Yêu cầu chia sẻ dữ liệu');
  });
});
