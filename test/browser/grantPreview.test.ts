import type { Page, Request } from 'playwright-core';
import { totpCode } from '../../gateway/console/totp';
import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

jest.setTimeout(90_000);

/** A made-up, well-formed national ID: the register need not hold it for the request to be decided and recorded. */
const SOMEONE = '038185000123';
const WITH_HOUSEHOLD = `{ citizen(nationalId: "${SOMEONE}") { fullName householdMembership { relationshipToHead } } }`;
const NAME_ONLY = `{ citizen(nationalId: "${SOMEONE}") { fullName } }`;
const HOUSEHOLD_CODE = `{ citizen(nationalId: "${SOMEONE}") { householdMembership { household { code } } } }`;

describe('a grant change previewed in the console before it is saved', () => {
  let seeded: SeededPlatform;
  let browser: TestBrowser;
  let page: Page;

  /** Sends the land office's request for land registration; the gateway records it in the audit trail. */
  async function landOfficeAsks(query: string): Promise<number> {
    const response = await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}`, 'x-purpose': 'LAND_REGISTRATION' },
      body: JSON.stringify({ query }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  const text = (selector: string) => page.textContent(selector).then((value) => (value ?? '').trim());

  /** Finds a commune in the form's row-scope picker by name or code and picks it (or, for a replaced one, its successor). */
  async function pickCommune(form: string, search: string, code: string, successorCode = code): Promise<void> {
    await page.fill(`${form} [data-testid=unit-search]`, search);
    await page.click(`${form} [data-testid=unit-results] li[data-code="${code}"] button`);
    await page.waitForSelector(`${form} [data-testid=scope-chips] li[data-code="${successorCode}"]`);
  }

  async function removeCommune(form: string, code: string): Promise<void> {
    await page.click(`${form} [data-testid=scope-chips] li[data-code="${code}"] button`);
    await page.waitForSelector(`${form} [data-testid=scope-chips] li[data-code="${code}"]`, { state: 'detached' });
  }

  beforeAll(async () => {
    [seeded, browser] = await Promise.all([startSeededPlatform(5), launchBrowser()]);
    page = await browser.newPage();
    // The land office reads residents' identity, not their household: two requests refused, two answered.
    expect(await landOfficeAsks(HOUSEHOLD_CODE)).toBe(403);
    expect(await landOfficeAsks(WITH_HOUSEHOLD)).toBe(403);
    expect(await landOfficeAsks(NAME_ONLY)).toBe(200);
    expect(await landOfficeAsks(NAME_ONLY)).toBe(200);
    const made = await seeded.platform.accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: 'chinhsach.xemtruoc@test.gov.vn', name: 'Người xem trước', unit: 'Phòng chính sách', roles: ['POLICY_STEWARD'] },
    );
    await page.goto(new URL('/console', seeded.platform.gateway.url).toString());
    await page.fill('[data-testid=sign-in] input[name=email]', made.account.email);
    await page.fill('[data-testid=sign-in] input[name=password]', made.password!);
    await page.fill('[data-testid=sign-in] input[name=code]', totpCode(made.totpSecret!));
    await page.click('[data-testid=sign-in] button[type=submit]');
    await page.waitForSelector('[data-testid=who]');
    await page.click('nav.console-tabs button:has-text("Quyền khai thác")');
    await page.waitForSelector('[data-testid=grants] tbody tr');
  });

  afterAll(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  it('shows the fields, their labels, a masked example, the communes by name and the replayed refusals it would allow, and only then saves', async () => {
    const form = '[data-testid=create-grant]';
    await page.selectOption(`${form} select[name=agency]`, 'H56.20');
    await page.fill(`${form} input[name=target]`, 'HouseholdMembership.relationshipToHead');
    await page.check(`${form} input[name=purposes][value=LAND_REGISTRATION]`);
    await page.selectOption(`${form} select[name=legalInstruments]`, ['31/2024/QH15']);
    // A commune replaced in the 2025 reorganisation is shown marked, with the commune in force that took its place.
    await page.fill(`${form} [data-testid=unit-search]`, 'dien bien');
    const replaced = `${form} [data-testid=unit-results] li[data-code="14755"]`;
    await page.waitForSelector(replaced);
    expect(await text(`${replaced} [data-testid=unit-status]`)).toBe('đã thay thế');
    expect(await text(replaced)).toContain('Điện Biên (14755) đã thay thế đến hết ngày 2025-06-30 → Hạc Thành (40778)');
    expect(await page.$$eval(`${replaced} button`, (buttons) => buttons.map((button) => button.textContent))).toEqual(['Chọn đơn vị thay thế']);
    expect(await text(`${form} [data-testid=scope-chips]`)).toBe('Toàn tỉnh');
    await pickCommune(form, 'Hạc Thành', '40778');
    expect(await page.$$eval(`${form} [data-testid=unit-results] li`, (items) => items.map((item) => item.getAttribute('data-code')))).toEqual(['40778']);
    expect(await page.isDisabled(`${form} [data-testid=unit-results] li[data-code="40778"] button`)).toBe(true);
    await page.fill(`${form} input[name=masks]`, 'HouseholdMembership.relationshipToHead=INITIALS');
    await page.fill(`${form} input[name=reason]`, 'Phiếu yêu cầu 21/2026');
    expect(await page.isDisabled(`${form} button[type=submit]`)).toBe(true);

    await page.click(`${form} button.preview`);
    await page.waitForSelector(`${form} [data-testid=replay]`);
    const row = await page.$$eval(`${form} [data-testid=preview-fields] tbody tr`, (rows) =>
      rows.map((tr) => [...tr.querySelectorAll('td')].map((cell) => cell.textContent)),
    );
    expect(row).toEqual([['HouseholdMembership.relationshipToHead', 'Quan hệ trong hộ gia đình', 'SHARED', 'BASIC', 'CORE', 'INITIALS', 'Con', 'Con']]);
    expect(await text(`${form} [data-testid=preview-scope]`)).toMatch(/Hạc Thành \(40778\)/);
    expect(await text(`${form} [data-testid=replay-newlyAllowed]`)).toBe('Nay được cho phép: 1');
    expect(await text(`${form} [data-testid=replay-unchanged]`)).toBe('Không đổi: 3');
    expect(await text(`${form} [data-testid=replay-newlyRefused]`)).toBe('Nay bị từ chối: 0');
    await browser.screenshot(page, 'console-grant-preview');
    const sample = await page.$$eval(`${form} [data-testid=replay-samples] tbody td`, (cells) => cells.map((cell) => cell.textContent));
    expect(sample).toEqual([
      '-',
      expect.any(String),
      'LAND_REGISTRATION',
      'DENIED',
      'Nay được cho phép',
      'HouseholdMembership.relationshipToHead: DENY → MASK INITIALS rows 40778',
    ]);

    // Changing a field drops the preview: what is saved is what was shown.
    await removeCommune(form, '40778');
    expect(await page.isDisabled(`${form} button[type=submit]`)).toBe(true);
    await pickCommune(form, 'dien bien', '14755', '40778');
    await page.click(`${form} button.preview`);
    await page.waitForSelector(`${form} [data-testid=replay]`);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} [role=status]`);
    const grants = await seeded.platform.stewardship.listGrants({ agencyCode: 'H56.20' });
    const saved = grants.filter((grant) => grant.target.kind === 'FIELD' && grant.target.coordinate === 'HouseholdMembership.relationshipToHead');
    expect(saved.map((grant) => grant.scopeUnitCodes)).toEqual([['40778']]);
  });

  it('changes a grant (the new one replaces it) after showing the past reads it would mask differently', async () => {
    const [household] = (await seeded.platform.stewardship.listGrants({ agencyCode: 'H56.20' })).filter(
      (grant) => grant.target.kind === 'FIELD' && grant.target.coordinate === 'HouseholdMembership.relationshipToHead',
    );
    const form = '[data-testid=create-grant]';
    await page.fill(`${form} input[name=masks]`, '');
    await removeCommune(form, '40778');
    await page.selectOption(`${form} select[name=replaces]`, household!.id);
    await page.fill(`${form} input[name=reason]`, 'Phiếu yêu cầu 22/2026');
    await page.click(`${form} button.preview`);
    await page.waitForSelector(`${form} [data-testid=replay]`);
    expect(await text(`${form} [data-testid=replay-maskedDifferently]`)).toBe('Che khác trước: 1');
    expect(await text(`${form} [data-testid=replay-newlyAllowed]`)).toBe('Nay được cho phép: 0');
    const changed = await page.$$eval(`${form} [data-testid=replay-samples] tbody tr td:last-child`, (cells) => cells.map((cell) => cell.textContent));
    expect(changed).toEqual(['HouseholdMembership.relationshipToHead: MASK INITIALS rows 40778 → ALLOW']);
    // The change is saved as one call of the admin API: the server revokes the old grant and stores the new one together.
    const mutations: string[] = [];
    const listen = (request: Request) => {
      const query = request.url().endsWith('/admin') ? String((request.postDataJSON() as { query?: string } | null)?.query ?? '') : '';
      if (query.startsWith('mutation')) mutations.push(/\{\s*(\w+)/.exec(query)?.[1] ?? query);
    };
    page.on('request', listen);
    await page.click(`${form} button[type=submit]`);
    // The form still shows the status of the grant saved before: wait for this save's.
    await page.locator(`${form} [role=status]`, { hasText: 'được thay bằng' }).waitFor();
    page.off('request', listen);
    expect(mutations).toEqual(['replaceGrant']);
    const after = await seeded.platform.stewardship.listGrants({ agencyCode: 'H56.20' });
    const onTarget = after.filter((grant) => grant.target.kind === 'FIELD' && grant.target.coordinate === 'HouseholdMembership.relationshipToHead');
    expect(onTarget.map((grant) => ({ masks: grant.masks, scope: grant.scopeUnitCodes }))).toEqual([{ masks: [], scope: null }]);
    expect(onTarget[0]!.id).not.toBe(household!.id);
    expect(await text(`${form} [role=status]`)).toBe(`#${household!.id} được thay bằng #${onTarget[0]!.id}`);
    const history = await seeded.platform.stewardship.changes({ entityType: 'GRANT', entityId: household!.id, limit: 5 });
    expect(history.map(({ action, entityId, relatedEntityId, reason }) => ({ action, entityId, relatedEntityId, reason }))).toEqual([
      { action: 'REPLACE_GRANT', entityId: onTarget[0]!.id, relatedEntityId: household!.id, reason: 'Phiếu yêu cầu 22/2026' },
      { action: 'CREATE_GRANT', entityId: household!.id, relatedEntityId: undefined, reason: 'Phiếu yêu cầu 21/2026' },
    ]);
  });

  it('shows, before a revocation, the past reads it would refuse, in English too', async () => {
    const [citizenGrant] = (await seeded.platform.stewardship.listGrants({ agencyCode: 'H56.20' })).filter(
      (grant) => grant.target.kind === 'FIELD' && grant.target.coordinate === 'Query.citizen',
    );
    await page.selectOption('header.console-bar select[aria-label=Language]', 'en');
    const form = '[data-testid=revoke-grant]';
    await page.selectOption(`${form} select[name=id]`, citizenGrant!.id);
    expect(await page.isDisabled(`${form} button[type=submit]`)).toBe(true);
    await page.click(`${form} button.preview`);
    await page.waitForSelector(`${form} [data-testid=replay]`);
    // The household request, refused then, is allowed under the grant saved above: all three would now be refused.
    expect(await text(`${form} [data-testid=replay-newlyRefused]`)).toBe('Newly refused: 3');
    expect(await text(`${form} [data-testid=replay-replayed]`)).toBe('Requests replayed: 4');
    expect(await page.isDisabled(`${form} button[type=submit]`)).toBe(false);
  });

  it("replays the requester's last 30 days against the grants a sharing request's approval would make", async () => {
    const filed = await fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}` },
      body: JSON.stringify({
        query: `mutation { fileSharingRequest(input: { fields: ["HouseholdMembership.household", "Household.code"], purposes: ["LAND_REGISTRATION"],
          legalBasis: "47/2020/NĐ-CP", procedure: "Đăng ký biến động đất đai" }) { id } }`,
      }),
    });
    const { data } = (await filed.json()) as { data: { fileSharingRequest: { id: string } } };
    await page.click('nav.console-tabs button:has-text("Sharing requests")');
    await page.waitForSelector('[data-testid=sharing-requests] tbody tr');
    const form = '[data-testid=approve-request]';
    await page.selectOption(`${form} select[name=id]`, data.fileSharingRequest.id);
    await page.click(`${form} [data-testid=preview-impact]`);
    await page.waitForSelector(`${form} [data-testid=replay]`);
    expect(await text(`${form} [data-testid=replay-newlyAllowed]`)).toBe('Newly allowed: 1');
    // The filing itself is one of the agency's recorded requests, and fares the same.
    expect(await text(`${form} [data-testid=replay-unchanged]`)).toBe('Unchanged: 4');
    expect(await page.$$eval(`${form} [data-testid=impact] tbody tr`, (rows) => rows.length)).toBe(2);
  });
  it('keeps a grant on sensitive data in force when its change waits for a second steward, and says so before saving', async () => {
    const old = await seeded.platform.stewardship.createGrant(
      { kind: 'SYSTEM', task: 'test' },
      {
        agencyCode: 'H56.20',
        target: { kind: 'FIELD', coordinate: 'Citizen.ethnicity' },
        purposes: ['LAND_REGISTRATION'],
        legalInstruments: ['31/2024/QH15'],
      },
    );
    await page.click('nav.console-tabs button:has-text("Grants")');
    await page.waitForSelector(`[data-testid=grants] tbody tr:has-text("Citizen.ethnicity")`);
    const form = '[data-testid=create-grant]';
    await page.selectOption(`${form} select[name=agency]`, 'H56.20');
    await page.fill(`${form} input[name=target]`, 'Citizen.ethnicity');
    await page.check(`${form} input[name=purposes][value=LAND_REGISTRATION]`);
    await page.selectOption(`${form} select[name=legalInstruments]`, ['31/2024/QH15']);
    await page.fill(`${form} [data-testid=unit-search]`, '14756');
    expect(await text(`${form} [data-testid=unit-results] li[data-code="14756"] [data-testid=unit-status]`)).toBe('replaced');
    await pickCommune(form, '40778', '40778');
    await page.selectOption(`${form} select[name=replaces]`, old.id);
    await page.fill(`${form} input[name=reason]`, 'Request 23/2026');
    await page.click(`${form} button.preview`);
    await page.waitForSelector(`${form} [data-testid=replay], ${form} [role=alert]`);
    expect(await page.$$eval(`${form} [role=alert]`, (alerts) => alerts.map((alert) => alert.textContent))).toEqual([]);
    expect(await text(`${form} [data-testid=keeps-replaced]`)).toBe(
      `The old grant stays in force until a second steward approves the replacement; if it is rejected, the old grant is kept (#${old.id})`,
    );
    await page.click(`${form} button[type=submit]`);
    await page.locator(`${form} [role=status]`, { hasText: 'replaced by' }).waitFor();
    const [pending] = await seeded.platform.stewardship.listGrants({ agencyCode: 'H56.20', approvalStatus: 'PENDING_APPROVAL' });
    expect(pending).toMatchObject({ status: 'AWAITING_APPROVAL', scopeUnitCodes: ['40778'], approval: { replacesGrantId: old.id } });
    expect(await text(`${form} [role=status]`)).toBe(
      `#${old.id} replaced by #${pending!.id} (This grant reaches sensitive data: a second steward must approve it.)`,
    );
    expect((await seeded.platform.stewardship.grant(old.id))?.status).toBe('ACTIVE');
    // The history names both grants in the one entry of the request.
    await page.click('nav.console-tabs button:has-text("Change history")');
    await page.waitForSelector('[data-testid=history] tbody tr');
    const actions = await page.$$eval('[data-testid=history] tbody tr td:nth-child(4)', (cells) => cells.map((cell) => cell.textContent));
    expect(actions.filter((action) => action?.includes(`${old.id} → `))).toEqual([`REQUEST_REPLACE_GRANT GRANT ${old.id} → ${pending!.id}`]);
  });
});
