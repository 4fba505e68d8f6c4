import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { findProgram, freePort } from './databaseServer';

/** A Redis server of the bench's own, for the target that counts its quotas there. */
export interface BenchRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Given a URL, waits until Redis answers PING there, or throws after the timeout. */
async function waitForPing(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (exited()) throw new Error("the bench's Redis server exited while starting");
      if (Date.now() > deadline) throw new Error(`the bench's Redis server did not answer within ${timeoutMs} ms (${(error as Error).message})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.disconnect();
    }
  }
}

/**
 * Starts redis-server on a free loopback port, in memory only (no snapshot, no append-only file), and returns
 * its URL; throws when redis-server is not installed or does not answer. Stopped by stop(), or with the bench.
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const program = findProgram(['redis-server']);
  if (program === null) throw new Error('redis-server is not installed');
  const port = await freePort();
  const child = spawn(program, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  process.once('exit', () => child.kill('SIGTERM'));
  const url = `redis://127.0.0.1:${port}/0`;
  try {
    await waitForPing(url, 10_000, () => exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      exited
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
  };
}
