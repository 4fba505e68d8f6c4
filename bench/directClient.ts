import http from 'node:http';
import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS, byBuiltInSector } from '../common/sectors';
import type { SubgraphResponse } from '../gateway/keepAliveFetcher';
import { keepAliveFetcher } from '../gateway/keepAliveFetcher';
import { signedAccessHeaders } from './signing';

/** How long a peer's subgraph call may take: our gateway's SUBGRAPH_TIMEOUT_MS default. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** A GraphQL request body as the bench sends it. */
export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
}

/** A GraphQL response as the bench reads it, with the HTTP status and the size of the body. */
export interface GraphQLResult {
  status: number;
  bytes: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Given an answer and a root field's name, returns that field's value, of the shape its query asked for. */
export function rootField<T>(result: GraphQLResult, name: string): T | undefined {
  return (result.data?.[name] ?? undefined) as T | undefined;
}

/** Given a sector and a body, calls that subgraph and returns its answer. */
export type SubgraphCall = (sector: BuiltInSector, body: GraphQLBody) => Promise<GraphQLResult>;

/** Given a URL, a body and headers, posts the body over a keep-alive agent and returns the status, headers and text. */
function post(
  agent: http.Agent,
  url: URL,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error(`no answer from ${url.href} within 10 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Given the subgraphs' URLs, the signing key and how many calls may be in flight per subgraph, returns a
 * caller that signs each body, as the gateway does, and parses the answer.
 */
export function subgraphCaller(urls: Record<BuiltInSector, string>, signingKey: Buffer, connections: number): { call: SubgraphCall; close(): void } {
  const targets = byBuiltInSector((sector) => new URL(urls[sector]));
  const agents = byBuiltInSector(() => new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections }));
  return {
    async call(sector, body) {
      const text = JSON.stringify(body);
      const response = await post(agents[sector], targets[sector], text, signedAccessHeaders(signingKey, sector, text));
      let parsed: Omit<GraphQLResult, 'status' | 'bytes'>;
      try {
        parsed = JSON.parse(response.text) as Omit<GraphQLResult, 'status' | 'bytes'>;
      } catch {
        parsed = { errors: [{ message: `the ${sector} subgraph answered HTTP ${response.status} with a body that is not JSON` }] };
      }
      return { status: response.status, bytes: Buffer.byteLength(response.text), ...parsed };
    },
    close() {
      for (const sector of BUILT_IN_SECTORS) agents[sector].destroy();
    },
  };
}

/**
 * Returns a fetch-style function over Node's HTTP client with pooled keep-alive connections: our gateway's own
 * subgraph client (gateway/keepAliveFetcher.ts), the kind of lean client a skilled user hands @apollo/gateway
 * through its documented `fetcher` option, so that both gateways are measured over the same client.
 */
export function keepAliveFetch(): (url: string, init?: { method?: string; headers?: Record<string, string>; body?: unknown }) => Promise<SubgraphResponse> {
  const fetcher = keepAliveFetcher(KEEP_ALIVE_TIMEOUT_MS);
  return (url, init = {}) => fetcher(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, body: String(init.body ?? '') });
}
