import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { byBuiltInSector } from '../../common/sectors';
import { keepAliveFetch } from '../../bench/directClient';
import { startApolloGateway } from '../../bench/targets/apollo';
import { supergraphWithUrls } from '../../bench/targets/supergraph';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

describe('keepAliveFetch', () => {
  it('answers as fetch does, over one kept-alive connection', async () => {
    let connections = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: { method: request.method } }));
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    try {
      const fetch = keepAliveFetch();
      for (let call = 0; call < 5; call += 1) {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect({ ok: response.ok, status: response.status, type: response.headers.get('Content-Type'), body: await response.json() }).toEqual({
          ok: true,
          status: 200,
          type: 'application/json',
          body: { data: { method: 'POST' } },
        });
      }
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('@apollo/gateway with a keep-alive fetcher', () => {
  let seeded: SeededPlatform;

  beforeAll(async () => {
    seeded = await startSeededPlatform(200);
  }, 120_000);

  afterAll(async () => {
    await seeded?.stop();
  });

  it('answers through signed calls to the subgraphs, as with its default fetcher', async () => {
    const [row] = (await seeded.databases.databases
      .population('citizens')
      .select({ id: 'national_id', name: 'full_name' })
      .orderBy('national_id')
      .limit(1)) as Array<{ id: string; name: string }>;
    const urls = byBuiltInSector((sector) => seeded.platform.subgraphs[sector].url);
    const answers: unknown[] = [];
    for (const fetcher of ['keep-alive', 'default'] as const) {
      const gateway = await startApolloGateway(supergraphWithUrls(urls), seeded.signingKey, fetcher);
      try {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query($id: ID!) { citizen(nationalId: $id) { fullName landParcels { parcelNumber } } }', variables: { id: row!.id } }),
        });
        answers.push(await response.json());
      } finally {
        await gateway.stop();
      }
    }
    expect(answers[0]).toMatchObject({ data: { citizen: { fullName: row!.name } } });
    expect(answers[0]).toEqual(answers[1]);
  }, 60_000);
});
