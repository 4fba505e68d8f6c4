import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

/** The database server the bench's processes use, and the one pid whose CPU is the database's in the report. */
export interface DatabaseServer {
  host: string;
  port: number;
  /** The server's process, or null when it runs elsewhere (its CPU is then not measured). */
  pid: number | null;
  /** What the report says about it. */
  description: string;
  stop(): Promise<void>;
}

/** Where a program may be installed when it is not on the PATH (Debian puts mariadbd in /usr/sbin). */
const PROGRAM_DIRECTORIES = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** Given program names, returns the path of the first one found on the PATH or in the usual directories, or null. */
export function findProgram(names: readonly string[]): string | null {
  const directories = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...PROGRAM_DIRECTORIES];
  for (const name of names) {
    for (const directory of directories) {
      const candidate = path.join(directory, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // Not there: the next directory.
      }
    }
  }
  return null;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Given a pid, tells whether that process is still there. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Given a connection's address, waits until the server answers `select 1`, or throws after the timeout. */
async function waitUntilAnswering(host: string, port: number, timeoutMs: number, exited: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await mysql.createConnection({ host, port, user: 'root', password: '' });
      await connection.query('select 1');
      await connection.end();
      return;
    } catch (error) {
      if (exited()) throw new Error(`the bench's database server exited while starting; see ${logFile}`);
      if (Date.now() > deadline)
        throw new Error(`the bench's database server did not answer within ${timeoutMs} ms (${(error as Error).message}); see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * The server's settings: MariaDB's own defaults (no configuration file is read), bound to the loopback, with
 * a buffer pool that holds the province-sized data set's working set (a quarter of the memory, at most 2 GiB).
 */
const BUFFER_POOL_BYTES = Math.min(2 * 2 ** 30, Math.floor(os.totalmem() / 4 / 2 ** 20) * 2 ** 20);

function serverArguments(dataDirectory: string, port: number): string[] {
  return [
    '--no-defaults',
    `--datadir=${dataDirectory}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${path.join(dataDirectory, 'bench.sock')}`,
    `--pid-file=${path.join(dataDirectory, 'bench.pid')}`,
    '--skip-name-resolve',
    '--max-connections=1000',
    `--innodb-buffer-pool-size=${BUFFER_POOL_BYTES}`,
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
  ];
}

/**
 * Given a directory kept between runs, starts the bench's own MariaDB (or MySQL) server over the data kept
 * there, creating it on first use: a server no one else uses, so that its CPU is the bench's alone, counted by
 * its pid. A server left running by an interrupted run over the same directory is stopped first. The data stays
 * (it is the seeded data sets, reused by later runs); stop() shuts the server down.
 */
export async function startOwnDatabaseServer(directory: string, log: (line: string) => void): Promise<DatabaseServer> {
  const server = findProgram(['mariadbd', 'mysqld']);
  const installer = findProgram(['mariadb-install-db', 'mysql_install_db']);
  if (!server || !installer)
    throw new Error('the bench starts its own database server and needs mariadbd and mariadb-install-db (or pass --database-server external)');
  const dataDirectory = path.join(directory, 'data');
  fs.mkdirSync(directory, { recursive: true });
  const logFile = path.join(directory, 'server.log');
  const pidFile = path.join(dataDirectory, 'bench.pid');
  if (fs.existsSync(pidFile)) {
    const stale = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(stale) && stale > 0 && alive(stale)) {
      log(`Stopping the bench's database server left running (pid ${stale})…`);
      process.kill(stale, 'SIGTERM');
      const deadline = Date.now() + 60_000;
      while (alive(stale) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  if (!fs.existsSync(path.join(dataDirectory, 'mysql'))) {
    log(`Creating the bench's database server in ${dataDirectory}…`);
    fs.rmSync(dataDirectory, { recursive: true, force: true });
    execFileSync(
      installer,
      [
        '--no-defaults',
        `--datadir=${dataDirectory}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ],
      { stdio: ['ignore', fs.openSync(logFile, 'a'), fs.openSync(logFile, 'a')] },
    );
  }
  const port = await freePort();
  const output = fs.openSync(logFile, 'a');
  const child = spawn(server, serverArguments(dataDirectory, port), { stdio: ['ignore', output, output] });
  fs.closeSync(output);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await gone;
    clearTimeout(timer);
  };
  try {
    await waitUntilAnswering('127.0.0.1', port, 120_000, () => exited, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  const version = execFileSync(server, ['--version'], { encoding: 'utf8' }).trim();
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid!,
    description: `the bench's own server (${version}; pid ${child.pid}, port ${port}, data in ${path.relative(process.cwd(), dataDirectory) || '.'}, MariaDB's defaults but a buffer pool of ${BUFFER_POOL_BYTES / 2 ** 20} MiB)`,
    stop,
  };
}

/**
 * Given the text of /proc/net/tcp or /proc/net/tcp6 and a port, returns the socket inodes listening on that
 * port (state 0A), on any address.
 */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const localPort = Number.parseInt(fields[1]!.split(':')[1] ?? '', 16);
    if (localPort === port && fields[3] === '0A') inodes.push(fields[9]!);
  }
  return inodes;
}

/**
 * Given a TCP port, returns the pid of the process on this machine that listens on it (the owner of the
 * listening socket), or null when none is found: the one server the bench talks to, whatever else runs.
 */
export function listeningPid(port: number): number | null {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const inode of listeningInodes(fs.readFileSync(file, 'utf8'), port)) inodes.add(`socket:[${inode}]`);
    } catch {
      // No such table (no IPv6): nothing listens there.
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let descriptors: string[];
    try {
      descriptors = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const descriptor of descriptors) {
      try {
        if (inodes.has(fs.readlinkSync(`/proc/${entry}/fd/${descriptor}`))) return Number(entry);
      } catch {
        // The descriptor closed between the listing and the read.
      }
    }
  }
  return null;
}

/**
 * Given the host and port of a server the bench did not start (MYSQL_HOST), returns it with the pid that
 * listens on that port when the host is this machine: only that server's CPU is counted, never another's.
 */
export function externalDatabaseServer(host: string, port: number): DatabaseServer {
  const local = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const pid = local ? listeningPid(port) : null;
  return {
    host,
    port,
    pid,
    description: `an external server at ${host}:${port}${pid === null ? ' (its CPU is not measured: no process of this machine listens there)' : ` (pid ${pid}, the process listening on that port; other work it does for others is counted with the bench's)`}`,
    stop: async () => undefined,
  };
}
