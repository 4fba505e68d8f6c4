import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import type { RequestAnswer } from '../../common/httpServer';
import { operationHash } from '../audit/records';
import type { AuditRecordInput } from '../audit/types';
import type { GatewayMetrics } from '../metrics/gatewayMetrics';
import { accessLineOf } from './accessLine';

/** What the gateway notes of one request on its way: its audit record, and the write that makes it durable. */
export interface AccessNote {
  record: AuditRecordInput | null;
  written: Promise<{ seq: number }> | null;
}

/** How the gateway observes each request it answers: one access-log line, and the request metrics. */
export interface RequestObserver {
  /** Given a request, returns its note (made at the first call), where its audit record is left. */
  noteOf(request: IncomingMessage): AccessNote;
  /** Given an answered request, counts it and writes its access-log line (once its audit record is settled). */
  answered(request: IncomingMessage, answer: RequestAnswer): void;
}

export interface RequestObserverOptions {
  metrics: GatewayMetrics;
  /** Where the access lines go, at info. */
  logger: Logger;
  /** The audit trail's instance, which names a record with its seq; null when the gateway records nothing. */
  auditInstance: string | null;
  /** False (ACCESS_LOG=off): no line is written; the metrics are still counted. */
  accessLog?: boolean;
}

/**
 * Given the metrics and the access log, returns the observer of the gateway's requests. The metrics are counted
 * when the answer is sent; the line is written when the request's audit record is durable (or known not to be),
 * so that it names the record, `<instance>:<seq>`.
 */
export function requestObserver(options: RequestObserverOptions): RequestObserver {
  const { metrics, logger, auditInstance } = options;
  const accessLog = options.accessLog ?? true;
  const notes = new WeakMap<IncomingMessage, AccessNote>();
  return {
    noteOf(request) {
      let note = notes.get(request);
      if (note === undefined) {
        note = { record: null, written: null };
        notes.set(request, note);
      }
      return note;
    },
    answered(request, answer) {
      const note = notes.get(request);
      const record = note?.record ?? null;
      // An answer refused after its record was made (AUDIT_UNAVAILABLE) carries its own code in its body.
      const answeredCode = answer.status >= 400 ? answer.errorCode() : null;
      const code = answeredCode ?? record?.errorCode ?? null;
      const withheld = answeredCode === ErrorCode.AUDIT_UNAVAILABLE;
      const outcome = record === null ? null : withheld ? 'FAILED' : record.outcome;
      const principal = record?.principal;
      // The stewards' and the citizens' routes are logged, not counted: the metrics are those of the agencies' /graphql.
      if (answer.route === '/graphql')
        metrics.requestAnswered({
          agencyCode: principal?.kind === 'AGENCY' ? principal.agency.code : null,
          operationName: record?.operationName ?? null,
          outcome,
          errorCode: code,
          seconds: answer.elapsedMs / 1000,
          fields: record?.fields ?? [],
        });
      if (!accessLog) return;
      const hash = record?.query ? operationHash(record.query) : null;
      const write = (auditRecord: string | null) => {
        const line = accessLineOf(answer, record, hash, auditRecord, code);
        if (outcome !== null) line.outcome = outcome;
        logger.info(line, 'request');
      };
      if (note?.written && auditInstance !== null) {
        note.written.then(
          ({ seq }) => write(`${auditInstance}:${seq}`),
          () => write(null),
        );
      } else write(null);
    },
  };
}
