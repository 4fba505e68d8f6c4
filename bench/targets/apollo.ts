import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Sector } from '../../common/config';
import { signedAccessHeaders } from '../signing';

/**
 * Apollo's data source with its default fetcher (make-fetch-happen) and every other default; the only
 * addition is the signed access header our subgraphs require, computed over the exact body sent.
 */
class SignedRemoteDataSource extends RemoteGraphQLDataSource {
  constructor(url: string, sector: Sector, signingKey: Buffer) {
    super({ url });
    const send = this.fetcher;
    this.fetcher = ((target, init = {}) =>
      send(target, { ...init, headers: { ...init.headers, ...signedAccessHeaders(signingKey, sector, String(init.body ?? '')) } })) as Fetcher;
  }
}

/**
 * Given the supergraph (with the subgraphs' URLs in it) and the signing key, starts plain @apollo/gateway
 * in Apollo Server's standalone server with Apollo's defaults: no query limits, no policy, no audit.
 */
export async function startApolloGateway(supergraphSdl: string, signingKey: Buffer): Promise<{ url: string }> {
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SignedRemoteDataSource(url ?? '', name as Sector, signingKey),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url: new URL('graphql', url).toString() };
}
