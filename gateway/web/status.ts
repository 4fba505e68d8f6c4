import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** What GET /status answers: the platform's version and whether each part of it answers. */
export interface PlatformStatus {
  version: string;
  healthy: boolean;
  services: Array<{ name: string; up: boolean }>;
}

/** The version of the platform, from its package.json. */
export const PLATFORM_VERSION: string = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** Given a URL, tells whether something accepts connections at its host and port within the timeout. */
export function accepts(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || (protocol === 'https:' ? 443 : 80)) });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Given the subgraphs' URLs, returns the platform's status: the gateway answers (it is answering this), and each
 * subgraph is up when it accepts a connection within a second. No request is sent to a subgraph: one unsigned
 * would be refused and logged as such.
 */
export async function platformStatus(subgraphUrls: Record<string, string>, timeoutMs = 1000): Promise<PlatformStatus> {
  const subgraphs = await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => ({ name: `${name} subgraph`, up: await accepts(url, timeoutMs) })),
  );
  const services = [{ name: 'gateway', up: true }, ...subgraphs];
  return { version: PLATFORM_VERSION, healthy: services.every((service) => service.up), services };
}
