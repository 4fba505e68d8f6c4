import { totpCode } from '../../gateway/console/totp';
import type { StewardRole } from '../../gateway/store/accountTypes';
import type { Purpose } from '../../gateway/policy/types';
import type { GraphQLResponse } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

/** A person signed in to the console of a running platform: cookie and CSRF token. */
export interface Steward {
  email: string;
  cookie: string;
  csrfToken: string;
}

export interface SharingWorld {
  seeded: SeededPlatform;
  baseUrl: string;
  /** Given roles (and the agency whose queue it answers; none: province-wide), creates an account and signs it in over HTTP. */
  steward(roles: StewardRole[], agencyCode?: string | null): Promise<Steward>;
  /** Given a session, posts to /admin as the console does; headers replace the console's own. */
  admin<T = Record<string, any>>(
    steward: Steward,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Given an API key (or headers), posts to /admin with it. */
  adminWithKey<T = Record<string, any>>(key: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Given an agency's key and purpose, posts to /graphql. */
  graphql<T = Record<string, any>>(key: string, purpose: Purpose | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** A citizen of the seed. */
  nationalId: string;
  /** Reloads the policy now, as the next poll would. */
  refresh(): Promise<unknown>;
  stop(): Promise<void>;
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<GraphQLResponse<any>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, ...((await response.json()) as object) };
}

/** Starts a seeded platform with the demo agencies, and ways to act on it as stewards and agencies over HTTP. */
export async function startSharingWorld(): Promise<SharingWorld> {
  const seeded = await startSeededPlatform(40);
  const baseUrl = new URL('/', seeded.platform.gateway.url).toString();
  const adminUrl = new URL('/admin', baseUrl).toString();
  const citizen = (await seeded.databases.databases.population('citizens').orderBy('national_id').first()) as { national_id: string };
  let counter = 0;
  return {
    seeded,
    baseUrl,
    nationalId: citizen.national_id,
    async steward(roles, agencyCode = null) {
      const email = `canbo${++counter}@test.gov.vn`;
      const made = await seeded.platform.accounts.create(
        { kind: 'SYSTEM', task: 'test' },
        { email, name: `Cán bộ ${counter}`, unit: 'Phòng thử', roles, agencyCode },
      );
      const response = await fetch(new URL('/console/api/sign-in', baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: made.password, code: totpCode(made.totpSecret!, new Date()) }),
      });
      if (response.status !== 200) throw new Error(`sign-in failed: ${response.status}`);
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = (await response.json()) as { csrfToken: string };
      return { email, cookie, csrfToken };
    },
    admin(steward, query, variables = {}, headers = {}) {
      return post(
        adminUrl,
        { cookie: steward.cookie, 'x-csrf-token': steward.csrfToken, 'x-change-reason': encodeURIComponent('Phiếu trình số 7/2027'), ...headers },
        { query, variables },
      );
    },
    adminWithKey(key, query, variables = {}) {
      return post(adminUrl, { authorization: `Bearer ${key}` }, { query, variables });
    },
    graphql(key, purpose, query, variables = {}) {
      return post(seeded.platform.gateway.url, asAgency(key, purpose), { query, variables });
    },
    refresh: () => seeded.platform.policyCache.refreshNow(),
    stop: () => seeded.stop(),
  };
}
