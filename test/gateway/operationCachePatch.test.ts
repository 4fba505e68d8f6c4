import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { Kind, parse, print, visit } from 'graphql';

/** The marker the patch leaves in the installed executeQueryPlan.js. */
const MARKER = 'dsp-operation-cache';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const PEOPLE_SDL = parse(`${LINK} type Query { person(id: ID!): Person } type Person @key(fields: "id") { id: ID! name: String! }`);
const CARDS_SDL = parse(`${LINK} type Person @key(fields: "id") { id: ID! card: Card } type Card { level: Int! }`);
const people = buildSubgraphSchema({
  typeDefs: PEOPLE_SDL,
  resolvers: { Query: { person: (_: unknown, { id }: { id: string }) => ({ id, name: `Person ${id}` }) } },
});
const cards = buildSubgraphSchema({
  typeDefs: CARDS_SDL,
  resolvers: { Person: { __resolveReference: ({ id }: { id: string }) => ({ id }), card: ({ id }: { id: string }) => ({ level: Number(id) * 10 }) } },
});

const QUERY = `query Person($id: ID!, $withCard: Boolean!) {
  person(id: $id) { name ...Card @include(if: $withCard) }
}
fragment Card on Person { card { level } }`;

/** Given a document, returns it with the Card fragment asking for the id instead, every other node the same object. */
function withCardFragmentRewritten(document: DocumentNode): DocumentNode {
  return visit(document, {
    FragmentDefinition: (fragment) =>
      fragment.name.value === 'Card'
        ? { ...fragment, selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'id' } }] } }
        : undefined,
  });
}

/** Rewrites a request's document, as the gateway's enforcement plugins do, when its variables ask for it. */
const rewriting: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation(requestContext) {
        if (requestContext.request.variables?.rewrite !== true) return;
        const rewritten = withCardFragmentRewritten(requestContext.document);
        const mutable = requestContext as unknown as { document: DocumentNode; queryHash: string };
        mutable.document = rewritten;
        mutable.queryHash = createHash('sha256').update(print(rewritten)).digest('hex');
      },
    };
  },
};

/** Counts the calls execution makes to operationFromDocument (the planner's own calls pass no validate: false). */
function countExecutionBuilds(): { count: () => number; restore: () => void } {
  // The module the gateway reaches through @apollo/federation-internals' re-export, in this test's registry.
  const operations = jest.requireActual<{ operationFromDocument: (...args: unknown[]) => unknown }>('@apollo/federation-internals/dist/operations');
  const spy = jest.spyOn(operations, 'operationFromDocument');
  return {
    count: () => spy.mock.calls.filter((call) => (call[2] as { validate?: boolean } | undefined)?.validate === false).length,
    restore: () => spy.mockRestore(),
  };
}

describe('the @apollo/gateway patch that caches the Operation execution builds per document', () => {
  let server: ApolloServer;
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };

  beforeAll(async () => {
    const composed = composeServices([
      { name: 'people', typeDefs: PEOPLE_SDL, url: 'http://people.test/graphql' },
      { name: 'cards', typeDefs: CARDS_SDL, url: 'http://cards.test/graphql' },
    ]);
    if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      buildService: ({ name }) => new LocalGraphQLDataSource(name === 'people' ? people : cards),
    });
    server = new ApolloServer({ gateway, plugins: [rewriting] });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('is the patch for the installed version, and is applied', () => {
    const gatewayDirectory = path.dirname(require.resolve('@apollo/gateway/package.json'));
    const { version } = JSON.parse(fs.readFileSync(path.join(gatewayDirectory, 'package.json'), 'utf8')) as { version: string };
    const patch = path.join(__dirname, '../../patches', `@apollo+gateway+${version}.patch`);
    expect(fs.existsSync(patch)).toBe(true);
    expect(fs.readFileSync(patch, 'utf8')).toContain(MARKER);
    expect(fs.readFileSync(path.join(gatewayDirectory, 'dist/executeQueryPlan.js'), 'utf8')).toContain(MARKER);
  });

  it("builds the Operation once for a document asked again, the answers still shaped by each request's variables", async () => {
    const builds = countExecutionBuilds();
    try {
      await expect(ask(QUERY, { id: '1', withCard: true })).resolves.toEqual({ data: { person: { name: 'Person 1', card: { level: 10 } } } });
      await expect(ask(QUERY, { id: '2', withCard: false })).resolves.toEqual({ data: { person: { name: 'Person 2' } } });
      await expect(ask(QUERY, { id: '3', withCard: true })).resolves.toEqual({ data: { person: { name: 'Person 3', card: { level: 30 } } } });
      expect(builds.count()).toBe(1);
      // Another text is another document: its own Operation.
      await expect(ask(`${QUERY}\n`, { id: '4', withCard: true })).resolves.toEqual({ data: { person: { name: 'Person 4', card: { level: 40 } } } });
      expect(builds.count()).toBe(2);
    } finally {
      builds.restore();
    }
  });

  it('does not reuse the Operation of a document whose fragments were rewritten under the same operation node', async () => {
    const builds = countExecutionBuilds();
    try {
      await expect(ask(QUERY, { id: '5', withCard: true, rewrite: false })).resolves.toEqual({ data: { person: { name: 'Person 5', card: { level: 50 } } } });
      await expect(ask(QUERY, { id: '5', withCard: true, rewrite: true })).resolves.toEqual({ data: { person: { name: 'Person 5', id: '5' } } });
      await expect(ask(QUERY, { id: '6', withCard: true, rewrite: false })).resolves.toEqual({ data: { person: { name: 'Person 6', card: { level: 60 } } } });
      // The rewritten fragments, then the original ones again: each a build of its own.
      expect(builds.count()).toBe(2);
    } finally {
      builds.restore();
    }
  });
});
