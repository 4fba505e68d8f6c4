import type { BaseContext, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { OperationTypeNode, execute, getOperationAST, getVariableValues } from 'graphql';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { DocumentCache } from './documentCache';
import { ErrorCode } from './errors';

/**
 * Answers a request before Apollo Server does, or returns null to let Apollo Server answer it. The context is
 * the route's, made once per request: a shortcut that made it and declines leaves it to Apollo Server as it is.
 */
export type RouteShortcut<Context extends BaseContext> = (request: HTTPGraphQLRequest, context: () => Promise<Context>) => Promise<HTTPGraphQLResponse | null>;

export interface SubgraphShortcutOptions {
  /** The schema Apollo Server serves, field masks included. */
  schema: GraphQLSchema;
  /** Apollo Server's formatError, applied to each error as Apollo Server applies it. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  cache?: DocumentCache;
}

/** A request body the shortcut serves: an operation, its variables and its name, and nothing else. */
interface OperationBody {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

/** The one type Apollo Server answers a single result with when no Accept header or a JSON one is sent. */
const APPLICATION_JSON = 'application/json; charset=utf-8';
/**
 * What Apollo Server's cache control sets on every executed operation of a schema without cache hints (no
 * subgraph declares @cacheControl): an answer a cache must not keep.
 */
const UNCACHEABLE = 'no-store';
/** Accept headers for which Apollo Server's negotiation picks APPLICATION_JSON: what gateways send. */
const JSON_ACCEPTS = new Set(['application/json', '*/*', 'application/json, */*', 'application/json,*/*']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Given a request, returns its operation when it is a JSON POST that Apollo Server's checks (CSRF, method, body,
 * batching, content negotiation) would pass as they stand, and null for anything else: Apollo Server then
 * answers it, with its own errors.
 */
function operationBody(request: HTTPGraphQLRequest): OperationBody | null {
  if (request.method !== 'POST') return null;
  if (request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() !== 'application/json') return null;
  const accept = request.headers.get('accept');
  if (accept !== undefined && !JSON_ACCEPTS.has(accept.trim().toLowerCase())) return null;
  const body = request.body;
  if (!isPlainObject(body) || typeof body.query !== 'string') return null;
  for (const key of Object.keys(body)) if (key !== 'query' && key !== 'variables' && key !== 'operationName') return null;
  const { variables, operationName } = body;
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  return { query: body.query, variables: variables ?? undefined, operationName: operationName ?? undefined };
}

/** What an error's extensions.http may set on the answer, as Apollo Server reads it. */
interface HttpHead {
  status?: number;
  headers?: Map<string, string>;
}

function isHttpHead(value: unknown): value is HttpHead {
  return isPlainObject(value) && (!('status' in value) || typeof value.status === 'number') && (!('headers' in value) || value.headers instanceof Map);
}

/**
 * Given an execution's errors and formatError, returns them formatted as Apollo Server formats them (a code,
 * INTERNAL_SERVER_ERROR when the error has none; no stack; extensions.http taken out and applied to the answer),
 * with the status and headers they set.
 */
function formatErrors(
  errors: readonly GraphQLError[],
  formatError: SubgraphShortcutOptions['formatError'],
): { formatted: GraphQLFormattedError[]; status: number | undefined; headers: Map<string, string> } {
  let status: number | undefined;
  const headers = new Map<string, string>();
  const formatted = errors.map((error) => {
    try {
      const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR };
      if (isHttpHead(extensions.http)) {
        if (extensions.http.status !== undefined) status = extensions.http.status;
        for (const [name, value] of extensions.http.headers ?? []) headers.set(name, value);
        delete extensions.http;
      }
      return formatError({ ...error.toJSON(), extensions }, error);
    } catch {
      return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
  });
  return { formatted, status, headers };
}

/** Given an execution's result and formatError, returns the HTTP answer Apollo Server gives it. */
function answerOf(result: ExecutionResult, formatError: SubgraphShortcutOptions['formatError']): HTTPGraphQLResponse {
  const headers = new HeaderMap([
    ['cache-control', UNCACHEABLE],
    ['content-type', APPLICATION_JSON],
  ]);
  if (!result.errors?.length) {
    return { status: undefined, headers, body: { kind: 'complete', string: `${JSON.stringify({ data: result.data, extensions: result.extensions })}\n` } };
  }
  const { formatted, status, headers: fromErrors } = formatErrors(result.errors, formatError);
  for (const [name, value] of fromErrors) headers.set(name, value);
  return {
    status,
    headers,
    body: { kind: 'complete', string: `${JSON.stringify({ errors: formatted, data: result.data, extensions: result.extensions })}\n` },
  };
}

/**
 * Given a subgraph's schema and its formatError, returns a shortcut that executes a query with graphql-js over a
 * document parsed and validated once per query text (a bounded cache), with the route's own context (the
 * gateway's signature checked, the per-request loaders), and answers as Apollo Server would. Whatever it is not
 * sure to answer alike it leaves to Apollo Server before anything executes: other methods, bodies and media types
 * (before the context is made), a context that refuses the request, then, with the context made and handed on,
 * documents that fail to parse or validate or ask for introspection, operations other than a query and variables
 * that do not coerce.
 */
export function subgraphShortcut<Context extends BaseContext>(options: SubgraphShortcutOptions): RouteShortcut<Context> {
  const { schema, formatError } = options;
  const cache = options.cache ?? new DocumentCache();
  return async (request, context) => {
    const body = operationBody(request);
    if (body === null) return null;
    // The signature first, as Apollo Server checks it: nothing of an unsigned request is parsed or cached.
    let contextValue: Context;
    try {
      contextValue = await context();
    } catch {
      return null;
    }
    const document = cache.documentOf(schema, body.query);
    if (document === null) return null;
    const operation = getOperationAST(document, body.operationName);
    if (operation?.operation !== OperationTypeNode.QUERY) return null;
    if (getVariableValues(schema, operation.variableDefinitions ?? [], body.variables ?? {}).errors) return null;
    const result = await execute({ schema, document, contextValue, variableValues: body.variables, operationName: body.operationName });
    return answerOf(result, formatError);
  };
}
