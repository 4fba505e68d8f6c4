import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { externalDatabaseServer, findProgram, listeningInodes, listeningPid, startOwnDatabaseServer } from '../../bench/databaseServer';

const TCP_TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 7490 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0CEA 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   107        0 8812 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0CEB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5523 1 0000000000000000 100 0 0 10 0
`;

describe('listeningInodes', () => {
  it('finds the socket listening on a port, not the connections to it nor other ports', () => {
    expect(listeningInodes(TCP_TABLE, 3306)).toEqual(['7490']);
    expect(listeningInodes(TCP_TABLE, 3307)).toEqual(['5523']);
    expect(listeningInodes(TCP_TABLE, 4000)).toEqual([]);
  });
});

describe('listeningPid', () => {
  it('names the process that listens on a port, and no one for a port nothing listens on', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(listeningPid(port)).toBe(process.pid);
      expect(externalDatabaseServer('127.0.0.1', port).pid).toBe(process.pid);
      expect(externalDatabaseServer('db.example.org', port)).toMatchObject({ pid: null, description: expect.stringContaining('not measured') });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(listeningPid(port)).toBeNull();
  });
});

const installed = findProgram(['mariadbd', 'mysqld']) !== null && findProgram(['mariadb-install-db', 'mysql_install_db']) !== null;

(installed ? describe : describe.skip)('startOwnDatabaseServer', () => {
  it("starts a server of the bench's own over a directory kept between starts, counted by its own pid, and stops it", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-server-test-'));
    try {
      const server = await startOwnDatabaseServer(directory, () => undefined);
      let stopped = false;
      try {
        expect(listeningPid(server.port)).toBe(server.pid);
        const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', password: '' });
        await connection.query('create database if not exists kept');
        await connection.end();
        await server.stop();
        stopped = true;
        expect(listeningPid(server.port)).toBeNull();
        // A second start finds the data of the first.
        const again = await startOwnDatabaseServer(directory, () => undefined);
        try {
          const reconnected = await mysql.createConnection({ host: again.host, port: again.port, user: 'root', password: '' });
          const [rows] = await reconnected.query("show databases like 'kept'");
          await reconnected.end();
          expect(rows).toHaveLength(1);
        } finally {
          await again.stop();
        }
      } finally {
        if (!stopped) await server.stop();
      }
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }, 120_000);
});
