import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestDatabases } from './database';
import { commandEnvironment, createTestDatabases } from './database';
import { startScript, stopScript, waitForOutput } from './process';

/** A gateway run as `npm start` runs it: seeded, with its development identity provider and demo accounts. */
export interface DemoGateway {
  base: string;
  databases: TestDatabases;
  /** The demo agencies' API keys, by agency code. */
  apiKeys: Map<string, string>;
  /** The demo steward accounts, by role: e-mail, password, TOTP secret. */
  stewards: Map<string, { email: string; password: string; totpSecret: string }>;
  stop(): Promise<void>;
}

/** Starts `npm start` on free ports over fresh test databases, with a small seed, and reads what it printed. */
export async function startDemoGateway(citizens = 60, extra: Record<string, string> = {}): Promise<DemoGateway> {
  const databases = await createTestDatabases();
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-citizen-'));
  const environment = commandEnvironment(databases.config, {
    PORT: '0',
    POPULATION_PORT: '0',
    LAND_PORT: '0',
    HEALTH_PORT: '0',
    EDUCATION_PORT: '0',
    WITNESS_PORT: '0',
    SEED_CITIZENS: String(citizens),
    ...extra,
  });
  environment.AUDIT_DIRECTORY = path.join(dataDirectory, 'audit');
  if (databases.config.engine === 'mysql') environment.DATA_DIR = dataDirectory;
  const child: ChildProcess = startScript('start.ts', [], environment);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = (await waitForOutput(child, /Gateway ready at (http:\/\/\S+\/graphql)/, 90_000))[1]!;
    const stewards = new Map<string, { email: string; password: string; totpSecret: string }>();
    // The demo accounts are printed just after the ready line.
    for (let attempt = 0; attempt < 50 && !/ADMINISTRATOR/.test(stderr); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const match of stderr.matchAll(/^\s+([A-Z_]+)\s+(\S+@\S+)\s+password (\S+)\s+TOTP (\S+)$/gm))
      stewards.set(match[1]!, { email: match[2]!, password: match[3]!, totpSecret: match[4]! });
    const credentialsDirectory = databases.config.engine === 'sqlite' ? databases.config.dataDirectory : dataDirectory;
    const { credentials } = JSON.parse(fs.readFileSync(path.join(credentialsDirectory, 'demo-credentials.json'), 'utf8')) as {
      credentials: Array<{ agencyCode: string; apiKey: string }>;
    };
    return {
      base: new URL('/', url).toString(),
      databases,
      apiKeys: new Map(credentials.map((credential) => [credential.agencyCode, credential.apiKey])),
      stewards,
      async stop() {
        await stopScript(child);
        await databases.destroy();
        fs.rmSync(dataDirectory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopScript(child);
    await databases.destroy();
    throw error;
  }
}

/** A browser's cookies for one origin, kept from Set-Cookie headers, sent back on every request. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Given a URL and a request, sends it with the jar's cookies, follows no redirect, and keeps what is set. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', ...init, headers: { cookie: this.header(), ...((init.headers as Record<string, string>) ?? {}) } });
    this.keep(response);
    return response;
  }
}

/**
 * Given the gateway and a national ID, signs in through the development identity provider as a browser would:
 * /citizen/sign-in, the provider's redirects, its login page (the form of that citizen, or the typed one), back
 * to /citizen/callback. Returns the jar holding the citizen's session and the national IDs the login page offered.
 */
export async function signInAsCitizen(base: string, nationalId: string | null): Promise<{ jar: CookieJar; offered: string[]; nationalId: string }> {
  const jar = new CookieJar();
  let response = await jar.fetch(new URL('/citizen/sign-in', base).href);
  let location = response.headers.get('location');
  for (let hop = 0; location && !location.includes('/interaction/') && hop < 10; hop += 1) {
    response = await jar.fetch(new URL(location, base).href);
    location = response.headers.get('location');
  }
  if (!location) throw new Error(`the sign-in did not reach the login page (HTTP ${response.status})`);
  response = await jar.fetch(new URL(location, base).href);
  const page = await response.text();
  const offered = [...page.matchAll(/data-national-id="(\d{12})"/g)].map((match) => match[1]!);
  const chosen = nationalId ?? offered[0]!;
  const action = /action="([^"]+)"/.exec(page)![1]!;
  response = await jar.fetch(new URL(action, base).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ nationalId: chosen }).toString(),
  });
  location = response.headers.get('location');
  for (let hop = 0; location && hop < 10; hop += 1) {
    response = await jar.fetch(new URL(location, base).href);
    if (new URL(location, base).pathname === '/citizen/callback') break;
    location = response.headers.get('location');
  }
  if (response.headers.get('location') !== '/citizen') throw new Error(`the callback did not sign in (HTTP ${response.status}: ${await response.text()})`);
  return { jar, offered, nationalId: chosen };
}
