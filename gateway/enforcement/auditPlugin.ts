import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import type { AuditLog } from '../audit/auditLog';
import { responseGuide, takeResponseSubjects } from '../audit/citizenProbe';
import type { AuditRecordInput } from '../audit/types';
import { auditOutcome, writeAuditRecord } from './auditing';
import { BoundedCache } from './boundedCache';
import type { GatewayContext } from './context';
import { introspectionUse } from './introspection';
import { auditedDocument } from './sentDocument';
import type { SentDocument } from './sentDocument';

export interface AuditPluginOptions {
  /** Where every request is recorded; a response with personal data waits for its record. */
  audit: AuditLog;
  logger: Logger;
}

/**
 * The audit trail at the gateway, after the policy plugin: has every Citizen in the answer name its national ID
 * (the probe, citizenProbe.ts) in the document the gateway sends, whatever the caller selected; then, before the
 * answer leaves, reads the citizens off the data, empties the probe, and records the request. A response with
 * personal data waits for its record to be durable, and is withheld with AUDIT_UNAVAILABLE (HTTP 503) when it
 * cannot be (fail closed); any other response, introspection included, is recorded in the background.
 */
export function auditPlugin(options: AuditPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { audit, logger } = options;
  // The plan cache is keyed by the query hash, so the probed document gets its own: another document's plan is never reused.
  const probed = new BoundedCache<SentDocument>(2000, 60_000);

  return {
    async requestDidStart(): Promise<GraphQLRequestListener<GatewayContext>> {
      const arrivedAt = new Date();
      let introspectionOnly = false;
      // Apollo Server calls willSendResponse once for every request it starts, failed ones included.
      audit.requestBegun();
      return {
        async didResolveOperation(requestContext) {
          const { document, operation, operationName, schema } = requestContext;
          if (!operation) return;
          if (introspectionUse(document, operation) === 'only') {
            introspectionOnly = true;
            return;
          }
          // The document as the policy left it (filter mode removes denied fields), under its hash.
          const sent = probed.get(`${requestContext.queryHash}:${operationName ?? ''}`, () => auditedDocument(schema, document));
          const mutable = requestContext as { document: DocumentNode; queryHash: string };
          mutable.document = sent.document;
          mutable.queryHash = sent.hash;
        },

        async willSendResponse(requestContext) {
          try {
            const { response, contextValue, operationName } = requestContext;
            if (response.body.kind !== 'single') return;
            const result = response.body.singleResult;
            // The document is the probed one the gateway sent: its guide leads the walk to the objects. Introspection
            // is recorded too, with no data subjects: its answer is the schema. Without data there is nothing to
            // guide, and the document may be one the limits refused, whose fragments multiply.
            const guide = requestContext.document && result.data && !introspectionOnly ? responseGuide(requestContext.document, operationName) : null;
            const { citizenIds, rowCount } = introspectionOnly ? { citizenIds: [], rowCount: 0 } : takeResponseSubjects(result.data, guide);
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
              await writeAuditRecord(audit, record, carriesPersonalData, logger, contextValue.note);
            } catch (error) {
              // Fail closed: personal data whose access could not be recorded is not sent.
              logger.error({ err: error }, 'audit store unavailable: personal data withheld');
              response.body.singleResult = {
                errors: [
                  {
                    message: 'The audit trail cannot record this access now, so personal data is withheld; try again later',
                    extensions: { code: ErrorCode.AUDIT_UNAVAILABLE },
                  },
                ],
              };
              response.http.status = 503;
            }
          } finally {
            audit.requestEnded();
          }
        },
      };
    },
  };
}
