import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../common/errors';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  timeoutMs: number;
  /** Reports a failed call with its cause, for the operator's log; the client sees only the subgraph's name. */
  onFailure(name: string, cause: unknown): void;
}

/**
 * Given a timeout, returns a fetcher on Node's built-in HTTP client (undici), which keeps connections
 * alive between calls, and aborts a call that has not answered in time.
 */
export function keepAliveFetcher(timeoutMs: number): Fetcher {
  return ((url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}

/**
 * A subgraph call that fails as a whole (refused, timed out, not JSON, HTTP 5xx) becomes one error with
 * code SUBGRAPH_UNAVAILABLE that names the subgraph; the gateway still returns what the others answered.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource {
  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.fetcher = keepAliveFetcher(options.timeoutMs);
    // Subgraph responses carry no cache hints; parsing Cache-Control on every call is wasted work.
    this.honorSubgraphCacheControlHeader = false;
  }

  override async process(request: GraphQLDataSourceProcessOptions) {
    try {
      return await super.process(request);
    } catch (error) {
      this.options.onFailure(this.options.name, error);
      // The abort arrives as a DOMException, which is not an Error instance in every realm: read its name.
      const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new GraphQLError(
        timedOut
          ? `The ${this.options.name} subgraph did not answer within ${this.options.timeoutMs} ms`
          : `The ${this.options.name} subgraph is unavailable`,
        { extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: this.options.name } },
      );
    }
  }
}
