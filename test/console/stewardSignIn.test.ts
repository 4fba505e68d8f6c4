import type { CookieJar, DemoGateway } from '../helpers/citizenPortal';
import { CookieJar as Jar, startDemoGateway } from '../helpers/citizenPortal';
import { startGatewayWithStewardProvider } from '../helpers/stewardProvider';
import { totpCode } from '../../gateway/console/totp';
import { startConsoleServer } from './consoleHelpers';

jest.setTimeout(120_000);

type Body = { errors?: Array<{ message: string; extensions?: { code?: string } }> } & Record<string, any>;
const codeOf = (body: Body) => body.errors?.[0]?.extensions?.code;

describe("the stewards' sign-in through the province's identity provider", () => {
  let running: { gateway: DemoGateway; stop(): Promise<void> };
  let gateway: DemoGateway;
  let administrator: string;

  /** Given an e-mail, goes as a browser from the console's button through the provider's login, up to the callback (not fetched). */
  const toCallback = async (email: string): Promise<{ jar: CookieJar; callback: string }> => {
    const jar = new Jar();
    let response = await jar.fetch(new URL('/console/sign-in/oidc', gateway.base).href);
    expect(response.status).toBe(302);
    let location = response.headers.get('location')!;
    for (let hop = 0; !location.includes('/interaction/') && hop < 10; hop += 1) {
      response = await jar.fetch(location);
      location = new URL(response.headers.get('location')!, location).href;
    }
    response = await jar.fetch(location, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email }).toString(),
    });
    location = new URL(response.headers.get('location')!, location).href;
    for (let hop = 0; !location.includes('/console/callback') && hop < 10; hop += 1) {
      response = await jar.fetch(location);
      location = new URL(response.headers.get('location')!, location).href;
    }
    return { jar, callback: location };
  };
  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Body });

  beforeAll(async () => {
    running = await startGatewayWithStewardProvider();
    gateway = running.gateway;
    administrator = gateway.stewards.get('ADMINISTRATOR')!.email;
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('tells the signed-out page that the identity provider is a way in, beside passwords outside production', async () => {
    const { status, body } = await json(await fetch(new URL('/console/api/session', gateway.base)));
    expect(status).toBe(401);
    expect(codeOf(body)).toBe('UNAUTHENTICATED');
    expect(body.signIn).toEqual({ password: true, identityProvider: true });
  });

  it("opens the console's own session for the account with the vouched e-mail, with its roles, CSRF token and revocation", async () => {
    const { jar, callback } = await toCallback(administrator);
    const pendingCookie = jar.cookies.get('dsp_steward_sign_in');
    expect(pendingCookie).toBeDefined();
    const back = await jar.fetch(callback);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/console');
    const setCookies = back.headers.getSetCookie();
    expect(setCookies.find((line) => line.startsWith('dsp_session='))).toMatch(/HttpOnly; SameSite=Strict/);
    expect(jar.cookies.has('dsp_steward_sign_in')).toBe(false);

    const session = await json(await jar.fetch(new URL('/console/api/session', gateway.base).href));
    expect(session.status).toBe(200);
    expect(session.body.account).toMatchObject({ email: administrator, roles: ['ADMINISTRATOR'] });
    const csrf = String(session.body.csrfToken);

    // A change without the CSRF token is refused; with it, it goes through.
    const accounts = '{ accounts { email } }';
    const admin = (headers: Record<string, string>) =>
      jar.fetch(new URL('/admin', gateway.base).href, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: accounts }),
      });
    expect(codeOf((await json(await admin({}))).body)).toBe('FORBIDDEN');
    const listed = await json(await admin({ 'x-csrf-token': csrf }));
    expect(listed.body.errors).toBeUndefined();
    expect(JSON.stringify(listed.body.data)).toContain(administrator);

    expect((await jar.fetch(new URL('/console/api/sign-out', gateway.base).href, { method: 'POST' })).status).toBe(403);
    expect((await jar.fetch(new URL('/console/api/sign-out', gateway.base).href, { method: 'POST', headers: { 'x-csrf-token': csrf } })).status).toBe(200);

    // The callback replayed, pending cookie and all, opens nothing: the code was used once.
    jar.cookies.set('dsp_steward_sign_in', pendingCookie!);
    const replayed = await json(await jar.fetch(callback));
    expect(replayed.status).toBe(401);
    expect(codeOf(replayed.body)).toBe('UNAUTHENTICATED');
    expect(jar.cookies.has('dsp_session')).toBe(false);
    expect((await jar.fetch(new URL('/console/api/session', gateway.base).href)).status).toBe(401);
  });

  it('gives an e-mail no account has, or a disabled account, no session', async () => {
    const unknown = await toCallback('nobody@thanhhoa.gov.vn');
    const refused = await json(await unknown.jar.fetch(unknown.callback));
    expect(refused.status).toBe(401);
    expect(codeOf(refused.body)).toBe('UNAUTHENTICATED');
    expect(refused.body.errors![0]!.message).toMatch(/No enabled steward account/);
    expect(unknown.jar.cookies.has('dsp_session')).toBe(false);

    const auditor = gateway.stewards.get('AUDITOR')!.email;
    await gateway.databases.databases.gateway('steward_accounts').where('email', auditor).update({ disabled_at: new Date().toISOString() });
    const disabled = await toCallback(auditor);
    const answer = await json(await disabled.jar.fetch(disabled.callback));
    expect(answer.status).toBe(401);
    expect(codeOf(answer.body)).toBe('UNAUTHENTICATED');
    expect(answer.body.errors![0]!.message).toMatch(/No enabled steward account/);
    expect(disabled.jar.cookies.has('dsp_session')).toBe(false);
  });

  it('holds an account that names its subject at the provider to that subject', async () => {
    const { email } = gateway.stewards.get('POLICY_STEWARD')!;
    const accounts = () => gateway.databases.databases.gateway('steward_accounts').where('email', email);
    await accounts().update({ oidc_subject: 'someone-else' });
    const other = await toCallback(email);
    const refused = await json(await other.jar.fetch(other.callback));
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0]!.message).toMatch(/names another subject/);
    expect(other.jar.cookies.has('dsp_session')).toBe(false);
    // The provider's subject is the e-mail: named so, the account opens.
    await accounts().update({ oidc_subject: email });
    const same = await toCallback(email);
    expect((await same.jar.fetch(same.callback)).status).toBe(302);
    expect(same.jar.cookies.has('dsp_session')).toBe(true);
  });

  it('refuses a forged state, and a callback without the sign-in under way in this browser', async () => {
    const forged = await toCallback(administrator);
    const url = new URL(forged.callback);
    url.searchParams.set('state', 'forged-state');
    const answer = await json(await forged.jar.fetch(url.href));
    expect(answer.status).toBe(401);
    expect(codeOf(answer.body)).toBe('UNAUTHENTICATED');
    expect(forged.jar.cookies.has('dsp_session')).toBe(false);

    const stolen = await toCallback(administrator);
    const elsewhere = new Jar();
    const missing = await json(await elsewhere.fetch(stolen.callback));
    expect(missing.status).toBe(401);
    expect(missing.body.errors![0]!.message).toMatch(/No sign-in is under way/);
    expect(elsewhere.cookies.has('dsp_session')).toBe(false);
    // Another browser's pending cookie does not fit this one's code either (its PKCE verifier and state differ).
    const other = await toCallback(administrator);
    elsewhere.cookies.set('dsp_steward_sign_in', other.jar.cookies.get('dsp_steward_sign_in')!);
    expect((await elsewhere.fetch(stolen.callback)).status).toBe(401);
    expect(elsewhere.cookies.has('dsp_session')).toBe(false);
  });
});

describe('the password sign-in once the identity provider is the only way in', () => {
  it('is refused with FORBIDDEN before any password is checked, and the page is told so', async () => {
    const server = await startConsoleServer({ password: false, identityProvider: true });
    try {
      const account = await server.createAccount(['ADMINISTRATOR']);
      const response = await fetch(new URL('console/api/sign-in', server.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password, code: totpCode(account.totpSecret, server.store.clock.now()) }),
      });
      const body = (await response.json()) as Body;
      expect(response.status).toBe(403);
      expect(codeOf(body)).toBe('FORBIDDEN');
      expect(response.headers.getSetCookie()).toEqual([]);
      const session = (await (await fetch(new URL('console/api/session', server.baseUrl))).json()) as Body;
      expect(session.signIn).toEqual({ password: false, identityProvider: true });
    } finally {
      await server.stop();
    }
  });

  it("answers 503 IDENTITY_PROVIDER_UNAVAILABLE, and signs nobody in, while the province's provider cannot be reached", async () => {
    const unreachable = await startDemoGateway(5, {
      STEWARD_OIDC_ISSUER: 'http://127.0.0.1:9/',
      STEWARD_OIDC_CLIENT_ID: 'dsp',
      STEWARD_OIDC_REDIRECT_URL: 'http://127.0.0.1:4000/console/callback',
    });
    try {
      const response = await fetch(new URL('/console/sign-in/oidc', unreachable.base), { redirect: 'manual' });
      const body = (await response.json()) as Body;
      expect([response.status, codeOf(body)]).toEqual([503, 'IDENTITY_PROVIDER_UNAVAILABLE']);
      expect(JSON.stringify(body)).not.toContain('127.0.0.1:9');
      expect(response.headers.get('set-cookie')).toBeNull();
    } finally {
      await unreachable.stop();
    }
  });
});
