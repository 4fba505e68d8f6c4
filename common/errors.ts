import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';

/** Stable error codes a client can rely on, in `extensions.code`: the README's table of errors, in code. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  RATE_LIMITED: 'RATE_LIMITED',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  AGENCY_DEACTIVATED: 'AGENCY_DEACTIVATED',
  FOUR_EYES_REQUIRED: 'FOUR_EYES_REQUIRED',
  OUTSIDE_STEWARD_QUEUE: 'OUTSIDE_STEWARD_QUEUE',
  PURPOSE_REQUIRED: 'PURPOSE_REQUIRED',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  IDENTITY_PROVIDER_UNAVAILABLE: 'IDENTITY_PROVIDER_UNAVAILABLE',
  MASK_NOT_APPLICABLE: 'MASK_NOT_APPLICABLE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  SUBGRAPH_TIMEOUT: 'SUBGRAPH_TIMEOUT',
  SUBGRAPH_AUTHENTICATION_FAILED: 'SUBGRAPH_AUTHENTICATION_FAILED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  WEB_NOT_BUILT: 'WEB_NOT_BUILT',
  OPERATION_MANIFEST_INVALID: 'OPERATION_MANIFEST_INVALID',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_REGISTRATION_REFUSED: 'PERSISTED_QUERY_REGISTRATION_REFUSED',
  LEGAL_BASIS_NOT_IN_REGISTER: 'LEGAL_BASIS_NOT_IN_REGISTER',
  LEGAL_BASIS_REPLACED: 'LEGAL_BASIS_REPLACED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Given what is wrong with an argument, returns the error a client sees (code BAD_USER_INPUT). */
export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argumentName ? { argumentName } : {}) },
  });
}

/** Driver error codes meaning "the database cannot be reached", as opposed to a bug in a query. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_CON_COUNT_ERROR',
  'SQLITE_CANTOPEN',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
]);

/** Given any error thrown below a resolver, tells whether it means the database is out of reach. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (name === 'KnexTimeoutError') return true;
  return typeof message === 'string' && /connect|pool is probably full|database connection is not open|cannot open database/i.test(message);
}

/**
 * What every Apollo Server of the platform validates with: no "Did you mean …" in messages, which would name
 * fields, types and values the caller did not write (maskError removes any that another step adds).
 */
export const VALIDATION_OPTIONS = { hideSuggestions: true } as const;

/** graphql-js appends its suggestions at the end of a message: "… Did you mean "a" or "b"?". */
const SUGGESTION = /\s*Did you mean [\s\S]*\?\s*$/;

/** The message graphql-js's parser aborts with past its maxTokens (parse options); graphql 16 writes "more that". */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/** Given an error, tells whether it or an error behind it is the engine's stack overflow (a RangeError). */
function overflowedStack(error: unknown, depth = 0): boolean {
  if (error instanceof RangeError) return true;
  const behind = error instanceof GraphQLError ? error.originalError : undefined;
  return behind !== undefined && depth < 3 && overflowedStack(behind, depth + 1);
}

/**
 * Given a formatted client error (one with a deliberate code) and the error behind it, returns it as the client
 * sees it: a validation rule's own code (Apollo Server labels every rule's error GRAPHQL_VALIDATION_FAILED) is
 * kept; the parser's token bound reads as the QUERY_TOO_COMPLEX limit it is; suggestions are removed.
 */
function clientError(formatted: GraphQLFormattedError, extensions: Record<string, unknown>, original: unknown): GraphQLFormattedError {
  const inner = extensions.code === ErrorCode.GRAPHQL_VALIDATION_FAILED && original instanceof GraphQLError ? original.originalError : undefined;
  const ruleCode = inner instanceof GraphQLError ? inner.extensions.code : undefined;
  if (typeof ruleCode === 'string') return { ...formatted, extensions: { ...extensions, code: ruleCode } };
  // A document nested deeper than the parser's recursion goes (fewer tokens than the bound, each one an opening
  // brace, parenthesis or bracket) ends the parse with the engine's stack overflow: a limit, not a syntax error.
  if (extensions.code === ErrorCode.GRAPHQL_PARSE_FAILED && overflowedStack(original)) {
    return {
      message: 'The document is too complex: it is nested too deeply to be read',
      extensions: { ...extensions, code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'nesting' },
    };
  }
  const tokens = extensions.code === ErrorCode.GRAPHQL_PARSE_FAILED ? TOKEN_LIMIT.exec(formatted.message) : null;
  if (tokens) {
    const maximum = Number(tokens[1]);
    return {
      message: `The document is too complex: it has more than ${maximum} tokens, the limit (QUERY_MAX_TOKENS)`,
      extensions: { ...extensions, code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'tokens', maximum },
    };
  }
  return { ...formatted, message: formatted.message.replace(SUGGESTION, ''), extensions };
}

/**
 * Given the error behind a formatted one, returns the 4xx status of a client error that names no code of its own
 * (Apollo Server refuses a persisted query of another version, or a hash that is not the query's, so), or null.
 */
function uncodedClientStatus(original: unknown): number | null {
  if (!(original instanceof GraphQLError) || original.originalError !== undefined) return null;
  const status = (original.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/**
 * Given a formatted error and the error behind it, returns what a client may see: errors that carry a
 * deliberate code (ours, GraphQL validation, a subgraph's) pass through, without suggestions (clientError); a
 * database outage becomes DATABASE_UNAVAILABLE naming the sector; anything else becomes a bare
 * INTERNAL_SERVER_ERROR, so no SQL, stack or secret leaves the process. The subgraph that answered, when
 * known, stays named.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown, sector: string, report: (error: unknown) => void): GraphQLFormattedError {
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  const code = extensions.code;
  if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) return clientError(formatted, extensions, original);
  // A client error without a code is the client's, not the server's: it keeps its message and reads BAD_REQUEST.
  if (uncodedClientStatus(original) !== null) return { message: formatted.message, extensions: { ...extensions, code: ErrorCode.BAD_REQUEST } };
  const cause = original instanceof GraphQLError && original.originalError ? original.originalError : original;
  const where = formatted.path ? { path: formatted.path } : {};
  const serviceName = typeof extensions.serviceName === 'string' ? { serviceName: extensions.serviceName } : {};
  report(cause);
  if (isDatabaseUnavailable(cause)) {
    return {
      message: `The ${sector} database is unavailable`,
      ...where,
      extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, sector, ...serviceName },
    };
  }
  return { message: 'Internal server error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...serviceName } };
}
