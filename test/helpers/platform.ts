import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bySector, loadConfig } from '../../common/config';
import { seedAll } from '../../db/seed';
import type { RunningPlatform } from '../../system/platform';
import { startPlatform } from '../../system/platform';
import type { TestDatabases } from './database';
import { createTestDatabases } from './database';

export interface SeededPlatform {
  databases: TestDatabases;
  platform: RunningPlatform;
  stop(): Promise<void>;
}

/** Given a number of citizens, seeds fresh test databases and starts the subgraphs and gateway on free ports. */
export async function startSeededPlatform(citizens: number, randomSeed = 7): Promise<SeededPlatform> {
  const databases = await createTestDatabases();
  try {
    await seedAll(databases.databases, { citizens, randomSeed });
    const platform = await startPlatform(databases.databases, {
      host: '127.0.0.1',
      gatewayPort: 0,
      subgraphPorts: bySector(() => 0),
      subgraphTimeoutMs: 5000,
      queryLimits: loadConfig({}).queryLimits,
    });
    return {
      databases,
      platform,
      async stop() {
        await platform.stop();
        await databases.destroy();
      },
    };
  } catch (error) {
    await databases.destroy();
    throw error;
  }
}

/** Starts an HTTP server that accepts requests and never answers them: a subgraph that hangs. */
export async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Returns a URL on which nothing listens: a subgraph that is down. */
export async function unusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}
