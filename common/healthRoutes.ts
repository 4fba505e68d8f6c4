import type { ServerResponse } from 'node:http';
import { ErrorCode } from './errors';
import type { PlainRoute } from './httpServer';
import type { ReadinessReport } from './readiness';

/** Given a status and a body, writes it as JSON that no cache keeps: a probe must see the state of now. */
function writeJson(response: ServerResponse, status: number, body: unknown, withBody: boolean): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.end(withBody ? JSON.stringify(body) : undefined);
}

/** Given what a route answers, returns it as a PlainRoute that serves GET and HEAD and refuses other methods (405). */
function probe(path: string, answer: () => Promise<{ status: number; body: unknown }>): PlainRoute {
  return {
    path,
    async handle(request, response) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('allow', 'GET, HEAD');
        writeJson(response, 405, { errors: [{ message: `${path} answers GET and HEAD only`, extensions: { code: ErrorCode.METHOD_NOT_ALLOWED } }] }, true);
        return;
      }
      // The body is not waited for: a probe sends none, and one that does gets its answer all the same.
      request.resume();
      const { status, body } = await answer();
      writeJson(response, status, body, request.method === 'GET');
    },
  };
}

/**
 * Given how to tell whether the server can serve, returns its probes, after Kubernetes' conventions:
 * GET /health, 200 {"status":"ok"} while the process answers at all (liveness); GET /ready, 200 with the
 * report when every dependency is up and 503 with it when one is not (readiness).
 */
export function healthRoutes(ready: () => Promise<ReadinessReport>): PlainRoute[] {
  return [
    probe('/health', async () => ({ status: 200, body: { status: 'ok' } })),
    probe('/ready', async () => {
      const report = await ready();
      return { status: report.status === 'ready' ? 200 : 503, body: report };
    }),
  ];
}
