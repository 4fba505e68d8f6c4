import { totpCode } from '../../gateway/console/totp';
import { errorCodes } from '../helpers/graphql';
import type { ConsoleServer } from './consoleHelpers';
import { startConsoleServer } from './consoleHelpers';

describe('console sign-in and sessions', () => {
  let server: ConsoleServer;
  let steward: { id: number; email: string; password: string; totpSecret: string };

  const signInBody = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL('console/api/sign-in', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startConsoleServer();
    steward = await server.createAccount(['POLICY_STEWARD']);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a wrong password, a wrong code and an unknown e-mail alike, with 401 and one message', async () => {
    const code = totpCode(steward.totpSecret, server.store.clock.now());
    const wrongCode = code === '000000' ? '111111' : '000000';
    const attempts = [
      { email: steward.email, password: 'not the password', code },
      { email: steward.email, password: steward.password, code: wrongCode },
      { email: 'nobody@test.gov.vn', password: steward.password, code },
      { email: steward.email, password: steward.password },
    ];
    const messages = new Set<string>();
    for (const attempt of attempts) {
      const response = await signInBody(attempt);
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      messages.add(body.errors[0]!.message);
    }
    expect(messages.size).toBe(1);
  });

  it('takes each TOTP code once, so that a code seen over a shoulder cannot be replayed', async () => {
    server.store.clock.advance(30_000);
    const attempt = { email: steward.email, password: steward.password, code: totpCode(steward.totpSecret, server.store.clock.now()) };
    expect((await signInBody(attempt)).status).toBe(200);
    expect((await signInBody(attempt)).status).toBe(401);
    // Nor an older code still within the drift allowed.
    server.store.clock.advance(30_000);
    expect((await signInBody(attempt)).status).toBe(401);
  });

  it('takes a sign-in only as JSON, so that no other site can post one', async () => {
    const response = await fetch(new URL('console/api/sign-in', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(steward.email)}&password=${encodeURIComponent(steward.password)}`,
    });
    expect(response.status).toBe(415);
    const malformed = await fetch(new URL('console/api/sign-in', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('sets an HttpOnly, SameSite=Strict cookie for the session, Secure under TLS, and never puts the secret in the body', async () => {
    const session = await server.signIn(steward);
    server.store.clock.advance(30_000);
    expect(session.setCookie).toMatch(/^dsp_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    const overTls = await signInBody(
      { email: steward.email, password: steward.password, code: totpCode(steward.totpSecret, server.store.clock.now()) },
      { 'x-forwarded-proto': 'https' },
    );
    expect(overTls.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    const body = await overTls.text();
    expect(body).not.toContain(overTls.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]);
    const current = await fetch(new URL('console/api/session', server.baseUrl), { headers: { cookie: session.cookie } });
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ account: { email: steward.email, roles: ['POLICY_STEWARD'] }, csrfToken: session.csrfToken });
  });

  it("refuses a session request to /admin without its CSRF token, or with another session's", async () => {
    const session = await server.signIn(steward);
    const other = await server.signIn(steward);
    for (const csrf of [undefined, other.csrfToken, 'x'.repeat(43)]) {
      const response = await fetch(server.adminUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: session.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}), 'x-change-reason': 'test' },
        body: JSON.stringify({ query: 'mutation { createAgency(input: { code: "H56.77", name: "Không được tạo" }) { code } }' }),
      });
      expect(response.status).toBe(403);
      expect(errorCodes({ status: response.status, ...((await response.json()) as object) })).toEqual(['FORBIDDEN']);
    }
    expect(await server.store.stewardship.agency('H56.77')).toBeNull();
    const signOut = await fetch(new URL('console/api/sign-out', server.baseUrl), { method: 'POST', headers: { cookie: session.cookie } });
    expect(signOut.status).toBe(403);
    expect((await server.admin(session, '{ me { account { email } } }')).data).toEqual({ me: { account: { email: steward.email } } });
  });

  it('ends a session at its expiry', async () => {
    const session = await server.signIn(steward);
    expect((await server.admin(session, '{ grants { id } }')).status).toBe(200);
    server.store.clock.advance(8 * 60 * 60 * 1000 + 1);
    const expired = await server.admin(session, '{ grants { id } }');
    expect(expired.status).toBe(401);
    expect(errorCodes(expired)).toEqual(['UNAUTHENTICATED']);
    expect((await fetch(new URL('console/api/session', server.baseUrl), { headers: { cookie: session.cookie } })).status).toBe(401);
  });

  it("ends a session at sign-out, when an administrator revokes it, and when the account's roles change", async () => {
    const signedOut = await server.signIn(steward);
    const out = await fetch(new URL('console/api/sign-out', server.baseUrl), {
      method: 'POST',
      headers: { cookie: signedOut.cookie, 'x-csrf-token': signedOut.csrfToken },
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^dsp_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    expect((await server.admin(signedOut, '{ grants { id } }')).status).toBe(401);

    const administrator = await server.signIn(await server.createAccount(['ADMINISTRATOR']));
    const revoked = await server.signIn(steward);
    const revocation = await server.admin(administrator, 'mutation ($id: Int!) { revokeSessions(id: $id) }', { id: steward.id });
    expect(revocation.data).toEqual({ revokeSessions: expect.any(Number) });
    expect((await server.admin(revoked, '{ grants { id } }')).status).toBe(401);

    const beforeRoleChange = await server.signIn(steward);
    await server.admin(administrator, 'mutation ($id: Int!) { updateAccount(id: $id, input: { roles: ["POLICY_STEWARD", "AUDITOR"] }) { roles } }', {
      id: steward.id,
    });
    expect((await server.admin(beforeRoleChange, '{ grants { id } }')).status).toBe(401);
    const afterRoleChange = await server.signIn(steward);
    expect((await server.admin(afterRoleChange, '{ auditCountsByAgency { agencyCode } }')).errors?.[0]?.extensions?.code).not.toBe('FORBIDDEN');
  });

  it('lets no disabled account sign in, and ends its sessions', async () => {
    const leaving = await server.createAccount(['KEY_OFFICER']);
    const session = await server.signIn(leaving);
    const administrator = await server.signIn(await server.createAccount(['ADMINISTRATOR']));
    const disabled = await server.admin(administrator, 'mutation ($id: Int!) { disableAccount(id: $id) { disabledAt } }', { id: leaving.id });
    expect(disabled.data).toEqual({ disableAccount: { disabledAt: expect.any(String) } });
    expect((await server.admin(session, '{ apiKeys { id } }')).status).toBe(401);
    await expect(server.signIn(leaving)).rejects.toThrow(/sign-in failed: 401/);
  });
});
