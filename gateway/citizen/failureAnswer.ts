import type { ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import { sendError } from '../console/consoleRoutes';
import { REFUSAL_STATUS } from '../store/errors';

/** What a client is told of: every refusal, with its status, and the outages that pass; every other failure is the server's. */
const STATUS: Readonly<Record<string, number>> = {
  ...REFUSAL_STATUS,
  AUDIT_UNAVAILABLE: 503,
  IDENTITY_PROVIDER_UNAVAILABLE: 503,
};

/**
 * Given the logger and what failed, returns the answer to a failure of a JSON route: a refusal with its code and
 * status, any other failure as a bare 500 whose cause goes to the log only.
 */
export function failureAnswer(logger: Logger, what: string): (response: ServerResponse) => (error: unknown) => void {
  return (response) => (error) => {
    const code = error instanceof GraphQLError ? String(error.extensions.code ?? '') : '';
    const status = STATUS[code];
    if (status !== undefined) {
      if (status >= 500) logger.warn({ err: (error as GraphQLError).originalError ?? error, code }, what);
      sendError(response, status, code, (error as Error).message);
      return;
    }
    logger.error({ err: error }, what);
    if (!response.headersSent) sendError(response, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
