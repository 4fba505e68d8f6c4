import http from 'node:http';
import type { Sector } from '../common/config';
import { SECTORS, bySector } from '../common/config';
import { signedAccessHeaders } from './signing';

/** A GraphQL request body as the bench sends it. */
export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
}

/** A GraphQL response as the bench reads it, with the HTTP status and the size of the body. */
export interface GraphQLResult {
  status: number;
  bytes: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Given a sector and a body, calls that subgraph and returns its answer. */
export type SubgraphCall = (sector: Sector, body: GraphQLBody) => Promise<GraphQLResult>;

/** Given a URL, a body and headers, posts the body over a keep-alive agent and returns the status and text. */
function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
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
export function subgraphCaller(urls: Record<Sector, string>, signingKey: Buffer, connections: number): { call: SubgraphCall; close(): void } {
  const targets = bySector((sector) => new URL(urls[sector]));
  const agents = bySector(() => new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections }));
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
      for (const sector of SECTORS) agents[sector].destroy();
    },
  };
}
