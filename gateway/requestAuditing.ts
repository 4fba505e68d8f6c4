import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { RequestAnswer } from '../common/httpServer';
import { ErrorCode } from '../common/errors';
import type { AuditLog } from './audit/auditLog';
import type { AuditRecordInput } from './audit/types';
import type { GatewayContext } from './enforcement/context';
import type { AccessNote } from './observability/requestObserver';
import { auditOutcome, writeAuditRecord } from './enforcement/auditing';

/**
 * Given when a request arrived, the code it was refused with and what is known of the caller, returns its audit
 * record: nothing read, nothing returned.
 */
export function refusalRecord(
  at: Date,
  errorCode: string,
  caller: Pick<GatewayContext, 'principal' | 'purpose' | 'dossierId'> | null = null,
): AuditRecordInput {
  return {
    at,
    principal: caller?.principal ?? { kind: 'ANONYMOUS' },
    purpose: caller?.purpose ?? null,
    dossierId: caller?.dossierId ?? null,
    operationName: null,
    query: null,
    variables: null,
    fields: [],
    citizenIds: [],
    rowCount: 0,
    outcome: auditOutcome(undefined, false, [{ message: errorCode, extensions: { code: errorCode } }]),
    errorCode,
    latencyMs: Date.now() - at.getTime(),
    policyVersion: null,
  };
}

/**
 * Apollo Server hands its plugins a shallow copy of the context: an object held in it is the same in the copy,
 * and tells which request the copy belongs to.
 */
const TICKET = Symbol('audit ticket');
type TicketedContext = GatewayContext & { [TICKET]?: object };

/** How the gateway makes sure each request it serves leaves exactly one audit record. */
export interface RequestAuditing {
  /** The context was refused (credentials, headers): records the refusal at once. */
  contextRefused(request: IncomingMessage, arrivedAt: Date, errorCode: string): void;
  /** The context was built: Apollo Server may still refuse the request before its pipeline runs. */
  contextBuilt(request: IncomingMessage, context: GatewayContext): void;
  /** Marks the requests whose answer the pipeline sends, which the policy plugin records. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Records any answered request nothing else recorded: the HTTP server's own refusals, Apollo Server's. */
  answered(request: IncomingMessage, answer: RequestAnswer): void;
}

/**
 * Given the audit log and the routes whose every request is audited (null: a path no route serves), returns the
 * hooks that record each request once: the policy plugin records what Apollo Server's pipeline answers; a
 * refused context records itself; and whatever else is answered (a body that is not JSON, too large, an
 * unknown path, a request Apollo Server refuses before its pipeline) is recorded when its answer is sent, with
 * its status's code and the caller when known.
 */
export function requestAuditing(
  audit: AuditLog,
  auditedRoutes: ReadonlySet<string | null>,
  logger: Logger,
  noteOf?: (request: IncomingMessage) => AccessNote,
): RequestAuditing {
  const recorded = new WeakSet<IncomingMessage>();
  const contexts = new WeakMap<IncomingMessage, TicketedContext>();
  const piped = new WeakSet<object>();
  const write = (request: IncomingMessage, record: AuditRecordInput) => void writeAuditRecord(audit, record, false, logger, noteOf?.(request));
  return {
    contextRefused(request, arrivedAt, errorCode) {
      recorded.add(request);
      write(request, refusalRecord(arrivedAt, errorCode));
    },
    contextBuilt(request, context) {
      const ticketed = context as TicketedContext;
      ticketed[TICKET] = {};
      contexts.set(request, ticketed);
    },
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue }) {
            const ticket = (contextValue as TicketedContext)[TICKET];
            if (ticket) piped.add(ticket);
          },
        };
      },
    },
    answered(request, answer) {
      if (!auditedRoutes.has(answer.route) || recorded.has(request)) return;
      const context = contexts.get(request);
      const ticket = context?.[TICKET];
      if (ticket && piped.has(ticket)) return;
      recorded.add(request);
      const code = answer.errorCode() ?? (answer.status >= 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST);
      write(request, refusalRecord(answer.arrivedAt, code, context ?? null));
    },
  };
}
