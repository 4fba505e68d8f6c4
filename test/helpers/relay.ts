import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../../common/config';
import { connect } from '../../db/connection';

export interface Relay {
  port: number;
  /** While true, nothing is passed on either way: a database that no longer answers. */
  silent: boolean;
  /** Cuts every connection and refuses new ones: a database that cannot be reached. */
  stop(): Promise<void>;
}

/** Given MySQL's port on 127.0.0.1, starts a TCP relay to it that can fall silent or go away. */
export async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const relay = {
    port: 0,
    silent: false,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => relay.silent || upstream.write(chunk));
    upstream.on('data', (chunk) => relay.silent || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as AddressInfo).port;
  return relay;
}

/** A gateway database that a test can take away, and the means to do so. */
export interface DatabaseToLose {
  db: Knex;
  /** MySQL: every connection is cut and new ones refused (through a relay); SQLite: the file is closed. */
  loseIt(): Promise<void>;
  /** Releases what is left once the test is over. */
  close(): Promise<void>;
}

/** Given the test databases' configuration, opens a gateway database that the test can make unreachable. */
export async function gatewayDatabaseToLose(config: DatabaseConfig): Promise<DatabaseToLose> {
  if (config.engine !== 'mysql') {
    const db = connect(config, 'gateway');
    return { db, loseIt: () => db.destroy(), close: async () => undefined };
  }
  const relay = await startRelay(config.port);
  const db = connect({ ...config, host: '127.0.0.1', port: relay.port }, 'gateway');
  return { db, loseIt: () => relay.stop(), close: () => db.destroy() };
}
