import { Kind } from 'graphql';
import type { DocumentNode, SelectionSetNode } from 'graphql';
import { ErrorCode } from '../common/errors';

/** The codes a subgraph call that fails as a whole is reported with, each telling the client a different story. */
export type SubgraphFailureCode = typeof ErrorCode.SUBGRAPH_TIMEOUT | typeof ErrorCode.SUBGRAPH_AUTHENTICATION_FAILED | typeof ErrorCode.SUBGRAPH_UNAVAILABLE;

/**
 * A subgraph call that failed as a whole, told apart by its cause. Its message is what a client reads; reason
 * adds, for the operator's log, what the cause said (never a stack or a path).
 */
export class SubgraphFailure extends Error {
  constructor(
    readonly code: SubgraphFailureCode,
    readonly clientMessage: string,
    readonly reason: string,
  ) {
    super(`${clientMessage}: ${reason}`);
    this.name = 'SubgraphFailure';
  }
}

/** Given the body a subgraph answered a refusal with, returns the reason it gave, if it gave one. */
function refusalReason(body: unknown): string | undefined {
  const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const extensions = typeof first === 'object' && first !== null ? (first as { extensions?: { reason?: unknown } }).extensions : undefined;
  return typeof extensions?.reason === 'string' ? extensions.reason : undefined;
}

/**
 * Given why a call to a subgraph failed, the subgraph's name and the call's timeout, returns the failure a client
 * is told of: SUBGRAPH_TIMEOUT when no answer came in time, SUBGRAPH_AUTHENTICATION_FAILED when the subgraph
 * refused the gateway's signature (HTTP 401: the two do not share SUBGRAPH_SIGNING_KEY, or their clocks disagree),
 * and SUBGRAPH_UNAVAILABLE for the rest (refused connection, HTTP 5xx, a body that is not GraphQL).
 */
export function classifySubgraphFailure(cause: unknown, subgraph: string, timeoutMs: number): SubgraphFailure {
  const { name, message, code, extensions } = (typeof cause === 'object' && cause !== null ? cause : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    extensions?: { response?: { status?: unknown; body?: unknown } };
  };
  // The abort arrives as a DOMException, which is not an Error instance in every realm: read its name.
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new SubgraphFailure(
      ErrorCode.SUBGRAPH_TIMEOUT,
      `The ${subgraph} subgraph did not answer within ${timeoutMs} ms`,
      `no answer within ${timeoutMs} ms`,
    );
  }
  const status = extensions?.response?.status;
  if (status === 401) {
    return new SubgraphFailure(
      ErrorCode.SUBGRAPH_AUTHENTICATION_FAILED,
      `The ${subgraph} subgraph refused the gateway's signature`,
      refusalReason(extensions?.response?.body) ?? 'HTTP 401',
    );
  }
  const said =
    typeof status === 'number'
      ? `HTTP ${status}`
      : [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined].filter(Boolean).join(' ');
  return new SubgraphFailure(ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} subgraph is unavailable`, said || 'the call failed');
}

/** Given a selection set, returns the response names of its fields, type conditions and fragments flattened. */
function responseNames(selectionSet: SelectionSetNode, typeName: string | undefined, document: DocumentNode): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') names.push(selection.alias?.value ?? selection.name.value);
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection
        : document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
    if (!fragment || (fragment.kind !== Kind.INLINE_FRAGMENT && fragment.kind !== Kind.FRAGMENT_DEFINITION)) continue;
    const condition = fragment.typeCondition?.name.value;
    if (condition !== undefined && typeName !== undefined && condition !== typeName) continue;
    for (const name of responseNames(fragment.selectionSet, typeName, document)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Given the operation a failed call was to send the subgraph and, for an entity fetch, its representations,
 * returns the paths, in the subgraph's response, of the fields the failure leaves null: each root field of a
 * root fetch (["healthFacility"]); each field asked of each entity of an entity fetch (["_entities", 0,
 * "healthInsurance"]), which the gateway turns into paths of the client's response.
 */
export function pathsLeftNull(document: DocumentNode, representations: unknown): Array<Array<string | number>> {
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const entities = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD && selection.name.value === '_entities');
  if (!entities || entities.kind !== Kind.FIELD || !entities.selectionSet || !Array.isArray(representations)) {
    return responseNames(operation.selectionSet, undefined, document).map((name) => [name]);
  }
  const paths: Array<Array<string | number>> = [];
  representations.forEach((representation: unknown, index) => {
    const typeName = typeof representation === 'object' && representation !== null ? (representation as { __typename?: unknown }).__typename : undefined;
    for (const name of responseNames(entities.selectionSet!, typeof typeName === 'string' ? typeName : undefined, document))
      paths.push(['_entities', index, name]);
  });
  return paths;
}
