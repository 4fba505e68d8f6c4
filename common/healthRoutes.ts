import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
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

/** Given a path and what it answers, returns it as a PlainRoute that serves GET and HEAD and refuses other methods (405). */
function probe(path: string, answer: () => Promise<{ status: number; body: unknown }>, logger: Logger): PlainRoute {
  return (request, response, url) => {
    if (url.pathname !== path) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      writeJson(response, 405, { errors: [{ message: `${path} answers GET and HEAD only`, extensions: { code: ErrorCode.METHOD_NOT_ALLOWED } }] }, true);
      return true;
    }
    // The body is not waited for: a probe sends none, and one that does gets its answer all the same.
    request.resume();
    answer().then(
      ({ status, body }) => writeJson(response, status, body, request.method === 'GET'),
      (error: unknown) => {
        logger.error({ err: error }, 'probe failed');
        writeJson(response, 503, { status: 'not ready', failing: ['probe'] }, request.method === 'GET');
      },
    );
    return true;
  };
}

/**
 * Given how to tell whether the server can serve, returns its probes, after Kubernetes' conventions:
 * GET /health, 200 {"status":"ok"} while the process answers at all (liveness); GET /ready, 200 with the
 * report when every dependency is up and 503 with it when one is not (readiness).
 */
export function healthRoutes(ready: () => Promise<ReadinessReport>, logger: Logger): PlainRoute[] {
  return [
    probe('/health', async () => ({ status: 200, body: { status: 'ok' } }), logger),
    probe(
      '/ready',
      async () => {
        const report = await ready();
        return { status: report.status === 'ready' ? 200 : 503, body: report };
      },
      logger,
    ),
  ];
}
