/**
 * A small round-robin HTTP load balancer over gateway replicas on one machine, as a cluster's would stand in front
 * of them: the bench's two-replica target and the replicas' tests share it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  /** The balancer's origin (http://127.0.0.1:<port>): a request to any path goes to the next replica, same path. */
  baseUrl: string;
  /** How many requests each replica was handed, in the order of the replicas given. */
  handed(): number[];
  stop(): Promise<void>;
}

/** Connection errors that say the replica was not reached: the request can go to the next one unchanged. */
const NOT_REACHED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND']);
/** Headers of one hop, which a proxy does not pass on (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function passedOn(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * Given the replicas' origins, starts a balancer on 127.0.0.1 that hands each request to the next replica in turn
 * over kept-alive connections, and to the one after when a replica cannot be reached (a replica killed or not yet
 * started), so that no request is lost to a replica that never saw it; a replica that fails after taking the
 * request is answered 502, since the request may have been served. Answers 502 when no replica can be reached.
 */
export async function startLoadBalancer(replicas: readonly string[], port = 0): Promise<LoadBalancer> {
  if (replicas.length === 0) throw new Error('a load balancer needs at least one replica');
  const targets = replicas.map((origin) => new URL(origin));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const counts = targets.map(() => 0);
  let next = 0;

  const forward = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, first: number, attempt: number) => {
    const index = (first + attempt) % targets.length;
    const target = targets[index]!;
    counts[index]! += 1;
    const upstream = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...passedOn(request.headers), host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, passedOn(answer.headers));
        answer.pipe(response);
        answer.on('error', () => response.destroy());
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (response.headersSent) return response.destroy();
      if (NOT_REACHED.has(error.code ?? '') && attempt + 1 < targets.length) return forward(request, body, response, first, attempt + 1);
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message: 'No replica answered', extensions: { code: 'BAD_GATEWAY' } }] }));
    });
    upstream.end(body);
  };

  const server = http.createServer((request, response) => {
    // The body is read whole first, so that a request can be handed to another replica unchanged.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const first = next;
      next = (next + 1) % targets.length;
      forward(request, Buffer.concat(chunks), response, first, 0);
    });
    request.on('error', () => response.destroy());
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${listening}`,
    handed: () => [...counts],
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
