import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AuditRecordRow } from '../../db/gatewayRows';
import type { OutboxOpened, OutboxReply, OutboxRequest, OutboxWorkerData } from './outboxProtocol';
import { fieldSetKey } from './records';

/** Given the outbox directory and an instance, returns the SQLite file of the instance's outbox. */
export function outboxFile(directory: string, instance: string): string {
  return path.join(directory, `${instance}.sqlite`);
}

/** An error the outbox's worker reported, with SQLite's or the file system's code. */
class OutboxError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'OutboxError';
  }
}

type Request = OutboxRequest extends infer Each ? (Each extends { id: number } ? Omit<Each, 'id'> : never) : never;

/**
 * The gateway's local audit outbox: records are durable once one SQLite transaction (WAL, synchronous=FULL)
 * has committed them on the gateway's own disk, in a worker thread of its own, and stay there until the gateway
 * database holds them (release). One file per instance; records are kept as their stored columns, in JSON.
 */
export class AuditOutbox {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(reply: OutboxReply): void; reject(error: Error): void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly file: string,
  ) {
    worker.on('message', (reply: OutboxReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new OutboxError('The audit outbox has been closed', null)));
  }

  /** Given the outbox directory and an instance, opens (creating) the instance's outbox; rejects with SQLite's or the file system's code. */
  static async open(directory: string, instance: string): Promise<AuditOutbox> {
    await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
    const file = outboxFile(directory, instance);
    const worker = new Worker(path.join(__dirname, 'outboxWorker.ts'), {
      workerData: { file } satisfies OutboxWorkerData,
      // The worker is TypeScript, as the gateway is: it loads through tsx, whichever runner started the gateway.
      execArgv: ['--require', require.resolve('tsx/cjs')],
    });
    const opened = await new Promise<OutboxOpened>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (opened.kind === 'failed') {
      await worker.terminate();
      throw new OutboxError(`The audit outbox ${file} cannot be opened: ${opened.message}`, opened.code);
    }
    // An idle outbox does not keep the process alive; a gateway that stops closes it.
    worker.unref();
    return new AuditOutbox(worker, file);
  }

  private ask(request: Request): Promise<OutboxReply & { ok: true }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<OutboxReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as OutboxRequest);
    }).then((reply) => {
      if (!reply.ok) throw new OutboxError(`The audit outbox ${this.file} refused a write: ${reply.message}`, reply.code);
      return reply;
    });
  }

  /** Returns the records the outbox holds, in seq order, each with its field set derived again from its fields rather than trusted. */
  async records(): Promise<AuditRecordRow[]> {
    const { records = [] } = await this.ask({ kind: 'read' });
    return records.map((text) => {
      const record = JSON.parse(text) as AuditRecordRow;
      return { ...record, field_set: fieldSetKey(record.fields_json) };
    });
  }

  /** Given consecutive records, makes them durable in one transaction: all of them when it resolves, none when it rejects. */
  async append(records: readonly AuditRecordRow[]): Promise<void> {
    await this.ask({ kind: 'append', seqs: records.map((record) => record.seq), records: records.map((record) => JSON.stringify(record)) });
  }

  /** Given a seq the gateway database holds, removes the records up to it. */
  async release(throughSeq: number): Promise<void> {
    await this.ask({ kind: 'release', throughSeq });
  }

  /** Closes the outbox's database and ends its thread; given remove, deletes its files too (an outbox emptied for good). */
  async close(remove = false): Promise<void> {
    await this.ask({ kind: 'close' }).catch(() => undefined);
    await this.worker.terminate();
    if (remove) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${this.file}${suffix}`, { force: true });
  }
}
