/** What the gateway asks of the outbox's worker thread; each request carries an id its reply repeats. */
export type OutboxRequest =
  | { id: number; kind: 'append'; seqs: number[]; records: string[] }
  | { id: number; kind: 'release'; throughSeq: number }
  | { id: number; kind: 'read' }
  | { id: number; kind: 'close' };

/** The worker's reply: done (with the records read, for a read), or the error, by its message and code. */
export type OutboxReply = { id: number; ok: true; records?: string[] } | { id: number; ok: false; message: string; code: string | null };

/** What the worker tells once, after opening the outbox's database: ready, or why it cannot. */
export type OutboxOpened = { kind: 'opened' } | { kind: 'failed'; message: string; code: string | null };

/** What the worker is given at start. */
export interface OutboxWorkerData {
  file: string;
}
