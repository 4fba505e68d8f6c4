import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request headers the platform reads, and so the only ones a preflight allows. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-purpose', 'x-user-id', 'x-officer-unit', 'x-dossier-id'] as const;
export const CORS_ALLOWED_METHODS = ['GET', 'POST'] as const;
/** How long a browser may keep a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** What the CORS policy makes of one request: nothing (no Origin, or same-origin), refused, a preflight, or a simple request. */
export type CorsVerdict =
  | { kind: 'NOT_CORS' }
  | { kind: 'REFUSED'; origin: string }
  | { kind: 'PREFLIGHT'; headers: Record<string, string> }
  | { kind: 'ALLOWED'; headers: Record<string, string> };

/**
 * Given the allowed origins, a request's method and headers and the gateway's own origin, returns the verdict
 * and the headers to answer with. Only listed origins get Access-Control-* headers; credentials travel in
 * Authorization, never cookies, so Access-Control-Allow-Credentials is never sent.
 */
export function corsVerdict(allowed: ReadonlySet<string>, method: string, headers: IncomingMessage['headers'], ownOrigin: string | null): CorsVerdict {
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (origin === undefined || origin === ownOrigin) return { kind: 'NOT_CORS' };
  if (!allowed.has(origin)) return { kind: 'REFUSED', origin };
  const common = { 'access-control-allow-origin': origin, vary: 'Origin' };
  if (method === 'OPTIONS' && typeof headers['access-control-request-method'] === 'string') {
    return {
      kind: 'PREFLIGHT',
      headers: {
        ...common,
        'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
        'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
      },
    };
  }
  return { kind: 'ALLOWED', headers: common };
}

/**
 * Given the allowed origins, returns the route that applies them to every request: a preflight from a listed
 * origin is answered 204; one from any other origin 403 with no Access-Control-* header; a request from a listed
 * origin goes on with the headers that let its page read the answer; one from another origin goes on without
 * them, so its page cannot read it (the browser's same-origin rule).
 */
export function corsRoute(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const host = request.headers.host;
    const verdict = corsVerdict(allowed, request.method ?? 'GET', request.headers, host ? `http://${host}` : null);
    response.setHeader('vary', 'Origin');
    if (verdict.kind === 'PREFLIGHT') {
      for (const [name, value] of Object.entries(verdict.headers)) response.setHeader(name, value);
      response.statusCode = 204;
      response.end();
      return true;
    }
    if (verdict.kind === 'REFUSED' && request.method === 'OPTIONS') {
      response.statusCode = 403;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(
        JSON.stringify({
          errors: [
            {
              message: `Origin ${verdict.origin.slice(0, 100)} is not allowed: ask the platform's operators to list it in CORS_ORIGINS`,
              extensions: { code: 'FORBIDDEN' },
            },
          ],
        }),
      );
      return true;
    }
    if (verdict.kind === 'ALLOWED') for (const [name, value] of Object.entries(verdict.headers)) response.setHeader(name, value);
    return false;
  };
}
