import http from 'node:http';
import net from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { HttpLimits } from '../../common/config';
import type { HttpServerHandle, RequestAnswer } from '../../common/httpServer';
import { startHttpServer } from '../../common/httpServer';
import { getLogger } from '../../common/logger';

const LIMITS: HttpLimits = { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, maxBodyBytes: 2048, maxConnectionsPerClient: 3 };

interface Started {
  handle: HttpServerHandle;
  port: number;
  answers: RequestAnswer[];
}

async function startEchoServer(limits: HttpLimits): Promise<Started> {
  const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'xin chào' } } });
  const answers: RequestAnswer[] = [];
  const handle = await startHttpServer(
    [{ path: '/graphql', server, context: async () => ({}) }],
    { port: 0, host: '127.0.0.1', limits, onAnswered: (_request, answer) => answers.push(answer) },
    getLogger('test'),
  );
  return { handle, port: Number(new URL(handle.baseUrl).port), answers };
}

/** Given a port, what to write and where from, returns what the server sent back and when it closed (ms). */
function rawExchange(port: number, written: string, localAddress = '127.0.0.1'): Promise<{ received: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ received, closedAfterMs: performance.now() - started }));
    socket.write(written);
  });
}

/** Opens a connection and resolves once the server has it (it answers a first request on it). */
function openConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('data', () => resolve(socket));
    socket.write('GET /graphql?query=%7Bhello%7D HTTP/1.1\r\nHost: x\r\napollo-require-preflight: 1\r\n\r\n');
  });
}

function get(port: number, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, localAddress, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ query: '{ hello }' }));
  });
}

describe('startHttpServer', () => {
  describe('timeouts and body size', () => {
    let started: Started;
    beforeAll(async () => {
      started = await startEchoServer(LIMITS);
    });
    afterAll(async () => {
      await started?.handle.stop();
    });

    it('answers 408 and closes a connection whose headers are not sent in time', async () => {
      const { received, closedAfterMs } = await rawExchange(started.port, 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: applic');
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)).errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
      expect(closedAfterMs).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
      expect(closedAfterMs).toBeLessThan(LIMITS.headersTimeoutMs + 1500);
    });

    it('answers 408 and closes a connection whose body is not sent in time', async () => {
      const { received, closedAfterMs } = await rawExchange(
        started.port,
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":',
      );
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAfterMs).toBeLessThan(LIMITS.requestTimeoutMs + 1500);
    });

    it('closes an idle keep-alive connection after its timeout', async () => {
      const socket = await openConnection(started.port);
      const closedAfter = await new Promise<number>((resolve) => {
        const idleSince = performance.now();
        socket.on('close', () => resolve(performance.now() - idleSince));
      });
      expect(closedAfter).toBeLessThan(LIMITS.keepAliveTimeoutMs + 1500);
    });

    it.each([
      ['declared', { 'content-length': '4000' }],
      ['streamed without a length', { 'transfer-encoding': 'chunked' }],
    ])('answers a body over the bound (%s) with 413 PAYLOAD_TOO_LARGE', async (_case, headers) => {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          { host: '127.0.0.1', port: started.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
          (response) => {
            let body = '';
            response.on('data', (chunk) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ query: `{ hello } #${'x'.repeat(3900)}` }));
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).errors[0]).toEqual({ message: 'The request body is over 2048 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(started.answers.at(-1)).toMatchObject({ route: '/graphql', status: 413 });
      expect(started.answers.at(-1)!.errorCode()).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('connections per client', () => {
    let started: Started;
    beforeAll(async () => {
      started = await startEchoServer({ ...LIMITS, headersTimeoutMs: 10_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 10_000 });
    });
    afterAll(async () => {
      await started?.handle.stop();
    });

    it('refuses the connection over the bound from one address with 429, serves other addresses, and frees the slot on close', async () => {
      const held = await Promise.all([openConnection(started.port), openConnection(started.port), openConnection(started.port)]);
      try {
        const refused = await rawExchange(
          started.port,
          'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{"query":"{hello}"}',
        );
        expect(refused.received).toMatch(/^HTTP\/1\.1 429 /);
        expect(JSON.parse(refused.received.slice(refused.received.indexOf('\r\n\r\n') + 4)).errors[0].extensions.code).toBe('TOO_MANY_CONNECTIONS');
        const other = await get(started.port, '127.0.0.2');
        expect(other.status).toBe(200);
        expect(JSON.parse(other.body)).toEqual({ data: { hello: 'xin chào' } });
      } finally {
        await new Promise<void>((resolve) => {
          held[0]!.once('close', () => resolve());
          held[0]!.destroy();
        });
      }
      // The server sees the close a moment after the client.
      let again = await get(started.port, '127.0.0.1');
      for (let attempt = 0; attempt < 20 && again.status === 429; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        again = await get(started.port, '127.0.0.1');
      }
      expect(again.status).toBe(200);
      for (const socket of held) socket.destroy();
    });
  });
});
