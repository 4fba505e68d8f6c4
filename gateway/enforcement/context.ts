import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { AccessContext } from '../../common/accessContext';
import type { SectorName } from '../../common/sectors';
import { ErrorCode } from '../../common/errors';
import type { OperationAdmission } from '../operations/admission';
import type { AccessNote } from '../observability/requestObserver';
import type { Decision, Principal, Purpose } from '../policy/types';
import { PURPOSES } from '../policy/types';

/** What the gateway knows of one request: who asks, why, and, once decided, what each subgraph may return. */
export interface GatewayContext {
  principal: Principal;
  purpose: Purpose | null;
  /** The officer handling the request (X-Road's user id), as the agency's application states it. */
  userId: string | null;
  /** The case or dossier the request serves (X-Road's issue). */
  dossierId: string | null;
  /** The address the request came from: anonymous callers' quotas are counted per address. */
  clientAddress?: string | null;
  decision?: Decision;
  /** The request's id (X-Request-Id), forwarded to every subgraph call. */
  requestId?: string;
  /** Where the request's audit record is left for its access-log line. */
  note?: AccessNote;
  /** Per subgraph, the access context signed into its calls; set when the operation has been decided. */
  access?: Record<SectorName, AccessContext>;
  /** What the approved operations let through: set for a caller whose mode is not off, or a request naming an operation id. */
  operations?: OperationAdmission;
}

/** Printable, bounded identifiers: an officer id or a dossier number, never free text. */
const IDENTIFIER_HEADER = /^[\p{L}\p{N}._:@\/-]{1,100}$/u;

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text.trim() === '' ? null : text.trim();
}

function badHeader(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

/**
 * Given an HTTP request, returns the purpose (X-Purpose), officer (X-User-Id) and dossier (X-Dossier-Id) it
 * names, or throws BAD_USER_INPUT (HTTP 400) for an unknown purpose or a malformed identifier.
 */
export function readRequestHeaders(request: IncomingMessage): Pick<GatewayContext, 'purpose' | 'userId' | 'dossierId'> {
  const purpose = header(request, 'x-purpose');
  if (purpose !== null && !(PURPOSES as readonly string[]).includes(purpose)) {
    throw badHeader(`Unknown purpose "${purpose.slice(0, 40)}" in X-Purpose: expected one of ${PURPOSES.join(', ')}`);
  }
  const userId = header(request, 'x-user-id');
  if (userId !== null && !IDENTIFIER_HEADER.test(userId)) throw badHeader('Malformed X-User-Id: up to 100 letters, digits or . _ : @ / -');
  const dossierId = header(request, 'x-dossier-id');
  if (dossierId !== null && !IDENTIFIER_HEADER.test(dossierId)) throw badHeader('Malformed X-Dossier-Id: up to 100 letters, digits or . _ : @ / -');
  return { purpose: purpose as Purpose | null, userId, dossierId };
}
