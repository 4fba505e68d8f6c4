import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';
import type { SubgraphRequestInit, SubgraphResponse } from './keepAliveFetcher';
import { SubgraphTimeoutError, wholeResponse } from './keepAliveFetcher';

/** The codes undici gives up on a call with when a connection, a response's head or its body does not come in time. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Where one subgraph URL is sent: the pool of its origin, and the path asked of it. */
interface PoolTarget {
  pool: Pool;
  path: string;
}

/**
 * Given a timeout and the TLS options of https calls, returns a function that POSTs to a subgraph over one undici
 * Pool of keep-alive connections per origin, and resolves with the whole response once read; a call whose
 * connection, head or body is not had within the timeout fails with SubgraphTimeoutError, as keepAliveFetcher's do.
 */
export function poolFetcher(timeoutMs: number, tls: ConnectionOptions = {}): (url: string, init: SubgraphRequestInit) => Promise<SubgraphResponse> {
  const pools = new Map<string, Pool>();
  const targets = new Map<string, PoolTarget>();
  const targetOf = (url: string): PoolTarget => {
    const known = targets.get(url);
    if (known) return known;
    const parsed = new URL(url);
    let pool = pools.get(parsed.origin);
    if (!pool) {
      pool = new Pool(parsed.origin, { connections: 256, connect: { ...tls, timeout: timeoutMs } });
      pools.set(parsed.origin, pool);
    }
    const target = { pool, path: `${parsed.pathname}${parsed.search}` };
    targets.set(url, target);
    return target;
  };
  return async (url, init) => {
    const { pool, path } = targetOf(url);
    try {
      const response = await pool.request({
        path,
        method: init.method === 'GET' ? 'GET' : 'POST',
        headers: init.headers ?? {},
        body: init.body ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      return wholeResponse(url, response.statusCode, STATUS_CODES[response.statusCode] ?? '', response.headers as IncomingHttpHeaders, text);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && TIMEOUT_CODES.has(code)) throw new SubgraphTimeoutError(timeoutMs);
      throw error;
    }
  };
}
