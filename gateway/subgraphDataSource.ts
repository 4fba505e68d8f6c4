import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { AccessContext } from '../common/accessContext';
import { ACCESS_CONTEXT_HEADER, signAccessContext } from '../common/accessContext';
import type { Sector } from '../common/config';
import { ErrorCode } from '../common/errors';
import type { GatewayContext } from './enforcement/context';
import type { SubgraphRequestInit } from './keepAliveFetcher';
import { keepAliveFetcher } from './keepAliveFetcher';

export interface SubgraphDataSourceOptions {
  name: Sector;
  url: string;
  timeoutMs: number;
  /** The key shared with the subgraphs; every call carries the caller's access context signed with it. */
  signingKey: Buffer;
  /** Reports a failed call with its cause, for the operator's log; the client sees only the subgraph's name. */
  onFailure(name: string, cause: unknown): void;
}

/** Carries the unsigned access context from willSendRequest to the fetcher, which alone sees the exact body. */
const PENDING_ACCESS_HEADER = 'x-dsp-access-pending';

/**
 * Given a timeout, the signing key and the subgraph, returns a fetcher over pooled keep-alive connections that
 * signs the pending access context over the exact body it sends, and gives up on a call not answered in time.
 */
export function signingFetcher(timeoutMs: number, signingKey: Buffer, audience: Sector): Fetcher {
  const send = keepAliveFetcher(timeoutMs);
  return ((url: string, init: SubgraphRequestInit & { headers: Record<string, string> }) => {
    const { [PENDING_ACCESS_HEADER]: pending, ...headers } = init.headers;
    if (pending !== undefined) {
      const context = JSON.parse(pending) as AccessContext;
      headers[ACCESS_CONTEXT_HEADER] = signAccessContext(signingKey, context, audience, String(init.body ?? ''), Date.now());
    }
    return send(url, { ...init, headers });
  }) as unknown as Fetcher;
}

/**
 * A subgraph call that fails as a whole (refused, timed out, not JSON, HTTP 5xx) becomes one error with
 * code SUBGRAPH_UNAVAILABLE that names the subgraph; the gateway still returns what the others answered.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.fetcher = signingFetcher(options.timeoutMs, options.signingKey, options.name);
    // Subgraph responses carry no cache hints; parsing Cache-Control on every call is wasted work.
    this.honorSubgraphCacheControlHeader = false;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // No decided access context means no signature: the subgraph then refuses the call (fail closed).
    const access = context.access?.[this.options.name];
    if (access && request.http) request.http.headers.set(PENDING_ACCESS_HEADER, JSON.stringify(access));
  }

  override async process(request: GraphQLDataSourceProcessOptions<GatewayContext>) {
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
