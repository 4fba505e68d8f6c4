import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';
import type { DocumentNode } from 'graphql';
import { ErrorCode } from '../../common/errors';
import { printable } from '../../common/nationalId';

/**
 * Given a document in which Apollo Server found no operation to run and the operationName the request gave,
 * returns why, as the client sees it (OPERATION_RESOLUTION_FAILURE, HTTP 400).
 */
export function operationResolutionError(document: DocumentNode, operationName: string | null | undefined): GraphQLError {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  const message = operationName
    ? `The document has no operation named "${printable(operationName)}"`
    : operations === 0
      ? 'The document contains no operation'
      : `The document contains ${operations} operations: name the one to run in operationName`;
  return new GraphQLError(message, { extensions: { code: ErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } });
}

/**
 * A request whose operationName names no operation of its document, or that names none where the document
 * holds several, is refused before the planner sees it, which would otherwise answer HTTP 500.
 */
export function operationResolutionPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) throw operationResolutionError(document, request.operationName);
        },
      };
    },
  };
}
