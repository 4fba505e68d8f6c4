import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's chromium, installed by .ci/run; never a downloaded browser build. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git ignores it). */
export const ARTIFACTS_DIRECTORY = path.join(__dirname, '..', '..', 'test-artifacts', 'browser');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** Every URL the pages requested, in order. */
  requests: string[];
  /** Errors the pages reported (uncaught exceptions, console errors, Content-Security-Policy violations). */
  pageErrors: string[];
  newPage(): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Launches Debian's chromium headless with a fresh profile, recording every request its pages make. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
  const userDataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  const requests: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });
  fs.mkdirSync(ARTIFACTS_DIRECTORY, { recursive: true });
  return {
    context,
    requests,
    pageErrors,
    newPage: () => context.newPage(),
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS_DIRECTORY, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDirectory, { recursive: true, force: true });
    },
  };
}
