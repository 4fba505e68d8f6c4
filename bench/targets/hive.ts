import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import { signedAccessHeaders } from '../signing';

/**
 * Given the subgraphs' URLs and the signing key, returns a plugin that adds the signed access header our
 * subgraphs require to every subgraph call, over the exact body sent: the one addition to Hive's defaults.
 */
function signSubgraphCalls(urls: Record<BuiltInSector, string>, signingKey: Buffer): GatewayPlugin {
  const sectorByUrl = new Map(BUILT_IN_SECTORS.map((sector) => [urls[sector], sector]));
  return {
    onFetch({ url, options, setOptions }) {
      const sector = sectorByUrl.get(url);
      if (sector === undefined) return;
      const headers = { ...(options.headers as Record<string, string> | undefined), ...signedAccessHeaders(signingKey, sector, String(options.body ?? '')) };
      setOptions({ ...options, headers });
    },
  };
}

/**
 * Given the supergraph (with the subgraphs' URLs in it), those URLs and the signing key, starts Hive Gateway
 * with its defaults on a Node HTTP server; with routerRuntime, its query planner is the Rust one of
 * @graphql-hive/router-runtime instead of the JavaScript one.
 */
export async function startHiveGateway(
  supergraphSdl: string,
  urls: Record<BuiltInSector, string>,
  signingKey: Buffer,
  routerRuntime: boolean,
): Promise<{ url: string }> {
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: 'warn',
    plugins: () => [signSubgraphCalls(urls, signingKey)],
    ...(routerRuntime ? { unifiedGraphHandler } : {}),
  });
  const server = http.createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql` };
}
