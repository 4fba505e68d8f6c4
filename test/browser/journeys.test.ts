import type { Page } from 'playwright-core';
import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

jest.setTimeout(60_000);

/** Replaces the text of one of GraphiQL's editors (Monaco), as a user pasting into it would. */
async function setEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.click(`${editor} .monaco-editor .view-lines`);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The text of the response pane once it matches, with the editor's non-breaking spaces as spaces. */
async function responseText(page: Page, contains: RegExp): Promise<string> {
  const read = () => (document.querySelector('.graphiql-response')?.textContent ?? '').replace(/\u00a0/g, ' ');
  await page.waitForFunction(
    (source) => new RegExp(source).test((document.querySelector('.graphiql-response')?.textContent ?? '').replace(/\u00a0/g, ' ')),
    contains.source,
    {
      timeout: 15000,
    },
  );
  return page.evaluate(read);
}

/** Fills the caller form and applies it, which makes the explorer introspect again with the new headers. */
async function callAs(page: Page, who: { demoAgency: string } | { credential: string }, purpose: string): Promise<void> {
  if ('demoAgency' in who) await page.selectOption('select[name=demo]', who.demoAgency);
  else await page.fill('input[name=credential]', who.credential);
  await page.selectOption('select[name=purpose]', purpose);
  const introspected = page.waitForResponse(
    (response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('IntrospectionQuery'),
  );
  await page.click('form[aria-label=Caller] button[type=submit]');
  await introspected;
}

describe('in a real browser', () => {
  let seeded: SeededPlatform;
  let browser: TestBrowser;
  let base: string;
  let nationalId: string;
  let page: Page;

  beforeAll(async () => {
    [seeded, browser] = await Promise.all([startSeededPlatform(20), launchBrowser()]);
    base = new URL('/', seeded.platform.gateway.url).toString();
    const row = (await seeded.databases.databases.population('citizens').orderBy('national_id').first('national_id')) as { national_id: string };
    nationalId = row.national_id;
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await seeded?.stop();
  });

  it('leads from the landing page to the explorer, showing the version and health', async () => {
    await page.goto(base);
    await page.waitForSelector('[data-testid=health].status-ok');
    expect(await page.textContent('[data-testid=health]')).toContain('Healthy');
    expect(await page.textContent('[data-testid=version]')).toBe('0.1.0');
    await browser.screenshot(page, 'landing');
    await page.click('main a[href="/graphql"]');
    await page.waitForSelector('.graphiql-container .monaco-editor');
    expect(new URL(page.url()).pathname).toBe('/graphql');
  });

  it('runs the citizen query as the hospital for MEDICAL_TREATMENT: data appears', async () => {
    // A newcomer picks the hospital from the demo menu; an agency's developer pastes its own key (below).
    await callAs(page, { demoAgency: 'H56.15.01' }, 'MEDICAL_TREATMENT');
    expect(await page.textContent('.graphiql-tab-active')).toContain('CitizenCard');
    await setEditorText(page, '.graphiql-editor-tool', JSON.stringify({ id: nationalId }));
    await page.click('.graphiql-execute-button');
    const text = await responseText(page, /"fullName"/);
    expect(text).toContain(`"nationalId": "${nationalId}"`);
    expect(text).toMatch(/"socialInsuranceNumber": "\d{10}"/);
    await browser.screenshot(page, 'explorer-hospital');
  });

  it('shows the hospital docs without landParcels, each field described for it', async () => {
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.click('.graphiql-doc-explorer a:has-text("Query")');
    await page.click('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name:has-text("citizen")');
    await page.click('.graphiql-doc-explorer-section-content a.graphiql-doc-explorer-type-name:text-is("Citizen")');
    await page.waitForSelector('.graphiql-doc-explorer a.graphiql-doc-explorer-field-name:has-text("fullName")');
    const docs = (await page.textContent('.graphiql-doc-explorer')) ?? '';
    expect(docs).not.toContain('landParcels');
    expect(docs).toContain('Classification: SHARED, personal data BASIC');
    // Described for the purpose the caller named, the one introspection answers for.
    expect(docs).toContain('For you: for MEDICAL_TREATMENT: in full');
    await browser.screenshot(page, 'explorer-docs');
  });

  it('shows the land office masked national IDs, and its own grants', async () => {
    await callAs(page, { credential: seeded.demoKeys.get('H56.20')! }, 'LAND_REGISTRATION');
    // Least privilege: the land office reads identity and residence, not the card of the hospital's tab.
    await page.click('.graphiql-tab:has-text("CitizenIdentity")');
    await setEditorText(page, '.graphiql-editor-tool', JSON.stringify({ id: nationalId }));
    await page.click('.graphiql-execute-button');
    const text = await responseText(page, /"nationalId": "\d{3}\*{7}\d{2}"/);
    expect(text).toContain(`"nationalId": "${nationalId.slice(0, 3)}*******${nationalId.slice(-2)}"`);
    expect(text).toMatch(/"dateOfBirth": "\d{4}"/);
    await browser.screenshot(page, 'explorer-land-office');
    await page.click('[aria-label="Show My access"]');
    await page.waitForSelector('[data-testid=my-access] [data-testid=grant]');
    const access = (await page.textContent('[data-testid=my-access]')) ?? '';
    expect(access).toContain('H56.20');
    expect(access).toContain('Luật Đất đai 2024');
    expect(access).toContain('Citizen.nationalId as PARTIAL_ID');
    await browser.screenshot(page, 'explorer-my-access');
  });

  it('explains why Citizen 360 would be refused to the land office, and has a page per error code', async () => {
    await page.click('.graphiql-tab:has-text("Citizen360")');
    await page.click('[aria-label="Show Explain"]');
    await page.click('[data-testid=explain] button');
    await page.waitForSelector('[data-testid=verdict]');
    expect(await page.textContent('[data-testid=verdict]')).toContain('DENIED');
    const encounters = page.locator('[data-testid=explained-field]', { hasText: 'Citizen.encounters' });
    expect(await encounters.textContent()).toMatch(/^Citizen\.encounters DENY INTERNAL_OWNER_ONLY/);
    await browser.screenshot(page, 'explorer-explain');
    await page.click('[aria-label="Show Errors"]');
    await page.click('[data-testid=error-guide] button:has-text("PERSISTED_QUERY_NOT_FOUND")');
    expect(await page.textContent('[data-testid=error-page]')).toContain('HTTP status: 200');
  });

  it('keeps credentials out of URLs and local storage, and loads nothing from another origin', async () => {
    const keys = [...seeded.demoKeys.values()];
    expect(browser.requests.filter((url) => keys.some((key) => url.includes(key)))).toEqual([]);
    expect(keys.some((key) => page.url().includes(key))).toBe(false);
    const localStorageText = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    expect(keys.some((key) => localStorageText.includes(key))).toBe(false);
    expect(browser.requests.length).toBeGreaterThan(10);
    expect(browser.requests.filter((url) => !url.startsWith(base) && !url.startsWith('data:'))).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
