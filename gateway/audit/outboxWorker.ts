import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { OutboxOpened, OutboxReply, OutboxRequest, OutboxWorkerData } from './outboxProtocol';

/*
 * The audit outbox's own thread: a SQLite database in WAL mode with synchronous=FULL, so that a transaction is on
 * disk once its commit returns, and a crash leaves either all of it or none (SQLite's WAL tells a torn tail by its
 * frames' checksums and commit markers). Its commits block this thread, never the gateway's event loop.
 */
const port = parentPort!;
const { file } = workerData as OutboxWorkerData;

const codeOf = (error: unknown): string | null => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
};

let database: Database.Database;
try {
  database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.exec('create table if not exists audit_outbox (seq integer primary key, record text not null)');
  port.postMessage({ kind: 'opened' } satisfies OutboxOpened);
} catch (error) {
  port.postMessage({ kind: 'failed', message: (error as Error).message, code: codeOf(error) } satisfies OutboxOpened);
  process.exit(0);
}

const insert = database.prepare<[number, string]>('insert into audit_outbox (seq, record) values (?, ?)');
const release = database.prepare<[number]>('delete from audit_outbox where seq <= ?');
const read = database.prepare<[], { record: string }>('select record from audit_outbox order by seq');
const appendAll = database.transaction((seqs: number[], records: string[]) => {
  seqs.forEach((seq, index) => insert.run(seq, records[index]!));
});

port.on('message', (request: OutboxRequest) => {
  let reply: OutboxReply;
  try {
    if (request.kind === 'append') {
      appendAll(request.seqs, request.records);
      reply = { id: request.id, ok: true };
    } else if (request.kind === 'release') {
      // A release is not fsync'd on its own: one lost to a crash leaves records the database holds already, which a
      // start tells apart (it ships only those beyond the database's head); the next append's commit, fsync'd,
      // makes it durable with it.
      database.pragma('synchronous = NORMAL');
      try {
        release.run(request.throughSeq);
      } finally {
        database.pragma('synchronous = FULL');
      }
      reply = { id: request.id, ok: true };
    } else if (request.kind === 'read') {
      reply = { id: request.id, ok: true, records: read.all().map((row) => row.record) };
    } else {
      database.close();
      reply = { id: request.id, ok: true };
    }
  } catch (error) {
    reply = { id: request.id, ok: false, message: (error as Error).message, code: codeOf(error) };
  }
  port.postMessage(reply);
});
