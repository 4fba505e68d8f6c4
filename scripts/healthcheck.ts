import http from 'node:http';
import https from 'node:https';
import type { Config } from '../common/config';
import type { BuiltInSector } from '../common/sectors';
import { loadConfig } from '../common/config';
import { BUILT_IN_SECTORS, sectorNamed } from '../common/sectors';

/** How long the probe waits for an answer: under Docker's HEALTHCHECK timeout. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * The container's HEALTHCHECK: `tsx scripts/healthcheck.ts [<sector>]` asks GET /health of the gateway (no
 * argument) or of the sector's subgraph, on this host, at the port and scheme its configuration gives; exit 0 on
 * 200, 1 otherwise. It reads the configuration the process it probes was started with, so it needs no setting of
 * its own. A subgraph's certificate is not verified: the probe sends nothing, to a server on this very host.
 */
function main(): void {
  const sector = process.argv[2] as BuiltInSector | undefined;
  if (sector !== undefined && !BUILT_IN_SECTORS.includes(sector)) {
    process.stderr.write(`Usage: tsx scripts/healthcheck.ts [${BUILT_IN_SECTORS.join('|')}]\n`);
    process.exit(2);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`unhealthy: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const port = sector === undefined ? config.gatewayPort : sectorNamed(config.sectors, sector).port;
  const overTls = sector !== undefined && config.subgraphTls.server !== null;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const client = overTls ? https : http;
  const request = client.get({ host, port, path: '/health', timeout: PROBE_TIMEOUT_MS, rejectUnauthorized: false }, (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  });
  request.on('timeout', () => request.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)));
  request.on('error', (error) => {
    process.stderr.write(`unhealthy: ${error.message}\n`);
    process.exit(1);
  });
}

main();
