import { createHash } from 'node:crypto';
import { print } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { PolicyMode } from '../../common/config';
import type { SectorName } from '../../common/sectors';
import { withCitizenIdProbe } from '../audit/citizenProbe';
import type { ExecutionConditions } from '../policy/conditions';
import type { Decision, FieldDecision } from '../policy/types';
import { removeDeniedFields } from './rewrite';
import { SCOPED_ENTITIES, withScopeProbe } from './scopeProbe';

/**
 * A document as the gateway hands it on, and its query hash. The query-plan cache of @apollo/gateway is keyed by
 * that hash (and the operation name), so a rewritten document gets the hash of its own text: a plan is only ever
 * reused for the very document it was built from.
 */
export interface SentDocument {
  document: DocumentNode;
  hash: string;
}

/** Given a document the gateway rewrote, returns it under the SHA-256 of its printed text. */
export function underItsHash(document: DocumentNode): SentDocument {
  return { document, hash: createHash('sha256').update(print(document)).digest('hex') };
}

/** What the policy changes in a request's document before any subgraph is asked. */
export interface PolicyRewrite {
  /** The document without the fields filter mode removes; null when the decision allows every field. */
  filtered: DocumentNode | null;
  /** The sectors whose rows the decision restricts, when an entity one of them owns is probed; null when none is. */
  restricted: ReadonlySet<SectorName> | null;
  /** What tells this rewrite from another of the same operation: the probed sectors and the filtered text. */
  key: string;
}

/**
 * Given the API schema, the operation's document, the decision, its fields by coordinate and the request's
 * @skip/@include conditions, returns what the policy rewrites (the denied fields removed, the scope probes of
 * the restricted owners), or null when the document goes on as it came. A decision that does not allow is
 * filtered: in deny mode it is refused before, and never rewritten.
 */
export function policyRewriteOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  decision: Decision,
  byCoordinate: ReadonlyMap<string, FieldDecision>,
  conditions: ExecutionConditions,
): PolicyRewrite | null {
  const filtered = decision.allowed ? null : removeDeniedFields(schema, document, byCoordinate, conditions);
  // An entity another subgraph returns by key is asked of its owner too when the owner restricts rows.
  const restricted = new Set(Object.keys(decision.scope).filter((sector) => decision.scope[sector] !== null));
  const probesScope = SCOPED_ENTITIES.some((entity) => restricted.has(entity.owner));
  if (!filtered && !probesScope) return null;
  const scopeKey = probesScope ? [...restricted].join(',') : '';
  return { filtered, restricted: probesScope ? restricted : null, key: `${scopeKey}:${filtered ? print(filtered) : ''}` };
}

/** Given the API schema, the operation's document and the policy's rewrite of it, returns the document the policy sends on. */
export function rewrittenDocument(schema: GraphQLSchema, document: DocumentNode, rewrite: PolicyRewrite): DocumentNode {
  return rewrite.restricted ? withScopeProbe(schema, rewrite.filtered ?? document, rewrite.restricted) : rewrite.filtered!;
}

/** Given the API schema and the document as the policy left it, returns the document with the audit's citizen-ID probe, under its hash. */
export function auditedDocument(schema: GraphQLSchema, document: DocumentNode): SentDocument {
  return underItsHash(withCitizenIdProbe(schema, document));
}

/** The enforcement plugins a gateway runs, in the order gateway/server.ts wires them: the policy's, then the audit's. */
export interface SendingChain {
  mode: PolicyMode;
  /** True when the audit plugin runs (every gateway but the benchmark's policy-only one). */
  audited: boolean;
}

/**
 * Given the API schema, a document as Apollo Server parsed it with its query hash, the policy's decision on it,
 * the request's conditions and the plugins the gateway runs, returns the document those plugins hand the query
 * planner, under the hash its plan is cached by; or null when the policy refuses it (deny mode). The plugins
 * take these same steps one by one, each behind a cache of its own.
 */
export function sentDocument(
  schema: GraphQLSchema,
  received: SentDocument,
  decision: Decision,
  conditions: ExecutionConditions,
  chain: SendingChain,
): SentDocument | null {
  if (!decision.allowed && chain.mode === 'deny') return null;
  const byCoordinate = new Map(decision.fields.map((field) => [field.coordinate, field]));
  const rewrite = policyRewriteOf(schema, received.document, decision, byCoordinate, conditions);
  const fromPolicy = rewrite ? underItsHash(rewrittenDocument(schema, received.document, rewrite)) : received;
  return chain.audited ? auditedDocument(schema, fromPolicy.document) : fromPolicy;
}
