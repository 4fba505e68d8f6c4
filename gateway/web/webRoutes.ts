import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PlainRoute } from '../../common/httpServer';
import { ErrorCode } from '../../common/errors';
import { corsRoute } from './cors';
import type { DemoKey } from './demoCredentials';
import type { PlatformStatus } from './status';
import type { BuiltFile, WebBuild, WebPage } from './webBuild';

/**
 * What the pages may load: only this origin. Inline styles are allowed because the editor (Monaco) positions
 * its elements with style attributes; fonts may also be data: URLs, as GraphiQL's stylesheet embeds its icons.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed assets never change under their name; pages are checked on every visit, so a new build shows at once. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface WebRoutesOptions {
  /** The built web apps; null when `npm run build:web` has not run. */
  build: WebBuild | null;
  /** Origins whose pages may call the API (CORS_ORIGINS); empty: same origin only. */
  corsOrigins: readonly string[];
  status(): Promise<PlatformStatus>;
  /** The demo agencies' public keys, outside production and once seeded; null otherwise. */
  demoKeys(): DemoKey[] | null;
  logger: Logger;
}

function send(request: IncomingMessage, response: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('x-content-type-options', 'nosniff');
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendJson(request: IncomingMessage, response: ServerResponse, status: number, value: unknown): void {
  send(request, response, status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, JSON.stringify(value));
}

function sendPage(request: IncomingMessage, response: ServerResponse, build: WebBuild | null, page: WebPage): void {
  if (!build) {
    sendJson(request, response, 503, {
      errors: [{ message: 'The web apps are not built on this gateway: run `npm run build:web`', extensions: { code: ErrorCode.WEB_NOT_BUILT } }],
    });
    return;
  }
  const file = build.pages[page];
  send(
    request,
    response,
    200,
    { 'content-type': file.contentType, 'cache-control': 'no-cache', 'content-security-policy': CONTENT_SECURITY_POLICY, 'referrer-policy': 'no-referrer' },
    file.body,
  );
}

function sendAsset(request: IncomingMessage, response: ServerResponse, file: BuiltFile | undefined, pathname: string): void {
  if (!file) {
    sendJson(request, response, 404, { errors: [{ message: `No file at ${pathname.slice(0, 200)}`, extensions: { code: ErrorCode.NOT_FOUND } }] });
    return;
  }
  send(request, response, 200, { 'content-type': file.contentType, 'cache-control': IMMUTABLE }, file.body);
}

/** Given a request's Accept header, tells whether it is a browser asking for a page rather than a client asking for data. */
export function wantsPage(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const html = types.indexOf('text/html');
  const json = types.findIndex((type) => type === 'application/json' || type === 'application/graphql-response+json');
  return html !== -1 && (json === -1 || html < json);
}

/**
 * Given the build, the CORS origins and how to read the platform's status, returns the gateway's plain routes:
 * CORS on every request; GET / the landing page; GET /graphql from a browser (Accept: text/html) the explorer,
 * while API requests to /graphql go on to the GraphQL endpoint unchanged; /assets/<name> the build's files;
 * GET /status the version and health as JSON; GET /demo-keys the demo agencies' public keys, where they exist.
 */
export function webRoutes(options: WebRoutesOptions): PlainRoute[] {
  const { build } = options;
  const pages: PlainRoute = (request, response, url) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (url.pathname === '/') {
      sendPage(request, response, build, 'home');
      return true;
    }
    if (url.pathname === '/console' || url.pathname === '/console/') {
      sendPage(request, response, build, 'console');
      return true;
    }
    // The citizens' page; POST /citizen stays the tracker's GraphQL endpoint.
    if (
      (url.pathname === '/citizen' || url.pathname === '/citizen/') &&
      (method === 'HEAD' || url.pathname === '/citizen/' || wantsPage(request.headers.accept))
    ) {
      sendPage(request, response, build, 'citizen');
      return true;
    }
    if (url.pathname === '/graphql' && wantsPage(request.headers.accept)) {
      sendPage(request, response, build, 'explorer');
      return true;
    }
    if (url.pathname.startsWith('/assets/')) {
      sendAsset(request, response, build?.assets.get(url.pathname), url.pathname);
      return true;
    }
    if (url.pathname === '/demo-keys') {
      const keys = options.demoKeys();
      if (keys === null)
        sendJson(request, response, 404, { errors: [{ message: 'This gateway has no demo agencies', extensions: { code: ErrorCode.NOT_FOUND } }] });
      else sendJson(request, response, 200, { keys });
      return true;
    }
    if (url.pathname === '/status') {
      options.status().then(
        (status) => sendJson(request, response, status.healthy ? 200 : 503, status),
        (error: unknown) => {
          options.logger.error({ err: error }, 'status failed');
          sendJson(request, response, 500, { errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
        },
      );
      return true;
    }
    return false;
  };
  return [corsRoute(options.corsOrigins), pages];
}
