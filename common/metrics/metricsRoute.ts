import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { MetricsConfig } from '../config';
import { ErrorCode } from '../errors';
import type { PlainRoute } from '../httpServer';
import { metricsAccess } from './metricsAccess';

/** Where the metrics are served, on the gateway's and each subgraph's own port. */
export const METRICS_PATH = '/metrics';

/**
 * Given a registry and who may read it, returns GET /metrics as a PlainRoute: the registry in Prometheus's text
 * format for a caller from an allowed network or with the metrics token; 401 or 403 with a stable code otherwise,
 * and 405 for a method other than GET or HEAD.
 */
export function metricsRoute(registry: Registry, config: Pick<MetricsConfig, 'allowedNetworks' | 'token'>, logger: Logger): PlainRoute {
  const check = metricsAccess(config);
  const refuse = (response: Parameters<PlainRoute>[1], status: number, code: string, message: string) => {
    response.statusCode = status;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('cache-control', 'no-store');
    response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  };
  return (request, response, url) => {
    if (url.pathname !== METRICS_PATH) return false;
    request.resume();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      refuse(response, 405, ErrorCode.METHOD_NOT_ALLOWED, `${METRICS_PATH} answers GET and HEAD only`);
      return true;
    }
    const refusal = check(request.socket.remoteAddress, request.headers.authorization);
    if (refusal) {
      if (refusal.status === 401) response.setHeader('www-authenticate', 'Bearer realm="metrics"');
      refuse(response, refusal.status, refusal.code, refusal.message);
      return true;
    }
    registry.metrics().then(
      (text) => {
        response.statusCode = 200;
        response.setHeader('content-type', registry.contentType);
        response.setHeader('cache-control', 'no-store');
        response.end(request.method === 'GET' ? text : undefined);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics could not be collected');
        refuse(response, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'The metrics could not be collected');
      },
    );
    return true;
  };
}
