import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { BuiltInSector } from '../../common/sectors';
import { keepAliveFetch } from '../directClient';
import { signedAccessHeaders } from '../signing';

/**
 * Given Apollo's fetcher, the subgraph and the signing key, returns the fetcher that adds the signed access
 * header our subgraphs require, computed over the exact body sent: the one addition to Apollo's configuration.
 */
function signing(send: Fetcher, sector: BuiltInSector, signingKey: Buffer): Fetcher {
  return ((target, init = {}) =>
    send(target, { ...init, headers: { ...init.headers, ...signedAccessHeaders(signingKey, sector, String(init.body ?? '')) } })) as Fetcher;
}

/** How the peer is configured: Apollo's defaults, or with a keep-alive fetcher as a skilled user configures it. */
export type ApolloFetcherChoice = 'default' | 'keep-alive';

/**
 * Given the supergraph (with the subgraphs' URLs in it), the signing key and the fetcher, starts
 * @apollo/gateway in Apollo Server's standalone server: no query limits, no policy, no audit. With 'default',
 * every default of Apollo's, its make-fetch-happen fetcher included; with 'keep-alive', the data source's
 * documented `fetcher` option is given a lean keep-alive client over Node's HTTP (bench/directClient.ts).
 */
export async function startApolloGateway(
  supergraphSdl: string,
  signingKey: Buffer,
  fetcher: ApolloFetcherChoice,
): Promise<{ url: string; stop(): Promise<void> }> {
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const source =
        fetcher === 'default'
          ? new RemoteGraphQLDataSource({ url: url ?? '' })
          : new RemoteGraphQLDataSource({ url: url ?? '', fetcher: keepAliveFetch() as unknown as Fetcher });
      source.fetcher = signing(source.fetcher, name as BuiltInSector, signingKey);
      return source;
    },
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url: new URL('graphql', url).toString(), stop: () => server.stop() };
}
