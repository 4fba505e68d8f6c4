import { AuditUnavailableError } from './errors';

/** Given a promise, a time limit and a message, returns the promise's outcome, or rejects with AUDIT_UNAVAILABLE once the time is up. */
export function within<T>(promise: Promise<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AuditUnavailableError(message)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Given an error, returns it as an AuditUnavailableError (code AUDIT_UNAVAILABLE), keeping it as the cause. */
export function unavailable(error: unknown, message = 'The audit store cannot be written: the request cannot be recorded'): AuditUnavailableError {
  return error instanceof AuditUnavailableError ? error : new AuditUnavailableError(message, error);
}
