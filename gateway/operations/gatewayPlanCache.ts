import { createHash } from 'node:crypto';
import { operationFromDocument } from '@apollo/federation-internals';
import type { Schema } from '@apollo/federation-internals';
import type { ApolloGateway } from '@apollo/gateway';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/**
 * The private fields of @apollo/gateway's ApolloGateway that planning ahead reads, as its executor uses them
 * (dist/index.js of 2.14.4: `executor`, `initQueryPlanStore`, `updateWithSchemaAndNotify`). They are private in
 * its types and may be renamed by any upgrade: this is the one place that names them, and
 * test/operations/planWarming.test.ts fails when they stop matching.
 */
interface GatewayPlanningFields {
  queryPlanStore: { get(key: string): Promise<unknown>; set(key: string, plan: unknown): Promise<void> };
  queryPlanner: { buildQueryPlan(operation: unknown, options: PlanningLimits): unknown };
  apiSchema: Schema;
  recursiveSelectionsLimitDisabled: boolean;
  nonLocalSelectionsLimitDisabled: boolean;
}

type PlanningLimits = Pick<GatewayPlanningFields, 'recursiveSelectionsLimitDisabled' | 'nonLocalSelectionsLimitDisabled'>;

/** The gateway's query-plan cache, as planning ahead uses it. */
export interface GatewayPlanCache {
  /** Returns the API schema requests are validated and rewritten against. */
  schema(): GraphQLSchema;
  /** Given a key, tells whether a plan is cached under it. */
  has(key: string): Promise<boolean>;
  /** Given a document and the name of its operation (null for its only one), returns its plan as the executor builds it. */
  plan(document: DocumentNode, operationName: string | null): unknown;
  /** Given a key and a plan, caches the plan under it, as the executor does after planning. */
  store(key: string, plan: unknown): Promise<void>;
}

/** Given the gateway's query hash of a document and the operation name the request sends, returns the key its plan is cached under (the executor's queryPlanStoreKey). */
export function planStoreKey(queryHash: string, operationName: string | null): string {
  return operationName ? createHash('sha256').update(queryHash).update(operationName).digest('hex') : queryHash;
}

/** Given a loaded gateway's fields, returns the name of the first that is not what planning ahead expects, or null. */
function missingField(fields: Partial<Record<keyof GatewayPlanningFields, unknown>>): string | null {
  const { queryPlanStore, queryPlanner, apiSchema } = fields as Partial<GatewayPlanningFields>;
  if (typeof queryPlanStore?.get !== 'function' || typeof queryPlanStore.set !== 'function') return 'queryPlanStore';
  if (typeof queryPlanner?.buildQueryPlan !== 'function') return 'queryPlanner';
  if (typeof apiSchema !== 'object' || apiSchema === null) return 'apiSchema';
  if (typeof fields.recursiveSelectionsLimitDisabled !== 'boolean') return 'recursiveSelectionsLimitDisabled';
  if (typeof fields.nonLocalSelectionsLimitDisabled !== 'boolean') return 'nonLocalSelectionsLimitDisabled';
  return null;
}

/**
 * Given a gateway that has loaded its supergraph, returns its query-plan cache, or why it cannot be reached: a
 * private field missing or changed (an upgrade of @apollo/gateway renamed it) or no schema loaded yet. The
 * fields are read at each use: the gateway replaces its planner and schema when its supergraph changes.
 */
export function gatewayPlanCache(gateway: ApolloGateway): GatewayPlanCache | { unavailable: string } {
  const fields = gateway as unknown as GatewayPlanningFields;
  const missing = missingField(fields);
  if (missing) return { unavailable: `@apollo/gateway has no usable private field "${missing}"` };
  if (!gateway.schema) return { unavailable: '@apollo/gateway has not loaded its schema' };
  return {
    schema: () => gateway.schema!,
    has: async (key) => (await fields.queryPlanStore.get(key)) !== undefined,
    plan: (document, operationName) =>
      fields.queryPlanner.buildQueryPlan(operationFromDocument(fields.apiSchema, document, operationName ? { operationName } : {}), {
        recursiveSelectionsLimitDisabled: fields.recursiveSelectionsLimitDisabled,
        nonLocalSelectionsLimitDisabled: fields.nonLocalSelectionsLimitDisabled,
      }),
    store: (key, plan) => fields.queryPlanStore.set(key, plan),
  };
}
