import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Logger } from 'pino';
import type { HttpLimits } from './config';
import { ErrorCode } from './errors';
import { limitConnectionsPerClient } from './connectionLimit';
import type { ServerTls } from './tls';
import { clientCertificateRefusal } from './tls';
import { REQUEST_ID_HEADER, acceptedRequestId } from './requestId';
import type { RouteShortcut } from './subgraphShortcut';

/**
 * The bounds of a server that only the gateway calls (a subgraph): GraphQL operations are small, and the
 * gateway's keep-alive pool must find its connections open (longer than its own idle timeout), so no bound
 * on connections per client, which is the gateway itself.
 */
export const BEHIND_GATEWAY_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxBodyBytes: 1024 * 1024,
  maxConnectionsPerClient: null,
};

/** How a request ended, as the HTTP server tells its owner: for an audit of every request. */
export interface RequestAnswer {
  arrivedAt: Date;
  /** The request's id (X-Request-Id), as the answer carries it. */
  requestId: string;
  /** Milliseconds from the request's arrival to its answer's end, on a monotonic clock. */
  elapsedMs: number;
  /** The route's path, or null when no route answers there. */
  route: string | null;
  status: number;
  /** The code of the answer's first error, read from its body when asked; null for an answer without errors. */
  errorCode(): string | null;
}

export interface HttpServerOptions {
  port: number;
  host: string;
  /** Timeouts, body size and connections; BEHIND_GATEWAY_LIMITS when left out. */
  limits?: HttpLimits;
  /** Told of every request once its answer is sent, whoever answered it (this server or a route). */
  onAnswered?(request: IncomingMessage, answer: RequestAnswer): void;
  /** Serve https; with a client CA, the GraphQL routes answer only callers whose certificate verifies. */
  tls?: ServerTls | null;
}

/** A GraphQL endpoint at a path, with how to build its per-request context from the HTTP request and raw body. */
export interface GraphQLRoute<Context extends BaseContext = BaseContext> {
  path: string;
  server: ApolloServer<Context>;
  context(request: IncomingMessage, rawBody: string): Promise<Context>;
  /** Answers what it can before Apollo Server, with the same context; null leaves the request to Apollo Server. */
  shortcut?: RouteShortcut<Context>;
}

/** A route of any context type: routes of one server each build their own context (gateway, stewards, citizens). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a route's context type varies with the route; each route is typed where it is made
export type AnyGraphQLRoute = GraphQLRoute<any>;

/**
 * A route answered before the GraphQL endpoints (static files, pages, CORS): returns true when it has answered
 * the request, false to let the next route or the GraphQL endpoint answer it (it may have set headers).
 */
export type PlainRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean;

export interface HttpServerHandle {
  /** Base URL, such as http://127.0.0.1:4000/. */
  baseUrl: string;
  httpServer: http.Server;
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request was not read to its end: the connection cannot carry another one. */
    readonly closes = false,
  ) {
    super(message);
  }
}

/** Given a stable code, a message and other extensions, returns a GraphQL-shaped JSON error body: never HTML, never a stack. */
function errorBody(code: string, message: string, extensions: Record<string, string> = {}): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
}

/** Given a status, a stable code, a message and other extensions, writes the error and returns its body. */
function writeError(response: ServerResponse, status: number, code: string, message: string, extensions: Record<string, string> = {}): string {
  const body = errorBody(code, message, extensions);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(body);
  return body;
}

/** Given a status, a code and a message, returns a whole HTTP response for a socket no request object owns. */
function rawErrorResponse(status: number, code: string, message: string): string {
  const body = errorBody(code, message);
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Given the code of a JSON error body, or null: reads `errors[0].extensions.code`. */
function firstErrorCode(body: string): string | null {
  try {
    const code = (JSON.parse(body) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/** Given the server's TLS (or none), its options and its listener, returns an http server, or an https one over TLS. */
function createServer(tls: ServerTls | null, options: http.ServerOptions, listener: http.RequestListener): http.Server {
  // Node's https server is an http server over TLS sockets: the same events, options and drain.
  return tls ? (https.createServer({ ...options, ...tls.options }, listener) as unknown as http.Server) : http.createServer(options, listener);
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is over ${maxBytes} bytes`, true);
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(tooLarge());
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Nothing more is read; the answer closes the connection (HttpError.closes), so the rest is never parsed.
        request.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseBody(request: IncomingMessage, rawBody: string): unknown {
  if (request.method !== 'POST') return undefined;
  const contentType = String(request.headers['content-type'] ?? '');
  // Anything but JSON is left to Apollo Server, whose CSRF prevention answers it with a clear 400.
  if (!/^application\/(graphql-response\+)?json/i.test(contentType)) return rawBody;
  if (rawBody === '') throw new HttpError(400, ErrorCode.BAD_REQUEST, 'The request body is empty: send a JSON object with "query"');
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new HttpError(400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON');
  }
}

/**
 * Given GraphQL routes, serves them over one Node HTTP server and returns its base URL. It replaces
 * Apollo's standalone server, whose body parser answers malformed JSON with an HTML stack trace, and it
 * hands each route the raw body (what a signature covers). A client that sends its headers or its request too
 * slowly is answered 408 and disconnected; one with too many connections open is refused the next (429).
 */
export async function startHttpServer(
  routes: AnyGraphQLRoute[],
  options: HttpServerOptions,
  logger: Logger,
  plainRoutes: readonly PlainRoute[] = [],
): Promise<HttpServerHandle> {
  const limits = options.limits ?? BEHIND_GATEWAY_LIMITS;
  const byPath = new Map(routes.map((route) => [route.path, route]));
  const tls = options.tls ?? null;
  const httpServer = createServer(
    tls,
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above at this interval: 30 s by default, which lets a slow client stay that much longer.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (request, response) => {
      const arrivedAt = new Date();
      const started = performance.now();
      const requestId = acceptedRequestId(request.headers[REQUEST_ID_HEADER]);
      requestIds.set(request, requestId);
      response.setHeader(REQUEST_ID_HEADER, requestId);
      const url = new URL(request.url ?? '/', 'http://localhost');
      // Plain routes (pages, files, CORS, health, readiness) are answered before the GraphQL routes, and carry no
      // data of anyone's: they are not audited.
      if (plainRoutes.some((plain) => plain(request, response, url))) return;
      const route = byPath.get(url.pathname);
      let errorBody: string | null = null;
      const fail = (status: number, code: string, message: string) => {
        errorBody = writeError(response, status, code, message);
      };
      if (options.onAnswered) {
        const onAnswered = options.onAnswered;
        // 'close' comes after the answer is sent, and also when the client went away before it was.
        response.once('close', () =>
          onAnswered(request, {
            arrivedAt,
            requestId,
            elapsedMs: performance.now() - started,
            route: route?.path ?? null,
            status: response.statusCode,
            errorCode: () => {
              const body = errorBody ?? answeredBodies.get(response);
              return body === undefined ? null : firstErrorCode(body);
            },
          }),
        );
      }
      const refused = tls?.requireClientCertificate ? clientCertificateRefusal(request) : null;
      if (refused !== null) {
        logger.warn({ reason: refused, remote: request.socket.remoteAddress }, 'refused a caller without a verified client certificate');
        errorBody = writeError(response, 401, ErrorCode.UNAUTHENTICATED, `Mutual TLS is required here: ${refused}`, { reason: refused });
        return;
      }
      if (!route) {
        fail(404, ErrorCode.NOT_FOUND, `No GraphQL endpoint at ${url.pathname}; try ${[...byPath.keys()].join(' or ')}`);
        return;
      }
      handle(route, request, response, url, limits.maxBodyBytes).catch((error: unknown) => {
        if (error instanceof HttpError) {
          if (error.closes) response.setHeader('connection', 'close');
          fail(error.status, error.code, error.message);
          return;
        }
        logger.error({ err: error }, 'request failed');
        if (!response.headersSent) fail(500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
        else response.end();
      });
    },
  );
  // A request whose headers or body did not arrive in time: a JSON answer rather than Node's bare 408.
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, ErrorCode.REQUEST_TIMEOUT, `The request did not arrive within ${limits.requestTimeoutMs} ms (headers within ${limits.headersTimeoutMs} ms)`]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, ErrorCode.BAD_REQUEST, 'The request headers are too large']
          : [400, ErrorCode.BAD_REQUEST, 'The request is not valid HTTP'];
    socket.end(rawErrorResponse(status, code, message));
  });
  if (limits.maxConnectionsPerClient !== null) {
    limitConnectionsPerClient(httpServer, limits.maxConnectionsPerClient, (socket, first) => {
      if (first) logger.warn({ remote: socket.remoteAddress, limit: limits.maxConnectionsPerClient }, 'refusing connections over the per-client limit');
      // What the client sends is read and dropped; the client closes once it has the answer, or the server does.
      socket.resume();
      socket.setTimeout(limits.headersTimeoutMs, () => socket.destroy());
      socket.end(
        rawErrorResponse(429, ErrorCode.TOO_MANY_CONNECTIONS, `Too many connections from one client: at most ${limits.maxConnectionsPerClient} at once`),
      );
    });
  }

  for (const route of routes) route.server.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await Promise.all(routes.map((route) => route.server.start()));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    baseUrl: `${tls ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`,
    httpServer,
    stop: async () => {
      await Promise.all(routes.map((route) => route.server.stop()));
    },
  };
}

/** Each request's id, as the server accepted or made it. */
const requestIds = new WeakMap<IncomingMessage, string>();

/** Given a request this module's server received, returns its id (X-Request-Id): accepted from the client when well formed, else made. */
export function requestIdOf(request: IncomingMessage): string {
  return requestIds.get(request) ?? acceptedRequestId(undefined);
}

/** The bodies of the error answers Apollo Server wrote, read only when RequestAnswer.errorCode asks. */
const answeredBodies = new WeakMap<ServerResponse, string>();

async function handle(route: AnyGraphQLRoute, request: IncomingMessage, response: ServerResponse, url: URL, maxBodyBytes: number): Promise<void> {
  const rawBody = await readBody(request, maxBodyBytes);
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: (request.method ?? 'GET').toUpperCase(),
    headers,
    search: url.search,
    body: parseBody(request, rawBody),
  };
  // Made once per request: a shortcut that declines leaves Apollo Server the same context, or the same refusal.
  let made: Promise<BaseContext> | undefined;
  const context = () => (made ??= route.context(request, rawBody));
  const result =
    (route.shortcut ? await route.shortcut(httpGraphQLRequest, context) : null) ??
    (await route.server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context }));
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    // Only an error answer's code may be wanted; a success body is never kept.
    if (response.statusCode >= 400) answeredBodies.set(response, result.body.string);
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}
