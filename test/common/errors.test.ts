import { ApolloServer } from '@apollo/server';
import { maskError } from '../../common/errors';

/** A server that parses without a token bound, so that nesting alone decides: as the gateway's routes format their errors. */
function serverWithoutTokenBound(reported: unknown[]): ApolloServer {
  return new ApolloServer({
    typeDefs: 'type Query { a(x: [Int]): Int }',
    resolvers: { Query: { a: () => 1 } },
    formatError: (formatted, error) => maskError(formatted, error, 'gateway', (cause) => reported.push(cause)),
  });
}

describe('maskError', () => {
  const reported: unknown[] = [];
  const server = serverWithoutTokenBound(reported);

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it.each([
    ['selections', `${'{ a '.repeat(50_000)}${'}'.repeat(50_000)}`],
    ['a list value', `{ a(x: ${'['.repeat(50_000)}1${']'.repeat(50_000)}) }`],
    ['an object value', `{ a(x: ${'{ b: '.repeat(50_000)}1${' }'.repeat(50_000)}) }`],
  ])('answers %s nested past the parser as the nesting limit, not the engine stack overflow', async (_case, query) => {
    const response = await server.executeOperation({ query });
    expect(response.body.kind).toBe('single');
    const result = response.body.kind === 'single' ? response.body.singleResult : null;
    expect(result!.errors).toEqual([
      { message: 'The document is too complex: it is nested too deeply to be read', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'nesting' } },
    ]);
    expect(response.http.status).toBe(400);
    expect(reported).toEqual([]);
  });

  it('keeps a syntax error a syntax error', async () => {
    const response = await server.executeOperation({ query: '{ a(' });
    const result = response.body.kind === 'single' ? response.body.singleResult : null;
    expect(result!.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
