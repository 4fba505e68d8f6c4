import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Logger } from 'pino';
import { ErrorCode } from './errors';

/** The largest request body accepted; GraphQL operations are small, and a bound keeps memory bounded. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A GraphQL endpoint at a path, with how to build its per-request context from the HTTP request and raw body. */
export interface GraphQLRoute<Context extends BaseContext = BaseContext> {
  path: string;
  server: ApolloServer<Context>;
  context(request: IncomingMessage, rawBody: string): Promise<Context>;
}

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
  ) {
    super(message);
  }
}

/** Given a status, a stable code and a message, writes a GraphQL-shaped JSON error: never HTML, never a stack. */
function writeError(response: ServerResponse, status: number, code: string, message: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body over ${MAX_BODY_BYTES} bytes`));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body over ${MAX_BODY_BYTES} bytes`));
        request.destroy();
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
 * hands each route the raw body (what a signature covers).
 */
export async function startHttpServer(
  routes: Array<GraphQLRoute<any>>,
  listen: { port: number; host: string },
  logger: Logger,
  plainRoutes: readonly PlainRoute[] = [],
): Promise<HttpServerHandle> {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  const httpServer = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (plainRoutes.some((route) => route(request, response, url))) return;
    const route = byPath.get(url.pathname);
    if (!route) {
      writeError(response, 404, ErrorCode.NOT_FOUND, `No GraphQL endpoint at ${url.pathname}; try ${[...byPath.keys()].join(' or ')}`);
      return;
    }
    handle(route, request, response, url).catch((error: unknown) => {
      if (error instanceof HttpError) {
        writeError(response, error.status, error.code, error.message);
        return;
      }
      logger.error({ err: error }, 'request failed');
      if (!response.headersSent) writeError(response, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
      else response.end();
    });
  });
  // Longer than the gateway's idle keep-alive, so a pooled connection is not closed under a request.
  httpServer.keepAliveTimeout = 65_000;

  for (const route of routes) route.server.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await Promise.all(routes.map((route) => route.server.start()));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    baseUrl: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}/`,
    httpServer,
    stop: async () => {
      await Promise.all(routes.map((route) => route.server.stop()));
    },
  };
}

async function handle(route: GraphQLRoute<any>, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const rawBody = await readBody(request);
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
  const result = await route.server.executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context: () => route.context(request, rawBody),
  });
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}
