import type { TestBrowser } from '../helpers/browser';
import { launchBrowser } from '../helpers/browser';
import type { DemoGateway } from '../helpers/citizenPortal';
import { startGatewayWithStewardProvider } from '../helpers/stewardProvider';

jest.setTimeout(120_000);

describe("the console's sign-in through the province's identity provider, in a real browser", () => {
  let running: { gateway: DemoGateway; stop(): Promise<void> };
  let browser: TestBrowser;

  beforeAll(async () => {
    [running, browser] = await Promise.all([startGatewayWithStewardProvider(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('offers the button, goes to the provider and comes back signed in with the account of that e-mail', async () => {
    const page = await browser.newPage();
    const { gateway } = running;
    await page.goto(new URL('/console', gateway.base).toString());
    const button = page.locator('[data-testid=sign-in-identity-provider]');
    await button.waitFor();
    expect(await button.textContent()).toBe('Đăng nhập qua cổng định danh của tỉnh');
    // Outside production the password form stays beside it.
    expect(await page.locator('[data-testid=sign-in] input[name=password]').count()).toBe(1);
    await button.click();
    await page.waitForSelector('input[name=email]');
    await page.fill('input[name=email]', gateway.stewards.get('KEY_OFFICER')!.email);
    await page.click('button');
    await page.waitForSelector('[data-testid=who]');
    expect(await page.textContent('[data-testid=who]')).toContain('KEY_OFFICER');
    expect(new URL(page.url()).pathname).toBe('/console');
  });
});
