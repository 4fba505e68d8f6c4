import type { AccessContext } from '../../common/accessContext';
import { ACCESS_CONTEXT_HEADER, signAccessContext } from '../../common/accessContext';
import type { SectorName } from '../../common/sectors';
import type { RunningServer } from '../../common/subgraphServer';
import type { GraphQLResponse } from './graphql';

/** The key test subgraphs are started with, standing in for the one shared with the gateway. */
export const TEST_SIGNING_KEY = Buffer.from('a test key shared by the gateway and its subgraphs', 'utf8');

/** What a caller with no restriction sees: an agency, no scope, no masks. */
export const FULL_ACCESS: AccessContext = {
  principal: { kind: 'AGENCY', agencyCode: 'H56.10', credentialId: 'test' },
  purpose: null,
  scope: null,
  masks: {},
};

/** How to sign one request: the context (over FULL_ACCESS), the key, the audience and the clock; each part may be changed. */
export interface SigningOptions {
  access?: Partial<AccessContext>;
  key?: Buffer;
  audience?: SectorName;
  now?: number;
}

/** Given a query and variables, returns the exact body a client sends. */
export function bodyOf(query: string, variables: Record<string, unknown> = {}): string {
  return JSON.stringify({ query, variables });
}

/** Given the sector a body is for and the body, returns the header the gateway would sign it with. */
export function accessHeader(sector: SectorName, rawBody: string, options: SigningOptions = {}): Record<string, string> {
  const access = { ...FULL_ACCESS, ...options.access };
  return {
    [ACCESS_CONTEXT_HEADER]: signAccessContext(options.key ?? TEST_SIGNING_KEY, access, options.audience ?? sector, rawBody, options.now ?? Date.now()),
  };
}

/** Given a URL, a raw body and headers, posts the body as JSON and returns the status with the parsed response. */
export async function postRaw(url: string, rawBody: string, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: rawBody });
  const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
  return { status: response.status, ...body };
}

/**
 * Given a running subgraph, its sector, a query, variables and the caller's access (over FULL_ACCESS),
 * posts the query with the access context signed for exactly the body sent, as the gateway does.
 */
export function postToSubgraph(
  server: RunningServer,
  sector: SectorName,
  query: string,
  variables: Record<string, unknown> = {},
  access: Partial<AccessContext> = {},
): Promise<GraphQLResponse> {
  const rawBody = bodyOf(query, variables);
  return postRaw(server.url, rawBody, accessHeader(sector, rawBody, { access }));
}

/** Given a subgraph and its sector, returns postToSubgraph bound to them: what a test file calls. */
export function subgraphClient(server: () => RunningServer, sector: SectorName) {
  return (query: string, variables: Record<string, unknown> = {}, access: Partial<AccessContext> = {}) =>
    postToSubgraph(server(), sector, query, variables, access);
}

/** A function that posts a query with variables to one subgraph, signed as some caller. */
export type SubgraphPost = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;

/**
 * Given how to post, a query with an `$after: String` variable, its other variables and the connection
 * field it reads, follows endCursor to the last page and returns every page's whole response.
 */
export async function collectPages(post: SubgraphPost, query: string, variables: Record<string, unknown>, field: string): Promise<GraphQLResponse[]> {
  const pages: GraphQLResponse[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const response = await post(query, { ...variables, after });
    pages.push(response);
    const pageInfo = response.data?.[field]?.pageInfo as { hasNextPage: boolean; endCursor: string | null } | undefined;
    if (!pageInfo?.hasNextPage) return pages;
    after = pageInfo.endCursor;
  }
  throw new Error(`${field} did not end after 50 pages`);
}
