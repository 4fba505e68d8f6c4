/** The body of a GraphQL response, as a test reads it. */
export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

/** Given a GraphQL endpoint, a query and variables, posts them and returns the HTTP status with the parsed body. */
export async function postGraphQL<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Given a response, returns the codes of its errors, in order. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}
