import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../common/errors';

/** Codes that say the request itself is wrong, whatever step raised them. */
const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.QUERY_TOO_COMPLEX,
]);

/**
 * Given the HTTP status Apollo Server chose for an answer without data and its errors, returns the status to
 * send: 400 in place of the 500 Apollo Server gives an error raised without a status before execution, when
 * every error says the request is wrong; the status unchanged otherwise.
 */
export function clientErrorStatus(status: number | undefined, errors: readonly GraphQLFormattedError[]): number | undefined {
  if (status !== 500 || errors.length === 0) return status;
  return errors.every((error) => CLIENT_ERROR_CODES.has(String(error.extensions?.code))) ? 400 : status;
}

/** Applies clientErrorStatus to every answer without data. */
export function clientErrorStatusPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.data !== undefined) return;
          response.http.status = clientErrorStatus(response.http.status, response.body.singleResult.errors ?? []);
        },
      };
    },
  };
}
