import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { totpCode } from '../../gateway/console/totp';
import { operationId } from '../../gateway/operations/manifest';
import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

jest.setTimeout(90_000);

const IDENTITY = 'query CitizenIdentity($id: ID!) { citizen(nationalId: $id) { fullName dateOfBirth } }';
const OTHER = '{ landParcelsByCommune(communeCode: "40778", first: 1) { nodes { parcelNumber } } }';

describe("approved operations in the stewards' console", () => {
  let seeded: SeededPlatform;
  let browser: TestBrowser;
  let page: Page;
  let directory: string;

  const asLandOffice = (query: string) =>
    fetch(seeded.platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}`, 'x-purpose': 'LAND_REGISTRATION' },
      body: JSON.stringify({ query, variables: { id: '038085001234' } }),
    });

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-manifest-'));
    [seeded, browser] = await Promise.all([startSeededPlatform(5), launchBrowser()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await seeded?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("a policy steward registers the land office's build, enforces it, and previews a revocation's impact", async () => {
    const made = await seeded.platform.accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: 'chinhsach@test.gov.vn', name: 'Lê Chính Sách', unit: 'Trung tâm Dữ liệu', roles: ['POLICY_STEWARD'] },
    );
    await page.goto(new URL('/console', seeded.platform.gateway.url).toString());
    await page.fill('[data-testid=sign-in] input[name=email]', made.account.email);
    await page.fill('[data-testid=sign-in] input[name=password]', made.password!);
    await page.fill('[data-testid=sign-in] input[name=code]', totpCode(made.totpSecret!));
    await page.click('[data-testid=sign-in] button[type=submit]');
    await page.click('nav.console-tabs button:has-text("Truy vấn được duyệt")');

    const manifest = path.join(directory, 'persisted-query-manifest.json');
    fs.writeFileSync(
      manifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: operationId(IDENTITY), name: 'CitizenIdentity', type: 'query', body: IDENTITY }],
      }),
    );
    await page.selectOption('[data-testid=register-operations] select[name=agency]', 'H56.20');
    await page.fill('[data-testid=register-operations] input[name=application]', 'land-web');
    await page.setInputFiles('[data-testid=register-operations] input[name=manifest]', manifest);
    await page.fill('[data-testid=register-operations] input[name=reason]', 'Phiếu 14/2027');
    await page.click('[data-testid=register-operations] button[type=submit]');
    await page.waitForSelector('[data-testid=operation-plans] tbody tr');
    expect(await page.textContent('[data-testid=operation-plans] tbody')).toContain('LAND_REGISTRATION');
    expect(await page.textContent('[data-testid=operation-lists] tbody')).toContain('land-web');

    await page.selectOption('[data-testid=set-operations-mode] select[name=agency]', 'H56.20');
    await page.selectOption('[data-testid=set-operations-mode] select[name=mode]', 'enforce');
    await page.fill('[data-testid=set-operations-mode] input[name=reason]', 'Phiếu 15/2027');
    await page.click('[data-testid=set-operations-mode] button[type=submit]');
    await page.waitForSelector('[data-testid=set-operations-mode] [role=status]');
    expect((await asLandOffice(IDENTITY)).status).toBe(200);
    expect((await asLandOffice(OTHER)).status).toBe(400);

    const grant = (await seeded.platform.stewardship.listGrants({ agencyCode: 'H56.20' })).find((candidate) => candidate.target.kind === 'CLASSIFICATION')!;
    await page.selectOption('[data-testid=operation-impact] select[name=agency]', 'H56.20');
    await page.fill('[data-testid=operation-impact] input[name=grants]', grant.id);
    await page.click('[data-testid=operation-impact] button[type=submit]');
    await page.waitForSelector('[data-testid=impacts] tbody tr');
    const impact = await page.textContent('[data-testid=impacts] tbody');
    expect(impact).toContain('CitizenIdentity');
    expect(impact).toContain('DENIED');
    await browser.screenshot(page, 'console-approved-operations');
    const changes = await seeded.platform.stewardship.changes({ entityType: 'OPERATIONS', limit: 5 });
    expect(changes.map((change) => [change.action, change.reason])).toEqual([
      ['SET_OPERATIONS_MODE', 'Phiếu 15/2027'],
      ['REGISTER_OPERATIONS', 'Phiếu 14/2027'],
    ]);
  });
});
