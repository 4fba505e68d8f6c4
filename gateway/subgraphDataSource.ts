import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { parse } from 'graphql';
import type { ConnectionOptions } from 'node:tls';
import type { AccessContext } from '../common/accessContext';
import { ACCESS_CONTEXT_HEADER, signAccessContext } from '../common/accessContext';
import type { SectorName } from '../common/sectors';
import { REQUEST_ID_HEADER } from '../common/requestId';
import type { GatewayContext } from './enforcement/context';
import type { SubgraphRequestInit } from './keepAliveFetcher';
import { poolFetcher } from './poolFetcher';
import type { SubgraphFailure } from './subgraphFailure';
import { classifySubgraphFailure, pathsLeftNull } from './subgraphFailure';
import { SubgraphHeaders } from './subgraphHeaders';

export interface SubgraphDataSourceOptions {
  name: SectorName;
  url: string;
  timeoutMs: number;
  /** The key shared with the subgraphs; every call carries the caller's access context signed with it. */
  signingKey: Buffer;
  /** The TLS options of an https subgraph URL: the CA to verify it with, the client certificate to show. */
  tls?: ConnectionOptions;
  /** Reports a failed call, with what its cause said, for the operator's log; the client sees its code and message. */
  onFailure(name: string, failure: SubgraphFailure): void;
  /** Told of every call: how long it took and the code it failed with or whose error it answered (null when none). */
  onFetched?(name: string, seconds: number, errorCode: string | null): void;
}

/** Carries the unsigned access context from willSendRequest to the fetcher, which alone sees the exact body. */
const PENDING_ACCESS_HEADER = 'x-dsp-access-pending';

/** What a subgraph call answers the gateway's executor: data, or errors with their paths in the subgraph's response. */
type SubgraphAnswer = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

/**
 * Given a timeout, the signing key, the subgraph and the TLS options of https calls, returns a fetcher over pooled
 * keep-alive connections that signs the pending access context over the exact body it sends, and gives up on a
 * call not answered in time. The connections are undici's Pool per subgraph origin rather than node:http's Agent:
 * on the same calls, alternated, it spent less client CPU per call in 6 of 7 pairs (median of the pairs 15% less;
 * bench/HISTORY.md, 2026-12-01), and it reuses an idle connection only within the server's keep-alive hint.
 */
export function signingFetcher(timeoutMs: number, signingKey: Buffer, audience: SectorName, tls: ConnectionOptions = {}): Fetcher {
  const send = poolFetcher(timeoutMs, tls);
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
 * A subgraph call that fails as a whole answers, instead of data, one error per field it leaves null, with that
 * field's path and a code that says why (SUBGRAPH_TIMEOUT, SUBGRAPH_AUTHENTICATION_FAILED, SUBGRAPH_UNAVAILABLE)
 * and names the subgraph; the gateway still returns what the others answered.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.fetcher = signingFetcher(options.timeoutMs, options.signingKey, options.name, options.tls);
    // Subgraph responses carry no cache hints; parsing Cache-Control on every call is wasted work.
    this.honorSubgraphCacheControlHeader = false;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // No decided access context means no signature: the subgraph then refuses the call (fail closed).
    const access = context.access?.[this.options.name];
    if (access && request.http) request.http.headers.set(PENDING_ACCESS_HEADER, JSON.stringify(access));
    // The subgraph logs the request under the id the gateway logs it with.
    if (context.requestId !== undefined) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  override async process(request: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphAnswer> {
    const started = performance.now();
    try {
      const answer = await this.call(request);
      const code = answer.errors?.[0]?.extensions?.code;
      this.options.onFetched?.(this.options.name, (performance.now() - started) / 1000, answer.errors?.length ? String(code ?? 'INTERNAL_SERVER_ERROR') : null);
      return answer;
    } catch (error) {
      const failure = classifySubgraphFailure(error, this.options.name, this.options.timeoutMs);
      this.options.onFetched?.(this.options.name, (performance.now() - started) / 1000, failure.code);
      this.options.onFailure(this.options.name, failure);
      const extensions = { code: failure.code, serviceName: this.options.name };
      const paths = request.request.query ? pathsLeftNull(parse(request.request.query), request.request.variables?.representations) : [];
      // Returned as the subgraph's errors, so that the gateway places each at its field in the client's response.
      if (paths.length === 0) return { errors: [{ message: failure.clientMessage, extensions }] };
      return { errors: paths.map((path) => ({ message: failure.clientMessage, path, extensions })) };
    }
  }

  /**
   * Given the executor's request, returns the subgraph's answer, or throws why there is none: what
   * RemoteGraphQLDataSource.process and its sendRequest do with APQ off and cache hints ignored (as the constructor
   * sets them), the same hooks called with the same request, the same errors thrown (errorFromResponse for a non-2xx
   * answer), but without the node-fetch Headers and Request they build per call, the Request never used by the
   * fetcher. didEncounterError, which by default only rethrows, is not called: this class does not override it.
   */
  private async call(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphAnswer> {
    const { request, context } = options;
    const headers = new SubgraphHeaders(request.http?.headers);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    this.willSendRequest(options);
    if (!request.query) throw new Error('Missing query');
    const { http: _http, ...body } = request;
    const response = await this.fetcher(this.url, { method: 'POST', headers: headers.record, body: JSON.stringify(body) });
    if (!response.ok) throw await this.errorFromResponse(response);
    const parsed = await this.parseBody(response);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    const answer: SubgraphAnswer = { ...parsed, http: response };
    if (!this.didReceiveResponse) return answer;
    const pathInIncomingRequest = 'pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined;
    return this.didReceiveResponse({
      response: answer,
      request,
      context: context as GatewayContext,
      ...(pathInIncomingRequest ? { pathInIncomingRequest } : {}),
    });
  }
}
