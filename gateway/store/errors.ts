import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';

/** Stable codes of the policy store's refusals, in `extensions.code`. */
export const StoreErrorCode = {
  BAD_USER_INPUT: ErrorCode.BAD_USER_INPUT,
  NOT_FOUND: ErrorCode.NOT_FOUND,
  CONFLICT: ErrorCode.CONFLICT,
  UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
  FORBIDDEN: ErrorCode.FORBIDDEN,
  OPERATION_MANIFEST_INVALID: ErrorCode.OPERATION_MANIFEST_INVALID,
  AGENCY_DEACTIVATED: ErrorCode.AGENCY_DEACTIVATED,
  FOUR_EYES_REQUIRED: ErrorCode.FOUR_EYES_REQUIRED,
  OUTSIDE_STEWARD_QUEUE: ErrorCode.OUTSIDE_STEWARD_QUEUE,
  LEGAL_BASIS_NOT_IN_REGISTER: ErrorCode.LEGAL_BASIS_NOT_IN_REGISTER,
  LEGAL_BASIS_REPLACED: ErrorCode.LEGAL_BASIS_REPLACED,
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/**
 * The HTTP status of each refusal, wherever it is answered (/admin, the self-service, the console's and the
 * citizens' routes): the request is wrong (400; a citation outside the register is a wrong request, not a state
 * of the store), names no one (401), is not the caller's to make (403), names what does not exist (404) or clashes
 * with the store (409). Every code has one: a code added above without its status does not compile.
 */
export const REFUSAL_STATUS: Readonly<Record<StoreErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  OPERATION_MANIFEST_INVALID: 400,
  LEGAL_BASIS_NOT_IN_REGISTER: 400,
  LEGAL_BASIS_REPLACED: 400,
  UNAUTHENTICATED: 401,
  AGENCY_DEACTIVATED: 401,
  FORBIDDEN: 403,
  FOUR_EYES_REQUIRED: 403,
  OUTSIDE_STEWARD_QUEUE: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** Given an error's code, returns the HTTP status of that refusal, or undefined for a code that is no refusal. */
export function refusalStatus(code: unknown): number | undefined {
  return typeof code === 'string' && Object.hasOwn(REFUSAL_STATUS, code) ? REFUSAL_STATUS[code as StoreErrorCode] : undefined;
}

/** A refusal of the policy store: the message says what is wrong, the code is stable, nothing was changed. */
export class StoreError extends GraphQLError {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...details, http: { status: REFUSAL_STATUS[code] } } });
    this.name = 'StoreError';
  }
}

/** Given what is wrong with the input, returns a BAD_USER_INPUT refusal. */
export const badInput = (message: string): StoreError => new StoreError(StoreErrorCode.BAD_USER_INPUT, message);

/** Given what was not found, returns a NOT_FOUND refusal. */
export const notFound = (message: string): StoreError => new StoreError(StoreErrorCode.NOT_FOUND, message);

/** Given what the change would clash with, returns a CONFLICT refusal. */
export const conflict = (message: string): StoreError => new StoreError(StoreErrorCode.CONFLICT, message);

/** A credential that does not let its bearer in (code UNAUTHENTICATED, HTTP 401). The message never quotes a secret. */
export class AuthenticationError extends StoreError {
  constructor(message: string, code: typeof StoreErrorCode.UNAUTHENTICATED | typeof StoreErrorCode.AGENCY_DEACTIVATED = StoreErrorCode.UNAUTHENTICATED) {
    super(code, message);
    this.name = 'AuthenticationError';
  }
}

/** A caller who is known but may not use an endpoint (code FORBIDDEN, HTTP 403). */
export const forbidden = (message: string): StoreError => new StoreError(StoreErrorCode.FORBIDDEN, message);
