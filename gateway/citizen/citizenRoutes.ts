import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import { failureAnswer } from './failureAnswer';
import type { PlainRoute } from '../../common/httpServer';
import type { AuditTrail } from '../audit/auditTrail';
import type { ProofTrust } from '../audit/proofCheck';
import type { FieldLabel } from '../policy/labels';
import { readJson, redirect, sendError, sendJson } from '../console/consoleRoutes';
import type { Json } from '../console/consoleRoutes';
import { badInput } from '../store/errors';
import { CSRF_HEADER, clearedSessionCookie, csrfMatches, overTls, readSessionCookie, sessionCookie } from '../console/sessionCookie';
import { accessView } from './accessView';
import type { DataCopy } from './dataCopy';
import type { CitizenNotifications } from './citizenNotifications';
import { PURPOSE_WORDS } from './plainWords';
import type { CitizenRequests } from './citizenRequests';
import type { DataConcerned } from './requestRouting';
import type { CitizenSessions } from './citizenSessions';
import type { CitizenSignIn } from './citizenSignIn';
import { CALLBACK_PATH, PENDING_COOKIE } from './citizenSignIn';
import type { CitizenSessionRecord } from './citizenTypes';
import { DEV_PROVIDER_PATH } from './devIdentityProvider';
import { pendingCookie } from '../oidc/authorizationCode';

/** The citizen's session cookie: apart from the stewards' so that one browser may hold both. */
export const CITIZEN_SESSION_COOKIE = 'dsp_citizen_session';
/** A request's message is up to 2000 characters of UTF-8. */
const MAX_REQUEST_BYTES = 16 * 1024;

export interface CitizenRoutesOptions {
  signIn: CitizenSignIn;
  sessions: CitizenSessions;
  requests: CitizenRequests;
  trail: AuditTrail;
  /** What the citizen reads for each field: the supergraph's @label. */
  labels: ReadonlyMap<string, FieldLabel>;
  /** What a correction, restriction or objection may name: each sector and its labelled fields. */
  dataConcerned: readonly DataConcerned[];
  /** The deferral the page explains: which agencies, how many days. */
  deferral: { agencies: readonly string[]; days: number };
  /** Given an agency code, returns its name in the policy in force, or null. */
  agencyName(code: string): string | null;
  /** Given the signed-in citizen's national ID, reads everything the platform holds about them, as them (recorded). */
  copy(nationalId: string): Promise<DataCopy>;
  /** The citizens' choice to be told of new accesses. */
  notifications: CitizenNotifications;
  /** The pinned keys the page checks the accesses' proofs with; none, and the page shows no proof. */
  proofTrust?: () => ProofTrust;
  logger: Logger;
}

function citizenPendingCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return pendingCookie(PENDING_COOKIE, CALLBACK_PATH, value, maxAgeSeconds, secure);
}

/**
 * Given the sign-in, the sessions, the requests and the trail, returns the citizens' routes: GET /citizen/sign-in
 * (to the identity provider), GET /citizen/callback (back from it, opening a session), the development provider
 * under /citizen/idp outside production, and the page's API under /citizen/api/: session, sign-out, accesses,
 * requests. Every API call is the signed-in citizen's own: the national ID comes from the session alone, and
 * every change carries the session's CSRF token.
 */
export function citizenRoutes(options: CitizenRoutesOptions): PlainRoute[] {
  const { signIn, sessions, requests, trail, logger } = options;
  const fail = failureAnswer(logger, 'citizen request failed');

  const signedIn = async (request: IncomingMessage, response: ServerResponse, changing: boolean): Promise<CitizenSessionRecord | null> => {
    const session = await sessions.find(readSessionCookie(request.headers.cookie, CITIZEN_SESSION_COOKIE));
    if (!session) {
      sendError(response, 401, ErrorCode.UNAUTHENTICATED, 'Not signed in, or the session has expired or was ended: sign in again');
      return null;
    }
    if (changing && !csrfMatches(request.headers[CSRF_HEADER], session.csrfToken)) {
      sendError(response, 403, ErrorCode.FORBIDDEN, `The request lacks the session's CSRF token (header ${CSRF_HEADER})`);
      return null;
    }
    return session;
  };
  const api = (request: IncomingMessage, response: ServerResponse, url: URL, method: string): boolean => {
    const endpoint = url.pathname.slice('/citizen/api/'.length);
    const run = (changing: boolean, work: (session: CitizenSessionRecord) => Promise<void>) => {
      signedIn(request, response, changing)
        .then((session) => (session ? work(session) : undefined))
        .catch(fail(response));
      return true;
    };
    if (endpoint === 'session' && method === 'GET')
      return run(false, async (session) =>
        sendJson(response, 200, {
          nationalId: session.nationalId,
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt,
          deferral: { agencies: options.deferral.agencies.map((code) => options.agencyName(code) ?? code), days: options.deferral.days },
          purposes: Object.entries(PURPOSE_WORDS).map(([code, words]) => ({ code, words })),
          dataConcerned: options.dataConcerned,
        }),
      );
    if (endpoint === 'sign-out' && method === 'POST')
      return run(true, async (session) => {
        await sessions.end(session.id);
        sendJson(response, 200, { signedOut: true }, { 'set-cookie': clearedSessionCookie(overTls(request), CITIZEN_SESSION_COOKIE) });
      });
    if (endpoint === 'accesses' && method === 'GET')
      return run(false, async (session) => {
        const parameter = (name: string) => url.searchParams.get(name);
        const first = parameter('first');
        const page = await trail.citizenAccess(session.nationalId, {
          from: parameter('from'),
          to: parameter('to'),
          agencyCode: parameter('agency'),
          purpose: parameter('purpose'),
          after: parameter('after'),
          ...(first !== null ? { first: /^\d{1,4}$/.test(first) ? Number(first) : -1 } : {}),
        });
        const unitName = (code: string | null) => (code === null ? null : options.agencyName(code));
        sendJson(response, 200, {
          accesses: page.nodes.map((access) => accessView(access, options.labels, unitName)),
          pageInfo: page.pageInfo,
          // The keys the page checks each proof with: the ones pinned in the configuration.
          trust: options.proofTrust?.() ?? null,
        });
      });
    if (endpoint === 'copy' && method === 'GET')
      return run(false, async (session) => {
        const copy = await options.copy(session.nationalId);
        // ?download=json: the same copy as a file the browser saves.
        const download = url.searchParams.get('download') === 'json';
        const file = `ban-sao-du-lieu-${copy.takenAt.slice(0, 10)}.json`;
        sendJson(response, 200, { ...copy } as Json, download ? { 'content-disposition': `attachment; filename="${file}"` } : {});
      });
    if (endpoint === 'notifications' && method === 'GET')
      return run(false, async (session) => sendJson(response, 200, { notify: await options.notifications.preference(session.nationalId) }));
    if (endpoint === 'notifications' && method === 'POST')
      return run(true, async (session) => {
        const body = await readJson(request, MAX_REQUEST_BYTES);
        if (typeof body.notify !== 'boolean') throw badInput('"notify" must be true or false');
        sendJson(response, 200, { notify: await options.notifications.choose(session.nationalId, body.notify) });
      });
    if (endpoint === 'requests' && method === 'GET')
      return run(false, async (session) => sendJson(response, 200, { requests: await requests.of(session.nationalId) }));
    if (endpoint === 'requests' && method === 'POST')
      return run(true, async (session) => {
        const body = await readJson(request, MAX_REQUEST_BYTES);
        const created = await requests.create(session.nationalId, {
          kind: String(body.kind ?? ''),
          message: String(body.message ?? ''),
          recordReference: body.recordReference === undefined || body.recordReference === null ? null : String(body.recordReference),
          concerns: body.concerns === undefined || body.concerns === null ? null : String(body.concerns),
        });
        sendJson(response, 201, { request: created });
      });
    sendError(response, 404, ErrorCode.NOT_FOUND, `No citizen endpoint at ${url.pathname.slice(0, 200)}`);
    return true;
  };
  const route: PlainRoute = (request, response, url) => {
    const method = request.method ?? 'GET';
    if (url.pathname === '/citizen/sign-in' && method === 'GET') {
      const elsewhere = signIn.elsewhere(request);
      if (elsewhere !== null) {
        redirect(response, elsewhere, []);
        return true;
      }
      signIn
        .start(request)
        .then(({ location, pending, maxAgeSeconds }) => redirect(response, location, [citizenPendingCookie(pending, maxAgeSeconds, overTls(request))]))
        .catch(fail(response));
      return true;
    }
    if (url.pathname === CALLBACK_PATH && method === 'GET') {
      signIn
        .finish(request, url, readSessionCookie(request.headers.cookie, PENDING_COOKIE))
        .then(async (nationalId) => {
          const opened = await sessions.open(nationalId);
          const maxAge = (Date.parse(opened.session.expiresAt) - Date.parse(opened.session.createdAt)) / 1000;
          logger.info('citizen signed in');
          redirect(response, '/citizen', [
            sessionCookie(opened.token, maxAge, overTls(request), CITIZEN_SESSION_COOKIE),
            citizenPendingCookie('', 0, overTls(request)),
          ]);
        })
        .catch(fail(response));
      return true;
    }
    if (url.pathname === DEV_PROVIDER_PATH || url.pathname.startsWith(`${DEV_PROVIDER_PATH}/`)) {
      signIn
        .devProvider(request)
        .then((provider) => {
          if (provider) provider.handle(request, response, url);
          else sendError(response, 404, ErrorCode.NOT_FOUND, "This gateway signs citizens in through the province's identity provider");
        })
        .catch(fail(response));
      return true;
    }
    if (url.pathname.startsWith('/citizen/api/')) return api(request, response, url, method);
    return false;
  };
  return [route];
}
