import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import type { PlainRoute } from '../../common/httpServer';
import { StoreError, badInput } from '../store/errors';
import type { Accounts, OpenedSession } from './accounts';
import { permittedFields } from './permissions';
import { CSRF_HEADER, clearedSessionCookie, csrfMatches, overTls, readSessionCookie, sessionCookie } from './sessionCookie';
import type { SignInThrottle } from './signInThrottle';
import { signInThrottle } from './signInThrottle';

/** A sign-in's body is a few hundred bytes. */
const MAX_SIGN_IN_BYTES = 4096;

export interface ConsoleRoutesOptions {
  accounts: Accounts;
  logger: Logger;
  /** Sign-in through the identity provider, when configured: its routes are tried after these. */
  extraRoutes?: PlainRoute[];
  /** The ways in the page offers (local password and TOTP, the province's identity provider); passwords only by default. */
  signInMethods?: SignInMethods;
  /** Bounds the password sign-ins per address and the failures per account; counted in this process by default. */
  throttle?: SignInThrottle;
}

/** How stewards may sign in: told to the signed-out page, and the password sign-in refused when closed. */
export interface SignInMethods {
  password: boolean;
  identityProvider: boolean;
}

export type Json = Record<string, unknown>;

/** Given a response, a status and a JSON value, answers with it, never cached. */
export function sendJson(response: ServerResponse, status: number, value: Json, headers: Record<string, string> = {}): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.setHeader('x-content-type-options', 'nosniff');
  for (const [name, header] of Object.entries(headers)) response.setHeader(name, header);
  response.end(JSON.stringify(value));
}

/** Given a response, where to send the browser and the cookies to set, answers 302, never cached. */
export function redirect(response: ServerResponse, location: string, cookies: string[]): void {
  response.statusCode = 302;
  response.setHeader('location', location);
  response.setHeader('cache-control', 'no-store');
  response.setHeader('set-cookie', cookies);
  response.end();
}

/** Given a response, a status, a stable code and a message, answers with a GraphQL-style error. */
export function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}

/** Given a request, returns its body as a JSON object, or BAD_USER_INPUT (over maxBytes, not JSON, not an object). */
export function readJson(request: IncomingMessage, maxBytes = MAX_SIGN_IN_BYTES): Promise<Json> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the bound, the rest is read and dropped (within the request timeout), so that the answer reaches the client.
      if (size > maxBytes) reject(badInput(`The body is over ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > maxBytes) return;
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        resolve(value as Json);
      } catch {
        reject(badInput('The body is not a JSON object'));
      }
    });
    request.on('error', reject);
  });
}

/** Given an opened session, returns what the console's page is told of it: never the cookie's secret. */
export function sessionView({ account, session }: Pick<OpenedSession, 'account' | 'session'>): Json {
  return { account, csrfToken: session.csrfToken, expiresAt: session.expiresAt, permittedFields: permittedFields(account) };
}

/** Given a session just opened, answers with it and sets its cookie. */
export function answerWithSession(request: IncomingMessage, response: ServerResponse, opened: OpenedSession): void {
  const maxAge = (Date.parse(opened.session.expiresAt) - Date.parse(opened.session.createdAt)) / 1000;
  sendJson(response, 200, sessionView(opened), { 'set-cookie': sessionCookie(opened.token, maxAge, overTls(request)) });
}

/**
 * Given the accounts, returns the console's session routes: POST /console/api/sign-in (JSON e-mail, password and
 * TOTP code: a JSON body cannot be sent by another site's form, so no sign-in can be forced on a person), GET
 * /console/api/session (who is signed in, with the CSRF token the page sends on every request), POST
 * /console/api/sign-out (with that token).
 */
export function consoleRoutes(options: ConsoleRoutesOptions): PlainRoute[] {
  const { accounts, logger } = options;
  const methods = options.signInMethods ?? { password: true, identityProvider: false };
  const throttle = options.throttle ?? signInThrottle({ redis: null, keyPrefix: '' });
  const fail = (response: ServerResponse) => (error: unknown) => {
    if (error instanceof StoreError) {
      const status = error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'FORBIDDEN' ? 403 : 400;
      sendError(response, status, error.code, error.message);
      return;
    }
    logger.error({ err: error }, 'console request failed');
    if (!response.headersSent) sendError(response, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
  const current = async (request: IncomingMessage) => {
    const token = readSessionCookie(request.headers.cookie);
    return token === null ? null : accounts.session(token);
  };
  const route: PlainRoute = (request, response, url) => {
    const method = request.method ?? 'GET';
    if (url.pathname === '/console/api/sign-in' && method === 'POST') {
      if (!/^application\/json\b/i.test(String(request.headers['content-type'] ?? ''))) {
        sendError(response, 415, ErrorCode.BAD_REQUEST, 'Sign in with a JSON body: content-type application/json');
        return true;
      }
      if (!methods.password) {
        sendError(response, 403, ErrorCode.FORBIDDEN, "Stewards sign in through the province's identity provider: GET /console/sign-in/oidc");
        return true;
      }
      const address = request.socket.remoteAddress ?? 'unknown';
      readJson(request)
        .then(async (body) => {
          const email = String(body.email ?? '');
          // Held off before the password is checked, so that a flood of sign-ins costs no password checks.
          const wait = await throttle.admit(address, email);
          if (wait !== null) {
            logger.warn({ remote: address }, 'sign-in held off: too many attempts');
            const message = `Too many sign-in attempts from this address: try again in ${wait} s`;
            return sendJson(response, 429, { errors: [{ message, extensions: { code: ErrorCode.RATE_LIMITED } }] }, { 'retry-after': String(wait) });
          }
          const opened = await accounts
            .signIn({ email, password: String(body.password ?? ''), code: String(body.code ?? '') })
            .catch(async (error: unknown) => {
              if (error instanceof StoreError && error.code === 'UNAUTHENTICATED') await throttle.failed(address, email);
              throw error;
            });
          await throttle.succeeded(address, email);
          logger.info({ account: opened.account.id }, 'steward signed in');
          answerWithSession(request, response, opened);
        })
        .catch(fail(response));
      return true;
    }
    if (url.pathname === '/console/api/session' && method === 'GET') {
      current(request)
        .then((found) =>
          found
            ? sendJson(response, 200, sessionView(found))
            : sendJson(response, 401, {
                errors: [{ message: 'Not signed in, or the session has expired or was ended', extensions: { code: ErrorCode.UNAUTHENTICATED } }],
                signIn: methods,
              }),
        )
        .catch(fail(response));
      return true;
    }
    if (url.pathname === '/console/api/sign-out' && method === 'POST') {
      current(request)
        .then(async (found) => {
          if (!found) return sendError(response, 401, ErrorCode.UNAUTHENTICATED, 'Not signed in');
          if (!csrfMatches(request.headers[CSRF_HEADER], found.session.csrfToken))
            return sendError(response, 403, ErrorCode.FORBIDDEN, `The request lacks the session's CSRF token (header ${CSRF_HEADER})`);
          await accounts.endSession(found.session.id);
          return sendJson(response, 200, { signedOut: true }, { 'set-cookie': clearedSessionCookie(overTls(request)) });
        })
        .catch(fail(response));
      return true;
    }
    if (url.pathname.startsWith('/console/api/')) {
      if (options.extraRoutes?.some((extra) => extra(request, response, url))) return true;
      sendError(response, 404, ErrorCode.NOT_FOUND, `No console endpoint at ${url.pathname.slice(0, 200)}`);
      return true;
    }
    return false;
  };
  return [route];
}
