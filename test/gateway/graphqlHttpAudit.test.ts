import fs from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { auditServer } from 'graphql-http';
import type { AuditResult } from 'graphql-http';
import { SUPERGRAPH_PATH } from '../../schema/load';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

/** Given audit results, returns those that are not ok, as "status id name", sorted. */
function failures(results: AuditResult[]): string[] {
  return results
    .filter((result) => result.status !== 'ok')
    .map((result) => `${result.status} ${result.id} ${result.name}`)
    .sort();
}

describe("graphql-http's audit of the GraphQL over HTTP spec", () => {
  let seeded: SeededPlatform;
  let plain: ApolloServer;
  let plainUrl: string;

  beforeAll(async () => {
    seeded = await startSeededPlatform(20);
    // Plain @apollo/gateway over the same supergraph, in Apollo Server's standalone server with Apollo's defaults.
    plain = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: fs.readFileSync(SUPERGRAPH_PATH, 'utf8') }) });
    plainUrl = new URL('graphql', (await startStandaloneServer(plain, { listen: { host: '127.0.0.1', port: 0 } })).url).toString();
  });

  afterAll(async () => {
    await plain?.stop();
    await seeded?.stop();
  });

  it('finds no failure or warning in our gateway that plain @apollo/gateway does not have', async () => {
    const ours = failures(await auditServer({ url: seeded.platform.gateway.url }));
    const theirs = failures(await auditServer({ url: plainUrl }));
    expect(ours.filter((failure) => !theirs.includes(failure))).toEqual([]);
    // Every requirement (MUST) is met.
    expect(ours.filter((failure) => failure.startsWith('error'))).toEqual([]);
  });
});
