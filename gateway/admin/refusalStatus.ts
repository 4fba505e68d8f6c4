import { GraphQLError } from 'graphql';

/** The HTTP status of a refusal: the request is wrong (400), names what does not exist (404) or clashes with the store (409). */
const REFUSAL_STATUS: Readonly<Record<string, number>> = { BAD_USER_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409 };

/**
 * Given a root field's work, returns its answer, or its refusal with the HTTP status of its code (a 4xx, as the
 * console expects); a refusal that carries its own status keeps it.
 */
export async function answered<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const status = error instanceof GraphQLError ? REFUSAL_STATUS[String(error.extensions.code)] : undefined;
    if (error instanceof GraphQLError && status !== undefined && error.extensions.http === undefined) {
      throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } }, originalError: error });
    }
    throw error;
  }
}
