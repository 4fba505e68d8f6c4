import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { StewardIdentityProvider } from '../../common/config';
import type { PlainRoute } from '../../common/httpServer';
import { failureAnswer } from '../citizen/failureAnswer';
import type { RelyingParty } from '../oidc/authorizationCode';
import { beginAuthorization, completeAuthorization, discoverRelyingParty, pendingCookie } from '../oidc/authorizationCode';
import { AuthenticationError } from '../store/errors';
import type { Accounts } from './accounts';
import { redirect } from './consoleRoutes';
import { overTls, readSessionCookie, sessionCookie } from './sessionCookie';

/** Where the console's button sends the steward: on to the identity provider. */
export const STEWARD_SIGN_IN_PATH = '/console/sign-in/oidc';
/** Where the identity provider sends the steward back. */
export const STEWARD_CALLBACK_PATH = '/console/callback';
/** The cookie that carries a steward's sign-in under way from the redirect to the callback. */
const PENDING_COOKIE = 'dsp_steward_sign_in';

export interface StewardSignInOptions {
  provider: StewardIdentityProvider;
  accounts: Accounts;
  logger: Logger;
}

/**
 * Given the province's identity provider, the accounts and the logger, returns the console's sign-in routes through
 * it: GET /console/sign-in/oidc (to the provider, with PKCE, state and nonce in a short-lived pending cookie) and
 * GET /console/callback (the code exchanged, the ID token verified, its e-mail claim naming the account whose
 * roles the session carries). The session is the console's own: same cookie, CSRF token, expiry and revocation.
 */
export function stewardSignInRoutes(options: StewardSignInOptions): PlainRoute[] {
  const { provider, accounts, logger } = options;
  const fail = failureAnswer(logger, 'steward sign-in failed');
  let party: Promise<RelyingParty> | null = null;
  const relyingParty = () => {
    party ??= discoverRelyingParty(provider.issuer, provider.clientId, provider.clientSecret, provider.redirectUrl).catch((error: unknown) => {
      party = null;
      throw error;
    });
    return party;
  };
  const pending = (request: IncomingMessage, value: string, maxAgeSeconds: number) =>
    pendingCookie(PENDING_COOKIE, STEWARD_CALLBACK_PATH, value, maxAgeSeconds, overTls(request));

  const callback = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    // A callback is used once: its pending cookie goes whatever the outcome.
    response.setHeader('set-cookie', pending(request, '', 0));
    const claims = await completeAuthorization(await relyingParty(), url, readSessionCookie(request.headers.cookie, PENDING_COOKIE));
    const email = claims[provider.emailClaim];
    if (typeof email !== 'string' || email.trim() === '')
      throw new AuthenticationError(`The identity token carries no ${provider.emailClaim} claim to name a steward account by`);
    const opened = await accounts.signInVouched(email, typeof claims.sub === 'string' ? claims.sub : null);
    logger.info({ account: opened.account.id, method: 'oidc' }, 'steward signed in through the identity provider');
    const maxAge = (Date.parse(opened.session.expiresAt) - Date.parse(opened.session.createdAt)) / 1000;
    redirect(response, '/console', [sessionCookie(opened.token, maxAge, overTls(request)), pending(request, '', 0)]);
  };

  const route: PlainRoute = (request, response, url) => {
    if ((request.method ?? 'GET') !== 'GET') return false;
    if (url.pathname === STEWARD_SIGN_IN_PATH) {
      relyingParty()
        .then((found) => beginAuthorization(found, 'openid email'))
        .then(({ location, pending: value, maxAgeSeconds }) => redirect(response, location, [pending(request, value, maxAgeSeconds)]))
        .catch(fail(response));
      return true;
    }
    if (url.pathname === STEWARD_CALLBACK_PATH) {
      callback(request, response, url).catch(fail(response));
      return true;
    }
    return false;
  };
  return [route];
}
