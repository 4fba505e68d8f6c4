import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Accounts, OpenedSession } from '../../gateway/console/accounts';
import { consoleRoutes } from '../../gateway/console/consoleRoutes';
import { SIGN_IN_ATTEMPTS_PER_ADDRESS, SIGN_IN_FAILURES_PER_ACCOUNT, signInThrottle } from '../../gateway/console/signInThrottle';
import { AuthenticationError } from '../../gateway/store/errors';

/** Accounts whose one password is "right", counting the password checks made (each one a scrypt in the real store). */
function countingAccounts(): { accounts: Accounts; checks: () => number } {
  let checks = 0;
  const accounts = {
    async signIn(input: { email: string; password: string; code: string }): Promise<OpenedSession> {
      checks += 1;
      if (input.password !== 'right') throw new AuthenticationError('The e-mail, password or one-time code is wrong, or the account is disabled');
      const at = new Date().toISOString();
      return {
        token: 'token',
        session: { id: 's', accountId: 'a', csrfToken: 'c', createdAt: at, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), revokedAt: null },
        account: { id: 'a', email: input.email, displayName: 'A', roles: [], agencyCode: null },
      } as unknown as OpenedSession;
    },
  } as unknown as Accounts;
  return { accounts, checks: () => checks };
}

describe("the stewards' password sign-in, held off", () => {
  let server: http.Server;
  let url: string;
  let counted: ReturnType<typeof countingAccounts>;

  beforeEach(async () => {
    counted = countingAccounts();
    const [route] = consoleRoutes({ accounts: counted.accounts, logger: pino({ level: 'silent' }), throttle: signInThrottle({ redis: null, keyPrefix: '' }) });
    server = http.createServer((request, response) => {
      if (!route!(request, response, new URL(request.url ?? '/', 'http://localhost'))) response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console/api/sign-in`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signIn = (email: string, password: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, code: '000000' }) });

  it('holds an address off an account after its failures in a row, before checking another password, and says for how long', async () => {
    for (let attempt = 0; attempt < SIGN_IN_FAILURES_PER_ACCOUNT; attempt += 1) expect((await signIn('a@example.vn', 'wrong')).status).toBe(401);
    const held = await signIn('A@example.vn ', 'right');
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await held.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
    // The right password, sent while held off, was never checked: the guesser learns nothing from it.
    expect(counted.checks()).toBe(SIGN_IN_FAILURES_PER_ACCOUNT);
    // Another account from the same address is not held off.
    expect((await signIn('b@example.vn', 'right')).status).toBe(200);
  });

  it('forgets the failures once the owner signs in', async () => {
    for (let attempt = 0; attempt < SIGN_IN_FAILURES_PER_ACCOUNT - 1; attempt += 1) await signIn('a@example.vn', 'wrong');
    expect((await signIn('a@example.vn', 'right')).status).toBe(200);
    for (let attempt = 0; attempt < SIGN_IN_FAILURES_PER_ACCOUNT - 1; attempt += 1) expect((await signIn('a@example.vn', 'wrong')).status).toBe(401);
  });

  it('bounds the sign-ins of one address, over every account, so that a flood costs few password checks', async () => {
    const answers = await Promise.all(Array.from({ length: SIGN_IN_ATTEMPTS_PER_ADDRESS + 20 }, (_, index) => signIn(`user${index}@example.vn`, 'wrong')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(SIGN_IN_ATTEMPTS_PER_ADDRESS);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    expect(counted.checks()).toBe(SIGN_IN_ATTEMPTS_PER_ADDRESS);
  });
});
