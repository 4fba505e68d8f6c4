import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { totpCode } from '../../gateway/console/totp';
import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { DemoGateway } from '../helpers/citizenPortal';
import { startDemoGateway } from '../helpers/citizenPortal';

jest.setTimeout(120_000);

/** The few seeded citizens the development provider's login page offers: the first by national ID. */
const OFFERED = 5;

describe("the citizens' page in a real browser", () => {
  let gateway: DemoGateway;
  let browser: TestBrowser;
  let page: Page;
  let nationalId: string;

  const asAgency = async (agencyCode: string, purpose: string, query: string, variables: Record<string, unknown>, dossier: string, officerUnit?: string) => {
    const response = await fetch(new URL('/graphql', gateway.base), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${gateway.apiKeys.get(agencyCode)!}`,
        'x-purpose': purpose,
        'x-dossier-id': dossier,
        ...(officerUnit ? { 'x-officer-unit': officerUnit } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  };

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startDemoGateway(60, { AUDIT_CHECKPOINT_MS: '1000' }), launchBrowser()]);
    page = await browser.newPage();
    // Among the citizens the login page offers, one who owns land, so that the police can read about them.
    const offered = (await gateway.databases.databases.population('citizens').orderBy('national_id').limit(OFFERED).pluck('national_id')) as string[];
    const parcel = (await gateway.databases.databases
      .land('ownership_shares as o')
      .join('parcels as p', 'p.id', 'o.parcel_id')
      .whereIn('o.national_id', offered)
      .orderBy('o.national_id')
      .first('o.national_id', 'p.commune_code', 'p.map_sheet_number', 'p.parcel_number')) as {
      national_id: string;
      commune_code: string;
      map_sheet_number: number;
      parcel_number: number;
    };
    expect(parcel).toBeDefined();
    nationalId = parcel.national_id;
    await asAgency(
      'H56.20',
      'LAND_REGISTRATION',
      'query ($id: ID!) { citizen(nationalId: $id) { fullName dateOfBirth } }',
      { id: nationalId },
      'HS-2026-0101',
      'H56.20.03',
    );
    await asAgency('H56.15.01', 'MEDICAL_TREATMENT', 'query ($id: ID!) { citizen(nationalId: $id) { fullName sex } }', { id: nationalId }, 'BA-0202');
    await asAgency(
      'H56.01',
      'INVESTIGATION',
      'query ($c: String!, $m: Int!, $p: Int!) { landParcel(communeCode: $c, mapSheetNumber: $m, parcelNumber: $p) { owners { owner { nationalId } } } }',
      { c: parcel.commune_code, m: parcel.map_sheet_number, p: parcel.parcel_number },
      'DT-0303',
    );
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('signs a seeded citizen in through the development OpenID provider and shows who read their data, in Vietnamese', async () => {
    await page.goto(new URL('/citizen', gateway.base).toString());
    await page.click('[data-testid=sign-in]');
    await page.click(`button[data-national-id="${nationalId}"]`);
    await page.waitForSelector('[data-testid=access]');
    expect(await page.textContent('[data-testid=national-id]')).toBe(nationalId);
    const rows = await page.$$eval('[data-testid=access]', (elements) => elements.map((element) => element.textContent ?? ''));
    expect(rows).toHaveLength(2);
    const groups = await page.$$eval('[data-testid=access-group] h3', (elements) => elements.map((element) => element.textContent ?? ''));
    expect(groups.join('|')).toMatch(/Bệnh viện Đa khoa tỉnh Thanh Hóa · tháng \d+/);
    expect(groups.join('|')).toContain('Văn phòng Đăng ký đất đai tỉnh Thanh Hóa');
    const text = rows.join('\n');
    expect(text).toContain('Khám bệnh, chữa bệnh');
    expect(text).toContain('Đăng ký đất đai');
    expect(text).toContain('Họ và tên');
    expect(text).toContain('Ngày sinh');
    expect(text).toContain('HS-2026-0101');
    // The police's read is deferred by law: not shown, and the page says that some are shown later.
    expect(text).not.toContain('Công an tỉnh Thanh Hóa');
    expect(text).not.toContain('DT-0303');
    expect(groups.join('|')).not.toContain('Công an');
    expect(await page.textContent('[data-testid=deferral-notice]')).toBe(
      'Theo quy định của pháp luật, một số lượt truy cập (như của cơ quan điều tra: Công an tỉnh Thanh Hóa) chỉ được hiển thị sau 90 ngày.',
    );
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // Filtering by purpose, named in plain words.
    const purposeFilter = page.locator('label', { hasText: 'Mục đích' }).locator('select');
    await purposeFilter.selectOption({ label: 'Khám bệnh, chữa bệnh' });
    await page.click('button:has-text("Lọc")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=access]').length === 1);
    expect(await page.textContent('[data-testid=access]')).toContain('BA-0202');
    await purposeFilter.selectOption({ label: 'Tất cả' });
    await page.click('button:has-text("Lọc")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=access]').length === 2);
    await page.click('button:has-text("English")');
    expect(await page.textContent('[data-testid=access-group]')).toContain('Full name');
  });

  it('checks in the browser that each access is in the signed, countersigned audit trail', async () => {
    await page.click('button:has-text("Tiếng Việt")');
    // A checkpoint seals the accesses within a second; until then the page says they are not sealed yet.
    const proofs = async () => page.$$eval('[data-testid=proof]', (elements) => elements.map((element) => element.getAttribute('data-state')));
    for (let attempt = 0; attempt < 20 && (await proofs()).some((state) => state !== 'verified'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await page.reload();
      await page.waitForSelector('[data-testid=proof]');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=proof]')].every((element) => element.getAttribute('data-state') !== 'checking'),
      );
    }
    expect(await proofs()).toEqual(['verified', 'verified']);
    expect(await page.textContent('[data-testid=proof]')).toContain('Đã kiểm chứng');
    expect(await page.getAttribute('[data-testid=proof]', 'title')).toMatch(/được 1 bên chứng kiến ký xác nhận/);
    await page.click('button:has-text("English")');
    expect(await page.textContent('[data-testid=proof]')).toContain('Verified');
    await page.click('button:has-text("Tiếng Việt")');
  });

  it("contests an access, which the auditor then finds in the console's queue", async () => {
    await page.click('button:has-text("Tiếng Việt")');
    const landRow = page.locator('[data-testid=access]', { hasText: 'HS-2026-0101' });
    const reference = await landRow.getAttribute('data-reference');
    await landRow.locator('button:has-text("Tôi không nhận ra lượt truy cập này")').click();
    await landRow.locator('textarea').fill('Tôi không làm thủ tục đất đai nào trong tháng này');
    await landRow.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=my-request]');
    expect(await page.textContent('[data-testid=my-request]')).toContain(reference!);
    expect(await page.textContent('[data-testid=request-status]')).toBe('Đang xử lý');
    const landAgency = (await gateway.databases.databases.gateway('agencies').where('code', 'H56.20').first('name')) as { name: string };
    // The dispute goes to the agency that made the access.
    expect(await page.textContent('[data-testid=request-agency]')).toBe(landAgency.name);

    const auditor = gateway.stewards.get('AUDITOR')!;
    const console = await browser.newPage();
    await console.goto(new URL('/console', gateway.base).toString());
    await console.fill('[data-testid=sign-in] input[name=email]', auditor.email);
    await console.fill('[data-testid=sign-in] input[name=password]', auditor.password);
    await console.fill('[data-testid=sign-in] input[name=code]', totpCode(auditor.totpSecret));
    await console.click('[data-testid=sign-in] button[type=submit]');
    await console.click('nav.console-tabs button:has-text("Yêu cầu của công dân")');
    const queued = console.locator('[data-testid=citizen-request][data-kind=DISPUTE]');
    await queued.waitFor();
    expect(await queued.textContent()).toContain(reference!);
    expect(await queued.locator('[data-testid=handling-agency]').textContent()).toBe(landAgency.name);
    await queued.locator('textarea').fill('Đã xác minh: cán bộ tra cứu nhầm hồ sơ.');
    await queued.locator('button[type=submit]').click();
    await console.locator('[data-testid=citizen-request]', { hasText: 'ANSWERED' }).waitFor();

    await page.reload();
    await page.waitForSelector('[data-testid=my-request]');
    expect(await page.textContent('[data-testid=request-status]')).toBe('Đã trả lời');
    expect(await page.textContent('[data-testid=my-request]')).toContain('tra cứu nhầm');
    // The only failed loads are the session checks of the pages before sign-in (401, signed out).
    expect(browser.pageErrors.filter((error) => !/status of 401/.test(error))).toEqual([]);
    expect(browser.requests.every((url) => url.startsWith(gateway.base))).toBe(true);
  });

  it('asks for a correction of a field picked from the list, which goes to the agency owning that data', async () => {
    await page.click('button:has-text("Tiếng Việt")');
    const form = page.locator('section[aria-labelledby=my-requests] form');
    expect(await form.locator('select[name=concerns]').count()).toBe(0);
    await form.locator('label', { hasText: 'Loại yêu cầu' }).locator('select').selectOption('CORRECTION');
    const concerns = form.locator('select[name=concerns]');
    expect(await concerns.locator('option', { hasText: 'toàn bộ lĩnh vực' }).count()).toBeGreaterThanOrEqual(4);
    await concerns.selectOption('Citizen.fullName');
    await form.locator('textarea').fill('Tên của tôi viết sai dấu');
    await form.locator('button[type=submit]').click();
    const row = page.locator('[data-testid=my-request]', { hasText: 'Tên của tôi viết sai dấu' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Citizen.fullName');
    const owner = (await gateway.databases.databases.gateway('agencies').where('sector', 'population').first('name')) as { name: string };
    expect(await row.locator('[data-testid=request-agency]').textContent()).toBe(owner.name);
    // A copy is the province's data office's to answer.
    await form.locator('label', { hasText: 'Loại yêu cầu' }).locator('select').selectOption('COPY');
    expect(await form.locator('select[name=concerns]').count()).toBe(0);
  });

  it("shows the officer's unit, and downloads a copy of the citizen's data, readable and as JSON, which the log then shows", async () => {
    await page.click('button:has-text("Tiếng Việt")');
    const landRow = page.locator('[data-testid=access]', { hasText: 'HS-2026-0101' });
    expect(await landRow.locator('[data-testid=officer-unit]').textContent()).toBe('H56.20.03');
    expect(await page.textContent('[data-testid=data-copy] h2')).toBe('Tải bản sao dữ liệu');
    await page.click('[data-testid=copy-show]');
    await page.waitForSelector('[data-testid=copy-item]');
    const population = (await page.textContent('[data-testid=copy-population]')) ?? '';
    expect(population).toContain('Số định danh cá nhân');
    expect(population).toContain(nationalId);
    expect(population).toContain('Họ và tên');
    expect(await page.textContent('[data-testid=copy-land]')).toContain('Thửa đất');
    expect(await page.textContent('[data-testid=copy-land]')).toContain('Tờ bản đồ số');
    expect(await page.textContent('[data-testid=copy-health]')).toContain('Thẻ bảo hiểm y tế');
    expect(await page.textContent('[data-testid=copy-education]')).toContain('Văn bằng, chứng chỉ');
    const download = page.waitForEvent('download');
    await page.click('[data-testid=copy-json]');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^ban-sao-du-lieu-\d{4}-\d{2}-\d{2}\.json$/);
    const saved = JSON.parse(fs.readFileSync((await file.path())!, 'utf8')) as { nationalId: string; sections: Array<{ sector: string }> };
    expect(saved.nationalId).toBe(nationalId);
    expect(saved.sections.map((section) => section.sector)).toEqual(['population', 'land', 'health', 'education']);
    // The copy is an access of its own: the log shows it, as the citizen's.
    await page.locator('[data-testid=access]', { hasText: 'Bạn đã tải bản sao dữ liệu của mình' }).waitFor();
    expect(await page.textContent('[data-testid=access-group] h3')).toContain('Chính bạn');
    await browser.screenshot(page, 'citizen-data-copy');
    expect(browser.requests.every((url) => url.startsWith(gateway.base) || url.startsWith('blob:'))).toBe(true);
  });

  it('shows that an access changed in the database since it was sealed no longer verifies', async () => {
    const landRow = page.locator('[data-testid=access]', { hasText: 'HS-2026-0101' });
    const [instance, seq] = (await landRow.getAttribute('data-reference'))!.split(':');
    await gateway.databases.databases
      .gateway('audit_records')
      .where({ instance, seq: Number(seq) })
      .update({ dossier_id: 'HS-2026-9999' });
    await page.reload();
    const changed = page.locator('[data-testid=access]', { hasText: 'HS-2026-9999' }).locator('[data-testid=proof]');
    await changed.locator('text=Không kiểm chứng được').waitFor();
    expect(await changed.getAttribute('data-failure')).toBe('NOT_INCLUDED');
    expect(await page.locator('[data-testid=access]', { hasText: 'BA-0202' }).locator('[data-testid=proof]').getAttribute('data-state')).toBe('verified');
  });
});
