import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../../common/readiness';
import { Degraded } from '../../common/readiness';

/** How long a command may wait for Redis before the local count takes over. */
const COMMAND_TIMEOUT_MS = 250;

/**
 * Given Redis's URL, returns a client for the quotas' counts that sends the commands of one turn together, never
 * queues a command while disconnected (the count falls to the local counter at once instead) and reconnects by
 * itself; connection errors are logged once per outage, without the URL.
 */
export function quotaRedis(url: string, logger: Logger): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
    // The commands sent in the same turn of the event loop (a request's two budgets) travel in one write and one round trip.
    enableAutoPipelining: true,
  });
  let down = false;
  client.on('error', (error: { code?: string }) => {
    if (down) return;
    down = true;
    logger.warn({ code: error.code ?? 'unknown' }, 'Redis unreachable: quotas are counted by this replica alone until it is back');
  });
  client.on('ready', () => {
    if (down) logger.info('Redis reachable again: quotas are counted by every replica together');
    down = false;
  });
  return client;
}

/**
 * Given the quotas' Redis client, returns the readiness check "redis": up when it answers PING; otherwise
 * degraded, not down: the replica still serves, counting quotas locally, so that an outage of Redis neither
 * stops the traffic nor lifts the quotas.
 */
export function redisCheck(client: Redis): ReadinessCheck {
  return {
    name: 'redis',
    async check() {
      if (client.status !== 'ready') throw new Degraded(`${client.status}: quotas are counted by this replica alone`);
      try {
        await client.ping();
      } catch {
        throw new Degraded('no answer to PING: quotas are counted by this replica alone');
      }
      return { counting: 'shared' };
    },
  };
}
