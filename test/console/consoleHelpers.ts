import { startHttpServer } from '../../common/httpServer';
import type { HttpServerHandle } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { createAdminRoute } from '../../gateway/admin';
import { AuditRepository } from '../../gateway/audit/auditRepository';
import { GrantPreviews } from '../../gateway/operations/grantPreviews';
import { OperationRegistration } from '../../gateway/operations/registration';
import { Accounts } from '../../gateway/console/accounts';
import { consoleRoutes } from '../../gateway/console/consoleRoutes';
import type { SignInMethods } from '../../gateway/console/consoleRoutes';
import { totpCode } from '../../gateway/console/totp';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { QuotaStewardship } from '../../gateway/store/quotaStewardship';
import type { StewardRole } from '../../gateway/store/accountTypes';
import { PolicyCache } from '../../gateway/store/policyCache';
import { SharingDesk } from '../../gateway/sharing/sharingDesk';
import { loadWorkingCalendar } from '../../common/workingDays';
import type { GraphQLResponse } from '../helpers/graphql';
import type { TestStore } from '../store/storeHelpers';
import { createTestStore } from '../store/storeHelpers';
import { CitizenNotifications } from '../../gateway/citizen/citizenNotifications';
import { NotificationRepository } from '../../gateway/citizen/notificationRepository';

/** A person signed in to the console: their cookie and CSRF token, as a browser holds them. */
export interface ConsoleSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

export interface ConsoleServer {
  store: TestStore;
  sharing: SharingDesk;
  accounts: Accounts;
  baseUrl: string;
  adminUrl: string;
  /** Given roles, creates an account with them and returns its e-mail, password and TOTP secret. */
  createAccount(roles: StewardRole[], email?: string): Promise<{ id: number; email: string; password: string; totpSecret: string }>;
  /** Given an account's secrets, moves the clock to the next TOTP step, signs in over HTTP and returns the session. */
  signIn(account: { email: string; password: string; totpSecret: string }): Promise<ConsoleSession>;
  /** Given a session, posts an operation to /admin as the console does (cookie, CSRF token, reason). */
  admin<T = Record<string, any>>(
    session: ConsoleSession,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * Starts the admin API and the console's session routes on one server over a fresh store, on the store's clock
 * (and the sign-in methods given: passwords only by default).
 */
export async function startConsoleServer(signInMethods?: SignInMethods): Promise<ConsoleServer> {
  let cache: PolicyCache | null = null;
  const store = await createTestStore({ onChange: () => cache?.refreshNow() });
  cache = new PolicyCache({ repository: store.repository, refreshMs: 5000 });
  await cache.start();
  const accounts = new Accounts({ repository: new AccountRepository(store.db), now: store.clock.now });
  const logger = getLogger('test');
  const quotas = new QuotaStewardship({ repository: store.repository, defaults: { requestsPerMinute: 600, costPerMinute: 300_000 } });
  const operations = new OperationRegistration({ repository: store.repository, stewardship: store.stewardship, onChange: () => cache?.refreshNow() });
  const sharing = new SharingDesk({ stewardship: store.stewardship, repository: store.repository, calendar: loadWorkingCalendar(), now: store.clock.now });
  const previews = new GrantPreviews({
    repository: store.repository,
    stewardship: store.stewardship,
    audit: new AuditRepository(store.db),
    now: store.clock.now,
  });
  const route = createAdminRoute({
    stewardship: store.stewardship,
    previews,
    quotas,
    operations,
    sharing,
    authenticator: store.authenticator,
    policyCache: cache,
    accounts,
    notifications: new CitizenNotifications({ repository: new NotificationRepository(store.db), deferredAgencies: [], deferralDays: 0, now: store.clock.now }),
  });
  const handle: HttpServerHandle = await startHttpServer(
    [route],
    { port: 0, host: '127.0.0.1' },
    logger,
    consoleRoutes({ accounts, logger, ...(signInMethods ? { signInMethods } : {}) }),
  );
  const adminUrl = new URL('admin', handle.baseUrl).toString();
  let counter = 0;
  return {
    store,
    sharing,
    accounts,
    baseUrl: handle.baseUrl,
    adminUrl,
    async createAccount(roles, email = `steward${++counter}@test.gov.vn`) {
      const made = await accounts.create({ kind: 'SYSTEM', task: 'test' }, { email, name: `Người thử ${counter}`, unit: 'Phòng thử nghiệm', roles });
      return { id: made.account.id, email, password: made.password!, totpSecret: made.totpSecret! };
    },
    async signIn(account) {
      // A TOTP code is good once: each sign-in takes the next 30 s step's code.
      store.clock.advance(30_000);
      const response = await fetch(new URL('console/api/sign-in', handle.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password, code: totpCode(account.totpSecret, store.clock.now()) }),
      });
      if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
      const setCookie = response.headers.get('set-cookie') ?? '';
      const body = (await response.json()) as { csrfToken: string };
      return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie };
    },
    async admin(session, query, variables = {}, headers = {}) {
      const response = await fetch(adminUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: session.cookie,
          'x-csrf-token': session.csrfToken,
          'x-change-reason': encodeURIComponent('Phiếu yêu cầu số 12/2026'),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async stop() {
      cache?.stop();
      await handle.stop();
      await store.destroy();
    },
  };
}
