import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type { Principal } from '../policy/types';
import { operationId } from './manifest';
import type { AgencyOperations, ApprovedOperation, ApprovedOperations, OperationMode } from './types';

/** What a GraphQL request names of its operation: its text, and the ids it may send instead or beside it. */
export interface OperationReference {
  query: string | undefined;
  /** `extensions.persistedQuery.sha256Hash`: Apollo's automatic persisted queries, and its persisted-query manifests. */
  persistedHash: string | undefined;
  /** `documentId`: GraphQL Codegen's persisted documents ("sha256:" before the hash is allowed). */
  documentId: string | undefined;
}

/** What the gateway let through, for the plugin to apply: the caller's mode and the registered operation it runs, if any. */
export interface OperationAdmission {
  agencyCode: string | null;
  mode: OperationMode;
  /** The registered operation the request names; its text replaces whatever was sent, so APQ never sees it. */
  registered: ApprovedOperation | null;
}

function refusal(code: string, status: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/** The refusal of an operation that is not on the caller's lists (PERSISTED_QUERY_NOT_FOUND, HTTP 400). */
export function notRegistered(message: string): GraphQLError {
  return refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 400, message);
}

const OFF: AgencyOperations = { mode: 'off', byId: new Map() };

/**
 * Given who calls, what the request names of its operation and every agency's approved operations, returns what
 * the gateway admits, or throws the refusal:
 * - an id (a persisted-query hash or a documentId) finds an operation only on the caller's own agency's lists;
 *   sent with its text, the text's SHA-256 must be that id;
 * - `enforce`: only a registered operation runs, named by id or sent whole; anything else is PERSISTED_QUERY_NOT_FOUND
 *   (400), and APQ registers nothing;
 * - `log-unknown` and `off`: other operations run too, and an agency may register them with APQ;
 * - the anonymous caller registers nothing with APQ (PERSISTED_QUERY_REGISTRATION_REFUSED, 403) and has no list.
 */
export function admitOperation(principal: Principal, reference: OperationReference, approved: ApprovedOperations | undefined): OperationAdmission {
  const agencyCode = principal.kind === 'AGENCY' ? principal.agency.code : null;
  const { mode, byId } = (agencyCode !== null ? approved?.get(agencyCode) : undefined) ?? OFF;
  const documentId = reference.documentId?.startsWith('sha256:') ? reference.documentId.slice('sha256:'.length) : reference.documentId;
  const sentHash = reference.query === undefined ? undefined : operationId(reference.query);
  if (documentId !== undefined && sentHash !== undefined && documentId !== sentHash)
    throw refusal(ErrorCode.BAD_REQUEST, 400, 'The documentId is not the SHA-256 of the query sent beside it: send one or the other');
  const id = sentHash ?? documentId ?? reference.persistedHash;
  const registered = id === undefined ? undefined : byId.get(id);
  if (registered) return { agencyCode, mode, registered };
  if (agencyCode === null && reference.query !== undefined && reference.persistedHash !== undefined)
    throw refusal(
      ErrorCode.PERSISTED_QUERY_REGISTRATION_REFUSED,
      403,
      'Only an authenticated agency may register an automatic persisted query: send the query without the persistedQuery extension, or a credential',
    );
  if (mode === 'enforce')
    throw notRegistered(
      `The operation is not registered for ${agencyCode}, which runs registered operations only: register it in your application's persisted-operation list`,
    );
  if (documentId !== undefined && reference.query === undefined)
    throw notRegistered(
      agencyCode === null
        ? "A documentId names an agency's registered operation: send a credential, or the query"
        : `No operation of ${agencyCode}'s lists has the documentId ${documentId.slice(0, 64)}`,
    );
  return { agencyCode, mode, registered: null };
}
