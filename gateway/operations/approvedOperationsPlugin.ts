import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { GatewayContext } from '../enforcement/context';
import type { Principal } from '../policy/types';
import type { StoreSnapshot } from '../store/types';
import type { OperationAdmission, OperationReference } from './admission';
import { admitOperation } from './admission';
import type { UnknownOperationEvent } from './types';

export interface ApprovedOperationsOptions {
  /** The policy in force, whose snapshot carries every agency's mode and registered operations. */
  snapshot(): StoreSnapshot;
  logger: Logger;
  /** Told of every unregistered operation an agency in log-unknown mode runs: where a metric counter is wired. */
  onUnknownOperation?: (event: UnknownOperationEvent) => void;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Given a request's extensions, returns its persisted-query hash, if any. */
function persistedHashOf(extensions: unknown): string | undefined {
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  return text(persisted?.sha256Hash);
}

/**
 * Given an HTTP request and its raw body, returns what it names of its operation (a POST's JSON body, a GET's
 * parameters), or null for a body that names nothing (Apollo Server answers it).
 */
export function readOperationReference(request: IncomingMessage, rawBody: string): OperationReference | null {
  try {
    if (request.method === 'GET') {
      const parameters = new URL(request.url ?? '/', 'http://gateway').searchParams;
      const extensions = parameters.get('extensions');
      return {
        query: parameters.get('query') ?? undefined,
        persistedHash: extensions ? persistedHashOf(JSON.parse(extensions)) : undefined,
        documentId: parameters.get('documentId') ?? undefined,
      };
    }
    const body = JSON.parse(rawBody) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    return { query: text(body.query), persistedHash: persistedHashOf(body.extensions), documentId: text(body.documentId) };
  } catch {
    // Not JSON: the HTTP server or Apollo Server refuses it with its own code.
    return null;
  }
}

/**
 * Given the policy's snapshot, returns the approved operations' two parts: `admit`, called while the request's
 * context is built (before Apollo Server reads a persisted query), which refuses what the caller's mode does not
 * let through; and the plugin, which runs a registered operation from its registered text and reports an
 * unregistered one run in log-unknown mode.
 */
export function approvedOperations(options: ApprovedOperationsOptions): {
  admit(principal: Principal, request: IncomingMessage, rawBody: string): OperationAdmission | null;
  plugin: ApolloServerPlugin<GatewayContext>;
} {
  const { logger } = options;
  return {
    admit(principal, request, rawBody) {
      const approved = options.snapshot().approvedOperations;
      const mode = principal.kind === 'AGENCY' ? (approved?.get(principal.agency.code)?.mode ?? 'off') : 'off';
      // Most requests name no id and come from agencies that are off: they are not read twice.
      const namesAnId = /persistedQuery|documentId/.test(request.method === 'GET' ? (request.url ?? '') : rawBody);
      if (mode === 'off' && !namesAnId) return null;
      const reference = readOperationReference(request, rawBody);
      return reference ? admitOperation(principal, reference, approved) : null;
    },
    plugin: {
      async requestDidStart({ contextValue, request }) {
        const admission = contextValue.operations;
        if (!admission) return;
        if (admission.registered) {
          // The registered text runs, never what Apollo's APQ cache holds or would register under that hash.
          const { persistedQuery: _persistedQuery, ...extensions } = request.extensions ?? {};
          request.query = admission.registered.body;
          request.extensions = extensions;
          return;
        }
        if (admission.mode !== 'log-unknown' || admission.agencyCode === null) return;
        const agencyCode = admission.agencyCode;
        return {
          async didResolveOperation({ queryHash, operationName }) {
            const event: UnknownOperationEvent = { agencyCode, operationId: queryHash, operationName };
            // The id and name only: an operation's text may hold personal data in its literals.
            logger.warn(event, 'unregistered operation run');
            options.onUnknownOperation?.(event);
          },
        };
      },
    },
  };
}
