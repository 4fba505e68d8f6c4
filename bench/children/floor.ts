/**
 * The direct floor as a server in its own process, pinned where a gateway runs and driven by the same load
 * generator as the gateways, so that it is timed the same way: autocannon, from the load generator's CPU. For
 * each request (POST /<shape> with the shape's GraphQL body) it makes the calls a gateway makes for that shape
 * (root query, then _entities per level), signed, and answers with the subgraphs' data; it plans nothing and
 * merges nothing. It reads the bench's subgraphs from POPULATION_URL... and signs with SUBGRAPH_SIGNING_KEY.
 * Usage: node --import tsx bench/children/floor.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getConfig } from '../../common/config';
import type { GraphQLBody } from '../directClient';
import { subgraphCaller } from '../directClient';
import { announceServer, answerParentCalls } from '../ipc';
import { SHAPES, isShapeName } from '../shapes';
import { byBuiltInSector, sectorNamed } from '../../common/sectors';

/** Calls in flight per subgraph: above any concurrency the bench drives. */
const CONNECTIONS_PER_SUBGRAPH = 256;

/** Given a response, a status and a body, sends it as JSON. */
function answer(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Starts the floor's server on a free port and returns its base URL. */
async function startFloor(): Promise<{ url: string }> {
  const config = getConfig();
  const caller = subgraphCaller(
    byBuiltInSector((sector) => sectorNamed(config.sectors, sector).url),
    config.signingKey,
    CONNECTIONS_PER_SUBGRAPH,
  );
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const shape = (request.url ?? '').slice(1);
      if (request.method !== 'POST' || !isShapeName(shape)) {
        answer(response, 404, { errors: [{ message: `POST /<shape> (Q1, Q2...), not ${request.method} ${request.url}` }] });
        return;
      }
      let body: GraphQLBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLBody;
      } catch {
        answer(response, 400, { errors: [{ message: 'the body is not JSON' }] });
        return;
      }
      SHAPES[shape].direct(caller.call, body).then(
        (results) => {
          const failed = results.find((result) => result.status < 200 || result.status >= 300);
          const errors = results.flatMap((result) => result.errors ?? []);
          answer(response, failed ? 502 : 200, errors.length > 0 ? { errors } : { data: results.map((result) => result.data ?? null) });
        },
        (error: unknown) => answer(response, 502, { errors: [{ message: error instanceof Error ? error.message : String(error) }] }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/` };
}

answerParentCalls({});
void announceServer(startFloor);
