import type { RequestAnswer } from '../../common/httpServer';
import type { AuditRecordInput } from '../audit/types';

/** An operation name as a log line may carry it: a GraphQL name in which no run of digits could be someone's number. */
const LOGGABLE_NAME = /^(?!.*\d{6})[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** One request as the access log states it: who asked, why, what, how it ended, and where its audit record is. */
export interface AccessLine {
  requestId: string;
  route: string | null;
  status: number;
  agency: string | null;
  credentialId: string | null;
  officer: string | null;
  purpose: string | null;
  dossier: string | null;
  operationName: string | null;
  operationHash: string | null;
  outcome: string | null;
  code: string | null;
  latencyMs: number;
  /** The audit record: `<instance>:<seq>`, or null when none was made durable. */
  auditRecord: string | null;
}

/**
 * Given an answered request, its audit record (null when none was made), the hash of its operation, and where the
 * record was written, returns its access-log line. Only identifiers and codes: never the operation's text, its
 * variables or anything of the answer, so no national ID, name or other personal value reaches the log.
 */
export function accessLineOf(
  answer: RequestAnswer,
  record: AuditRecordInput | null,
  operationHash: string | null,
  auditRecord: string | null,
  code: string | null,
): AccessLine {
  const principal = record?.principal;
  const agency = principal?.kind === 'AGENCY' ? principal : null;
  const name = record?.operationName ?? null;
  return {
    requestId: answer.requestId,
    route: answer.route,
    status: answer.status,
    agency: agency?.agency.code ?? null,
    credentialId: agency?.credentialId ?? null,
    officer: agency?.userId ?? null,
    purpose: record?.purpose ?? null,
    dossier: record?.dossierId ?? null,
    operationName: name === null ? null : LOGGABLE_NAME.test(name) ? name : '[not logged]',
    operationHash,
    outcome: record?.outcome ?? null,
    code,
    latencyMs: Math.round(answer.elapsedMs * 10) / 10,
    auditRecord,
  };
}
