import { GraphQLError } from 'graphql';
import { refusalStatus } from './store/errors';

/**
 * Given a thrown error, returns it as its client is answered: a refusal that carries no HTTP status yet with the
 * status of its code (store/errors.ts), anything else as it is (a status of its own is kept, an unknown failure
 * stays a 500 for maskError to hide).
 */
export function withRefusalStatus(error: unknown): unknown {
  if (!(error instanceof GraphQLError) || error.extensions.http !== undefined) return error;
  const status = refusalStatus(error.extensions.code);
  if (status === undefined) return error;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } }, originalError: error });
}

/** Given a field's work, returns its answer, or throws its refusal with the HTTP status of its code (withRefusalStatus). */
export function answered<Result>(work: () => Result): Result {
  try {
    const result = work();
    if (!(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      throw withRefusalStatus(error);
    }) as Result;
  } catch (error) {
    throw withRefusalStatus(error);
  }
}

/**
 * Given the resolvers of an API's root fields, returns each answered (answered above): wrapped once, where the API
 * puts its resolver map together, so that no field of it answers a refusal with 200 or 500.
 */
export function answeredFields<Fields extends Record<string, (...args: never[]) => unknown>>(fields: Fields): Fields {
  return Object.fromEntries(
    Object.entries(fields).map(([name, resolve]) => [name, (...args: Parameters<typeof resolve>) => answered(() => resolve(...args))]),
  ) as Fields;
}
