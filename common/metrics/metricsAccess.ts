import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { MetricsConfig } from '../config';
import { ErrorCode } from '../errors';

/** Why a caller may not read the metrics: the status and stable code it is answered with. */
export interface MetricsRefusal {
  status: 401 | 403;
  code: typeof ErrorCode.UNAUTHENTICATED | typeof ErrorCode.FORBIDDEN;
  message: string;
}

/** An IPv4 address as a dual-stack socket reports it (::ffff:10.0.0.1). */
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Given the networks allowed, returns the list a remote address is checked against. */
function blockListOf(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const block of networks) {
    const [address, prefix] = block.split('/') as [string, string];
    list.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
  }
  return list;
}

/**
 * Given who may read the metrics, returns the check of one request: null when the caller may read them (it sent
 * the metrics token, or comes from an allowed network), else the refusal: 401 UNAUTHENTICATED for a wrong or
 * malformed token, 403 FORBIDDEN for a caller outside the allowed networks that sent none.
 */
export function metricsAccess(
  config: Pick<MetricsConfig, 'allowedNetworks' | 'token'>,
): (remoteAddress: string | undefined, authorization: string | undefined) => MetricsRefusal | null {
  const allowed = blockListOf(config.allowedNetworks);
  const token = config.token === null ? null : Buffer.from(config.token, 'utf8');
  return (remoteAddress, authorization) => {
    if (authorization !== undefined) {
      const presented = /^Bearer (\S+)$/i.exec(authorization)?.[1];
      const given = presented === undefined ? null : Buffer.from(presented, 'utf8');
      if (token !== null && given !== null && given.length === token.length && timingSafeEqual(given, token)) return null;
      return { status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'The metrics token is not valid' };
    }
    const address = remoteAddress?.replace(MAPPED_IPV4, '$1');
    if (address !== undefined && allowed.check(address, isIPv4(address) ? 'ipv4' : 'ipv6')) return null;
    return {
      status: 403,
      code: ErrorCode.FORBIDDEN,
      message: 'The metrics are read from the networks in METRICS_ALLOWED_NETWORKS, or with the metrics token (Authorization: Bearer)',
    };
  };
}
