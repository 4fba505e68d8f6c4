import { getOperationAST, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { printable } from '../../common/nationalId';
import { collectFields } from './collectFields';
import { decide } from './decide';
import type { Decision, PolicySnapshot, Principal, Purpose, SchemaCatalog } from './types';

export interface OperationDecisionInput {
  /** The API schema the operation is written against. */
  schema: GraphQLSchema;
  catalog: SchemaCatalog;
  snapshot: PolicySnapshot;
  principal: Principal;
  purpose: Purpose | null;
  query: string;
  operationName: string | null;
  now: Date;
}

/** The decision on an operation, or why the operation cannot be decided (it does not parse, is invalid, or is ambiguous). */
export type OperationDecision = { decision: Decision } | { problem: string };

function documentOf(schema: GraphQLSchema, query: string, operationName: string | null): DocumentNode | string {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return `The operation does not parse: ${(error as Error).message}`;
  }
  const [invalid] = validate(schema, document);
  if (invalid) return `The operation is not valid against the API schema: ${invalid.message}`;
  if (!getOperationAST(document, operationName)) {
    return operationName ? `The document has no operation named "${printable(operationName)}"` : 'The document holds several operations: name the one to explain';
  }
  return document;
}

/**
 * Given an operation's text, who sends it, for which purpose, the policy and the clock, returns the decision the
 * gateway takes on it (decide() over the fields it can touch), without executing anything: what stewards'
 * explain and agencies' explainOperation answer.
 */
export function decideOperation(input: OperationDecisionInput): OperationDecision {
  const document = documentOf(input.schema, input.query, input.operationName);
  if (typeof document === 'string') return { problem: document };
  const fields = collectFields(input.schema, document, input.operationName);
  const { principal, purpose, snapshot, catalog, now } = input;
  return { decision: decide({ principal, purpose, fields, snapshot, catalog, now }) };
}
