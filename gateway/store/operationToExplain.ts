import { getOperationAST, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { printable } from '../../common/nationalId';
import { collectFields, selectOperation } from '../policy/collectFields';
import { conditionVariableNames, executionConditions } from '../policy/conditions';
import type { FieldCoordinate } from '../policy/types';
import { badInput } from './errors';

/** An operation a steward asks about, as text, with the variables that decide its @skip and @include. */
export interface OperationText {
  query: string;
  operationName: string | null;
  variables: Readonly<Record<string, unknown>> | null;
}

function parsed(query: string): DocumentNode {
  try {
    return parse(query);
  } catch (error) {
    throw badInput(`The operation does not parse: ${(error as Error).message}`);
  }
}

/**
 * Given the API schema and an operation as a steward writes it, returns the fields the gateway would decide
 * for it, as for a request with those variables; throws BAD_USER_INPUT when it does not parse, is not valid
 * against the schema, names no operation of the document, or its variables are not an object.
 */
export function fieldsToExplain(apiSchema: GraphQLSchema, { query, operationName, variables }: OperationText): FieldCoordinate[] {
  const document = parsed(query);
  const [invalid] = validate(apiSchema, document);
  if (invalid) throw badInput(`The operation is not valid against the API schema: ${invalid.message}`);
  if (!getOperationAST(document, operationName)) {
    throw badInput(operationName ? `The document has no operation named "${printable(operationName)}"` : 'The document holds several operations: name the one to explain');
  }
  if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) throw badInput('The variables must be a JSON object: { "name": value }');
  const conditions = executionConditions(selectOperation(document, operationName), conditionVariableNames(document), variables);
  return collectFields(apiSchema, document, operationName, conditions);
}
