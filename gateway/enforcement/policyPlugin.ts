import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, execute, print } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { PolicyMode } from '../../common/config';
import { ErrorCode } from '../../common/errors';
import type { AuditLog } from '../audit/auditLog';
import { responseGuide, takeResponseSubjects, withCitizenIdProbe } from '../audit/citizenProbe';
import type { AuditRecordInput } from '../audit/types';
import { collectFields } from '../policy/collectFields';
import { decide } from '../policy/decide';
import type { Decision, FieldDecision, PolicySnapshot, Principal, SchemaCatalog } from '../policy/types';
import { PURPOSES } from '../policy/types';
import { accessForSubgraphs } from './accessForSubgraphs';
import { auditOutcome, writeAuditRecord } from './auditing';
import type { GatewayContext } from './context';
import { callerFieldNotes } from './fieldNotes';
import { introspectionUse, visibleSchema, withFieldNotes } from './introspection';
import { BoundedCache } from './boundedCache';
import { applyResponsePolicy } from './responsePolicy';
import { removeDeniedFields } from './rewrite';

export interface PolicyPluginOptions {
  catalog: SchemaCatalog;
  mode: PolicyMode;
  /** The policy in force now; read once per request so one request sees one version. */
  snapshot(): PolicySnapshot;
  /**
   * Where every request is recorded; a response with personal data waits for its record. Null leaves requests
   * unrecorded: only the benchmark does that, to tell the policy's cost from the audit's.
   */
  audit: AuditLog | null;
  logger: Logger;
}

/** The request's original document and the decided fields by coordinate, kept for the response. */
const decided = new WeakMap<GatewayContext, { document: DocumentNode; byCoordinate: Map<string, FieldDecision> }>();

function principalKey(principal: Principal): string {
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
  const decisions = new BoundedCache<Decision>(5000, 1000);
  const probed = new BoundedCache<{ document: DocumentNode; hash: string }>(2000, 60_000);

  // What a caller sees in introspection: the fields it may read for at least one purpose.
  const visibleSchemaFor = (schema: GraphQLSchema, principal: Principal, snapshot: PolicySnapshot): GraphQLSchema =>
    visibleSchemas.get(`${principalKey(principal)}@${snapshot.version}`, () => {
      const coordinates = [...options.catalog.fields.keys()];
      const readable = new Set<string>();
      const taken: Decision[] = [];
      for (const purpose of [null, ...PURPOSES]) {
        const decision = decide({ principal, purpose, fields: coordinates, snapshot, catalog: options.catalog, now: new Date() });
        taken.push(decision);
        for (const field of decision.fields) if (field.effect !== 'DENY') readable.add(field.coordinate);
      }
      const notes = callerFieldNotes(taken, options.catalog, principal.kind === 'AGENCY' ? (snapshot.grantsByAgency.get(principal.agency.code) ?? []) : []);
      return withFieldNotes(visibleSchema(schema, (coordinate) => readable.has(coordinate)), (coordinate) => notes.get(coordinate));
    });

  return {
    async requestDidStart(): Promise<GraphQLRequestListener<GatewayContext>> {
      const arrivedAt = new Date();
      let introspectionOnly = false;
      // Apollo Server calls willSendResponse once for every request it starts, failed ones included.
      options.audit?.requestBegun();
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
          const operationKey = `${requestContext.queryHash}:${operationName ?? ''}`;
          const fields = touchedFields.get(operationKey, () => collectFields(schema, document, operationName));
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
            decided.set(contextValue, { document, byCoordinate });
          }
          if (!decision.allowed && options.mode === 'deny') throw forbidden(decision);
          // Filter mode: the denied fields are never asked of a subgraph. Then every Citizen in the answer names
          // its national ID for the audit trail, whatever the caller selected. The plan cache is keyed by the
          // query hash, so a rewritten document gets its own hash: another caller's plan is never reused.
          const filtered = decision.allowed ? null : removeDeniedFields(schema, document, byCoordinate);
          if (filtered || options.audit) {
            const sent = probed.get(`${operationKey}:${options.audit ? 'probed' : ''}:${filtered ? print(filtered) : ''}`, () => {
              const rewritten = options.audit ? withCitizenIdProbe(schema, filtered ?? document) : filtered!;
              return { document: rewritten, hash: createHash('sha256').update(print(rewritten)).digest('hex') };
            });
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
            schema: visibleSchemaFor(schema, contextValue.principal, options.snapshot()),
            document,
            operationName,
            variableValues: request.variables,
          });
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { ...result, errors: result.errors?.map((error) => error.toJSON()) } } };
        },

        async willSendResponse(requestContext) {
          try {
            await answer(requestContext);
          } finally {
            options.audit?.requestEnded();
          }
        },
      };

      /** Given a request about to be answered, masks what the policy says, and records it (waiting when the answer holds personal data). */
      async function answer(requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>): Promise<void> {
        const { response, contextValue, schema, operationName } = requestContext;
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const kept = decided.get(contextValue);
        if (kept && result.data) {
          const errors = applyResponsePolicy(schema, kept.document, operationName, result.data as Record<string, unknown>, kept.byCoordinate, options.mode === 'filter');
          if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
        }
        if (introspectionOnly || !options.audit) return;
        // The document is the probed one the gateway sent (didResolveOperation): its guide leads the walk to the objects.
        const guide = requestContext.document ? responseGuide(requestContext.document, operationName) : null;
        const { citizenIds, rowCount } = takeResponseSubjects(result.data, guide);
        const decision = contextValue.decision;
        const record: AuditRecordInput = {
          at: arrivedAt,
          principal: contextValue.principal,
          purpose: contextValue.purpose,
          dossierId: contextValue.dossierId,
          operationName: operationName ?? null,
          query: requestContext.source ?? null,
          variables: requestContext.request.variables,
          fields: decision?.fields ?? [],
          citizenIds,
          rowCount,
          outcome: auditOutcome(decision, Boolean(result.data), result.errors ?? []),
          errorCode: result.errors?.[0]?.extensions?.code ? String(result.errors[0].extensions.code) : null,
          latencyMs: Date.now() - arrivedAt.getTime(),
          policyVersion: decision?.policyVersion ?? null,
        };
        const carriesPersonalData = Boolean(result.data) && (citizenIds.length > 0 || decision?.purposeRequired === true);
        try {
          await writeAuditRecord(options.audit, record, carriesPersonalData, options.logger);
        } catch (error) {
          // Fail closed: personal data whose access could not be recorded is not sent.
          options.logger.error({ err: error }, 'audit store unavailable: personal data withheld');
          response.body.singleResult = {
            errors: [{ message: 'The audit trail cannot record this access now, so personal data is withheld; try again later', extensions: { code: ErrorCode.AUDIT_UNAVAILABLE } }],
          };
          response.http.status = 503;
        }
      }
    },
  };
}
