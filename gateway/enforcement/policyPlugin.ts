import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, execute } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { PolicyMode } from '../../common/config';
import { ErrorCode } from '../../common/errors';
import { collectFields } from '../policy/collectFields';
import { conditionVariableNames, executionConditions } from '../policy/conditions';
import type { ExecutionConditions } from '../policy/conditions';
import { decide } from '../policy/decide';
import type { Decision, FieldDecision, PolicySnapshot, Principal, Purpose, SchemaCatalog } from '../policy/types';
import { PURPOSES } from '../policy/types';
import { accessForSubgraphs } from './accessForSubgraphs';
import type { GatewayContext } from './context';
import { callerFieldNotes } from './fieldNotes';
import { introspectionUse, readableCoordinates, visibleSchema, withFieldNotes } from './introspection';
import { BoundedCache } from './boundedCache';
import { applyResponsePolicy } from './responsePolicy';
import { applyScopeWalk } from './outOfScope';
import type { OutgoingResult } from './outOfScope';
import { policyRewriteOf, rewrittenDocument, underItsHash } from './sentDocument';
import { compileScopeWalk } from './scopeWalk';
import type { ScopeWalk } from './scopeWalk';

export interface PolicyPluginOptions {
  catalog: SchemaCatalog;
  mode: PolicyMode;
  /** The policy in force now; read once per request so one request sees one version. */
  snapshot(): PolicySnapshot;
  logger: Logger;
}

/** The request's original document, its @skip/@include conditions and the decided fields by coordinate, kept for the response. */
const decided = new WeakMap<GatewayContext, { document: DocumentNode; conditions: ExecutionConditions; byCoordinate: Map<string, FieldDecision> }>();

/** The requests whose documents carry scope probes, with the walk of their responses that drops the entities the owner did not vouch for. */
const scopeWalks = new WeakMap<GatewayContext, ScopeWalk>();

function principalKey(principal: Principal): string {
  if (principal.kind === 'CITIZEN') return `citizen:${principal.nationalId}`;
  return principal.kind === 'AGENCY' ? `agency:${principal.agency.code}` : 'anonymous';
}

function forbidden(decision: Decision): GraphQLError {
  const denied = decision.fields.filter((field) => field.effect === 'DENY');
  return new GraphQLError(`Not authorized to read ${denied.map((field) => field.coordinate).join(', ')}`, {
    extensions: {
      code: ErrorCode.FORBIDDEN,
      http: { status: 403 },
      policyVersion: decision.policyVersion,
      denied: denied.map((field) => ({ field: field.coordinate, rule: field.rule, reason: field.reason, neededGrant: field.neededGrant })),
    },
  });
}

/**
 * Enforcement at the gateway, before any subgraph is called: collects every field the operation can touch,
 * decides, and refuses (deny mode) or removes (filter mode) what the caller may not read; hands each subgraph
 * call its access context; masks and filters the response; answers introspection from the caller's own view
 * of the schema.
 */
export function policyPlugin(options: PolicyPluginOptions): ApolloServerPlugin<GatewayContext> {
  // A schema per caller and policy version is large: a hundred of them, the callers of the last minute, is plenty.
  const visibleSchemas = new BoundedCache<GraphQLSchema>(100, 60_000);
  const touchedFields = new BoundedCache<string[]>(2000, 60_000);
  const conditionVariables = new BoundedCache<string[]>(2000, 60_000);
  const decisions = new BoundedCache<Decision>(5000, 1000);
  const filteredDocuments = new BoundedCache<{ document: DocumentNode; hash: string; scopeWalk: ScopeWalk | null }>(2000, 60_000);

  // What a caller sees in introspection: the fields it may read for the purpose it names, or for at least one,
  // each described for that caller (classification, mask, row scope, the grant that opens it).
  const visibleSchemaFor = (schema: GraphQLSchema, principal: Principal, purpose: Purpose | null, snapshot: PolicySnapshot): GraphQLSchema =>
    visibleSchemas.get(`${principalKey(principal)}:${purpose ?? ''}@${snapshot.version}`, () => {
      const { readable, decisions } = readableCoordinates(principal, purpose, snapshot, options.catalog, new Date());
      const notes = callerFieldNotes(decisions, options.catalog, principal.kind === 'AGENCY' ? (snapshot.grantsByAgency.get(principal.agency.code) ?? []) : []);
      return withFieldNotes(
        visibleSchema(schema, (coordinate) => readable.has(coordinate)),
        (coordinate) => notes.get(coordinate),
      );
    });

  return {
    async requestDidStart(): Promise<GraphQLRequestListener<GatewayContext>> {
      let introspectionOnly = false;
      return {
        async didResolveOperation(requestContext) {
          const { document, operation, operationName, contextValue, schema } = requestContext;
          if (!operation) return;
          const use = introspectionUse(document, operation);
          if (use === 'mixed') {
            throw new GraphQLError('Introspection (__schema, __type) cannot be combined with data fields in one operation', {
              extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
            });
          }
          if (use === 'only') {
            introspectionOnly = true;
            return;
          }
          const snapshot = options.snapshot();
          // What can execute depends on the variables of @skip and @include: their effective values are part of the key.
          const names = conditionVariables.get(requestContext.queryHash, () => conditionVariableNames(document));
          const conditions = executionConditions(operation, names, requestContext.request.variables);
          const operationKey = `${requestContext.queryHash}:${operationName ?? ''}:${conditions.key}`;
          const fields = touchedFields.get(operationKey, () => collectFields(schema, document, operationName, conditions));
          // A decision depends on the operation, the caller, the purpose, the policy version and the clock (grant
          // validity): cached per the first four for at most a second.
          const decision = decisions.get(`${operationKey}:${principalKey(contextValue.principal)}:${contextValue.purpose}:${snapshot.version}`, () =>
            decide({ principal: contextValue.principal, purpose: contextValue.purpose, fields, snapshot, catalog: options.catalog, now: new Date() }),
          );
          contextValue.decision = decision;
          // A purpose could not help a caller refused on other grounds (anonymous, INTERNAL data): say FORBIDDEN then.
          const denied = decision.fields.filter((field) => field.effect === 'DENY');
          const refusedRegardless = denied.length > 0 && denied.every((field) => field.rule !== 'PURPOSE_NOT_GRANTED');
          if (decision.purposeRequired && contextValue.purpose === null && !refusedRegardless) {
            throw new GraphQLError('This operation reads personal data: name the purpose of processing in the X-Purpose header', {
              extensions: { code: ErrorCode.PURPOSE_REQUIRED, http: { status: 400 }, purposes: [...PURPOSES] },
            });
          }
          const byCoordinate = new Map(decision.fields.map((field) => [field.coordinate, field]));
          // The response needs walking only to mask, or to null what filter mode removed.
          if (decision.fields.some((field) => field.effect === 'MASK') || (!decision.allowed && options.mode === 'filter')) {
            decided.set(contextValue, { document, conditions, byCoordinate });
          }
          if (!decision.allowed && options.mode === 'deny') throw forbidden(decision);
          // Filter mode: the denied fields are never asked of a subgraph. The plan cache is keyed by the query
          // hash, so a rewritten document gets its own hash: another caller's plan is never reused.
          const rewrite = policyRewriteOf(schema, document, decision, byCoordinate, conditions);
          if (rewrite) {
            const sent = filteredDocuments.get(`${operationKey}:${rewrite.key}`, () => {
              const rewritten = underItsHash(rewrittenDocument(schema, document, rewrite));
              // The walk of the responses is compiled with the rewrite, once per document, not once per response.
              const scopeWalk = rewrite.restricted ? compileScopeWalk(schema, rewritten.document, operationName) : null;
              return { ...rewritten, scopeWalk };
            });
            if (sent.scopeWalk) scopeWalks.set(contextValue, sent.scopeWalk);
            const mutable = requestContext as { document: DocumentNode; queryHash: string };
            mutable.document = sent.document;
            mutable.queryHash = sent.hash;
          }
          contextValue.access = accessForSubgraphs(decision, contextValue.principal, options.catalog);
        },

        async responseForOperation(requestContext) {
          if (!introspectionOnly) return null;
          const { contextValue, document, operationName, request, schema } = requestContext;
          const result = await execute({
            schema: visibleSchemaFor(schema, contextValue.principal, contextValue.purpose, options.snapshot()),
            document,
            operationName,
            variableValues: request.variables,
          });
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { ...result, errors: result.errors?.map((error) => error.toJSON()) } },
          };
        },

        async willSendResponse(requestContext) {
          // Synchronous on purpose: Apollo Server starts every plugin's willSendResponse together, in plugin order,
          // so the answer is masked and out-of-scope entities are gone before the audit plugin, after this one, reads it.
          answer(requestContext);
        },
      };

      /** Given a request about to be answered, masks what the policy says (the audit plugin records it after). */
      function answer(requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>): void {
        const { response, contextValue, schema, operationName } = requestContext;
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const scopeWalk = scopeWalks.get(contextValue);
        if (scopeWalk) applyScopeWalk(scopeWalk, result as OutgoingResult);
        const kept = decided.get(contextValue);
        if (kept && result.data) {
          const errors = applyResponsePolicy(
            schema,
            kept.document,
            operationName,
            result.data as Record<string, unknown>,
            kept.byCoordinate,
            options.mode === 'filter',
            kept.conditions,
          );
          if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
        }
      }
    },
  };
}
