import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import type { AuditLog } from '../audit/auditLog';
import type { AuditOutcome, AuditRecordInput } from '../audit/types';
import type { AccessNote } from '../observability/requestObserver';
import type { Decision } from '../policy/types';

/** Codes with which the gateway refuses a request as a matter of policy or credentials. */
const REFUSAL_CODES = new Set<string>([ErrorCode.FORBIDDEN, ErrorCode.PURPOSE_REQUIRED, ErrorCode.UNAUTHENTICATED, ErrorCode.AGENCY_DEACTIVATED]);

/**
 * Given the decision (if the request got one), whether data came back and the errors, returns how the
 * audit trail names the outcome: DENIED when the policy refused it, FILTERED when filter mode removed
 * fields, FAILED on any other error, ALLOWED otherwise (introspection, which needs no decision, included).
 */
export function auditOutcome(decision: Decision | undefined, hasData: boolean, errors: readonly GraphQLFormattedError[]): AuditOutcome {
  const codes = errors.map((error) => String(error.extensions?.code ?? ''));
  if (!hasData && codes.some((code) => REFUSAL_CODES.has(code))) return 'DENIED';
  if (decision && !decision.allowed) return 'FILTERED';
  // No decision: introspection, answered from the caller's view of the schema, or a request refused before one.
  if (!decision) return hasData && errors.length === 0 ? 'ALLOWED' : 'FAILED';
  return errors.length > 0 ? 'FAILED' : 'ALLOWED';
}

/**
 * Given the audit log and a record (and the request's note, where the record and its write are left for the
 * access log), writes it: awaited when the response carries personal data (it is not
 * sent before its record is durable; a failure propagates so the caller can fail closed), in the background
 * otherwise (a failure is logged, and open data keeps flowing).
 */
export async function writeAuditRecord(
  audit: AuditLog,
  record: AuditRecordInput,
  carriesPersonalData: boolean,
  logger: Logger,
  note?: AccessNote,
): Promise<void> {
  const written = audit.append(record);
  if (note) {
    note.record = record;
    note.written = written;
  }
  if (carriesPersonalData) {
    await written;
    return;
  }
  written.catch((error: unknown) => logger.error({ err: error }, 'audit record of a request without personal data was not written'));
}
