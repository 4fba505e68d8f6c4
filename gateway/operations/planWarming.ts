import { Kind, parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import { sentDocument } from '../enforcement/sentDocument';
import type { SendingChain } from '../enforcement/sentDocument';
import { selectOperation } from '../policy/collectFields';
import { conditionVariableNames, executionConditions } from '../policy/conditions';
import type { Agency, PolicySnapshot } from '../policy/types';
import { planStoreKey } from './gatewayPlanCache';
import { operationId } from './manifest';
import { decisionsFor } from './planning';
import type { PlanningSchema } from './planning';
import type { RegisteredOperation } from './types';

/** A plan to build ahead: the document the gateway's plugins send for one registered operation, and where its plan is looked up. */
export interface PlanToWarm {
  /** The registered operation it is for. */
  operationId: string;
  /** The document the query planner is handed, rewritten by the policy and probed by the audit as a request's would be. */
  document: DocumentNode;
  /** The operation's name, null for an anonymous one: what the plan is built for. */
  operationName: string | null;
  /** The keys of the plan cache a request of it looks up: with the operation name, and without it where the request may leave it out. */
  keys: string[];
}

/** Given a registered operation's document, returns the names a request may send for it: its own, and none when it is the document's only operation. */
function namesSent(document: DocumentNode, name: string | null): Array<string | null> {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (name === null) return [null];
  return operations.length === 1 ? [name, null] : [name];
}

/**
 * Given the API schema and its catalog, an agency, one of its registered operations, the policy, the instant and
 * the enforcement plugins the gateway runs, returns the plans a first request of the operation needs: one per
 * distinct document those plugins send for it, over every purpose the agency may name (planning.ts's
 * decisionsFor), each with the cache keys its request looks up. None for an operation that cannot run, nor for a
 * purpose the policy refuses (deny mode). The variables are unknown: an @skip or @include counts as executing
 * unless its default says otherwise, as the plans of planning.ts count them; a request whose variables make
 * the policy rewrite otherwise sends another document, under another key, and is planned when it comes.
 */
export function plansToWarm(
  planning: PlanningSchema,
  agency: Agency,
  operation: RegisteredOperation,
  snapshot: PolicySnapshot,
  now: Date,
  chain: SendingChain,
): PlanToWarm[] {
  const decisions = decisionsFor(planning, operation, agency, snapshot, now);
  if (typeof decisions === 'string') return [];
  // The registered text is what runs (approvedOperationsPlugin.ts), under Apollo Server's query hash: its SHA-256.
  const document = parse(operation.body);
  const received = { document, hash: operationId(operation.body) };
  const conditions = executionConditions(selectOperation(document, operation.name), conditionVariableNames(document), null);
  const names = namesSent(document, operation.name);
  const byHash = new Map<string, PlanToWarm>();
  for (const decision of decisions.values()) {
    const sent = sentDocument(planning.schema, received, decision, conditions, chain);
    if (!sent || byHash.has(sent.hash)) continue;
    byHash.set(sent.hash, {
      operationId: operation.id,
      document: sent.document,
      operationName: operation.name,
      keys: names.map((name) => planStoreKey(sent.hash, name)),
    });
  }
  return [...byHash.values()];
}
