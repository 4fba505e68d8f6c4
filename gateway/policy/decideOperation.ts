import { getOperationAST, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { printable } from '../../common/nationalId';
import { collectFields, selectOperation } from './collectFields';
import { conditionVariableNames, executionConditions } from './conditions';
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
  /** The request's variables, which decide its @skip and @include; null for none given. */
  variables: Readonly<Record<string, unknown>> | null;
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
    return operationName
      ? `The document has no operation named "${printable(operationName)}"`
      : 'The document holds several operations: name the one to explain';
  }
  return document;
}

/**
 * Given an operation's text and variables, who sends it, for which purpose, the policy and the clock, returns the
 * decision the gateway takes on it (decide() over the fields it can touch with those variables), without
 * executing anything: what stewards' explain and agencies' explainOperation answer.
 */
export function decideOperation(input: OperationDecisionInput): OperationDecision {
  const document = documentOf(input.schema, input.query, input.operationName);
  if (typeof document === 'string') return { problem: document };
  const { variables } = input;
  if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    return { problem: 'The variables must be a JSON object: { "name": value }' };
  const conditions = executionConditions(selectOperation(document, input.operationName), conditionVariableNames(document), variables);
  const fields = collectFields(input.schema, document, input.operationName, conditions);
  const { principal, purpose, snapshot, catalog, now } = input;
  return { decision: decide({ principal, purpose, fields, snapshot, catalog, now }) };
}
