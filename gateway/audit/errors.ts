import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';

/** The code a client reads when its request cannot be recorded, and so is not answered. */
export const AUDIT_UNAVAILABLE = ErrorCode.AUDIT_UNAVAILABLE;

/**
 * A record that could not be made durable in time: the store is unreachable, slow, or the log is not running.
 * The gateway fails closed on it (HTTP 503): a response that is not recorded is not sent.
 */
export class AuditUnavailableError extends GraphQLError {
  constructor(message: string, cause?: unknown) {
    super(message, { extensions: { code: AUDIT_UNAVAILABLE, http: { status: 503 } }, originalError: cause instanceof Error ? cause : undefined });
    this.name = 'AuditUnavailableError';
  }
}

/** The trail found at start does not continue its last signed checkpoint: it was cut, rolled back or rewritten. */
export class AuditIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditIntegrityError';
  }
}
