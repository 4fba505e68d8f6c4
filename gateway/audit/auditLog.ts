import fs from 'node:fs';
import type { Knex } from 'knex';
import type { AuditConfig } from '../../common/config';
import { getLogger } from '../../common/logger';
import { AuditRepository } from './auditRepository';
import { AuditTree } from './auditTree';
import type { ChainHead } from './chain';
import { EMPTY_CHAIN, chainRecords } from './chain';
import { Checkpointer, cannotContinue } from './checkpointer';
import { DatabaseSink } from './databaseSink';
import { DatabaseWriter } from './databaseWriter';
import { AuditDiskError, assertRoom, explainNoRoom } from './disk';
import { AuditUnavailableError } from './errors';
import { GroupCommitQueue } from './groupCommitQueue';
import { recordHash } from './hashChain';
import { Indexer } from './indexer';
import { legacyJournalRefusal } from './legacyJournal';
import { outboxFile } from './outbox';
import { OutboxSink } from './outboxSink';
import type { UnchainedRecord } from './records';
import { unchainedRecordOf } from './records';
import type { AuditSink } from './sink';
import { unavailable, within } from './timeLimit';
import type { AuditRecordInput, Checkpoint, CheckpointReason } from './types';
import { TreeRepository } from './treeRepository';
import { WriteSpacing } from './writeSpacing';

export interface AuditLogOptions {
  /** In production the signing key must exist already; elsewhere a missing one is created. False by default. */
  production?: boolean;
  /** How long append() waits for its record to be durable before it rejects; 2000 ms by default. */
  writeTimeoutMs?: number;
  /** The most records written in one transaction; 256 by default. */
  maxBatchSize?: number;
  now?: () => Date;
  /** Told of every durable write: its records and how long it took (the metrics). */
  onBatchWritten?(records: number, seconds: number): void;
}

/** How far the trail has come: what the metrics read of it at each scrape. */
export interface AuditLogFigures {
  acceptingRecords: boolean;
  /** The last durable record (in the outbox or the database). */
  durableSeq: number;
  /** The last record the gateway database holds. */
  storedSeq: number;
  /** The last record the index covers. */
  indexedSeq: number;
  /** When the last checkpoint was signed (ms since the epoch), or null. */
  lastCheckpointAt: number | null;
  witnesses: Array<{ witness: string; countersignedAt: number | null }>;
}

/** The room the audit's files need in its directory to start: the outbox's database and write-ahead log, or checkpoints alone. */
export const OUTBOX_ROOM_BYTES = 8 * 1024 * 1024;
export const CHECKPOINT_ROOM_BYTES = 64 * 1024;

/** A record on its way to a batch, with the index rows it implies: the citizens it names. */
interface QueuedRecord {
  record: UnchainedRecord;
  indexRows: number;
}

type State = 'new' | 'waiting-for-room' | 'running' | 'stopping' | 'stopped';

/**
 * The gateway's audit trail, written side: one record per request, appended to this instance's hash chain in
 * batches (group commit, groupCommitQueue.ts) and made durable by a sink: the gateway database's own transaction
 * (databaseSink.ts), or the local outbox, which ships to it (outboxSink.ts). append() resolves once its record is
 * durable and rejects within writeTimeoutMs when it cannot be. The index follows the records (indexer.ts); every
 * checkpointIntervalMs and at stop, the head the database holds is signed (checkpointer.ts).
 */
export class AuditLog {
  readonly instance: string;
  private readonly repository: AuditRepository;
  private readonly logger = getLogger('audit');
  private readonly writeTimeoutMs: number;
  private readonly writer: DatabaseWriter;
  private readonly indexer: Indexer;
  private readonly checkpointer: Checkpointer;
  private readonly spacing: WriteSpacing;
  private readonly queue: GroupCommitQueue<QueuedRecord, { seq: number }>;
  private state: State = 'new';
  private sink: AuditSink | null = null;
  /** The last durable record. */
  private head: ChainHead = { ...EMPTY_CHAIN };
  private committedBatches = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Why the log is waiting for room in its directory, while it is. */
  private diskProblem: AuditDiskError | null = null;
  private readonly onBatchWritten: ((records: number, seconds: number) => void) | undefined;

  constructor(
    db: Knex,
    private readonly config: AuditConfig,
    options: AuditLogOptions = {},
  ) {
    this.instance = config.instance;
    this.repository = new AuditRepository(db);
    this.writeTimeoutMs = options.writeTimeoutMs ?? 2000;
    this.onBatchWritten = options.onBatchWritten;
    this.writer = new DatabaseWriter(this.repository, this.instance, this.writeTimeoutMs, this.logger);
    this.indexer = new Indexer(this.repository, this.instance, this.writeTimeoutMs, this.logger, () => this.sink?.stored().seq ?? 0);
    const treeRepository = new TreeRepository(db);
    const tree = new AuditTree(this.repository, treeRepository, this.instance);
    this.checkpointer = new Checkpointer({
      instance: this.instance,
      config,
      createKey: !options.production,
      now: options.now ?? (() => new Date()),
      tree: {
        grow: (seq) => tree.grow(seq),
        consistency: (fromSize, toSize) => tree.consistency(fromSize, toSize),
        saveHead: (checkpoint, cosignatures) => treeRepository.saveHead(checkpoint, cosignatures),
      },
    });
    this.spacing = new WriteSpacing(config.writeIntervalMs);
    const delay = config.batchDelayMs;
    this.queue = new GroupCommitQueue({
      commit: (batch) => this.commit(batch),
      maxBatchSize: options.maxBatchSize ?? 256,
      timeoutMs: this.writeTimeoutMs,
      timeoutError: () => new AuditUnavailableError(`The audit store did not confirm the record within ${this.writeTimeoutMs} ms`),
      // With no delay configured, a batch still gathers every record appended in the same turn of the event loop.
      batchScheduleFn: delay === 0 ? (start) => setImmediate(start) : (start) => setTimeout(start, delay),
      holdMs: (queued) => this.spacing.holdMs(queued),
    });
  }

  /** Why the log refuses records while its directory has no room for its files (path and bytes), or null. */
  get startProblem(): AuditDiskError | null {
    return this.diskProblem;
  }

  /** Whether the log takes records now: it runs and its store answers (what a readiness probe reports). */
  get acceptingRecords(): boolean {
    return this.state === 'running' && this.sink !== null && this.sink.refusal() === null;
  }

  /** How many batches this log has committed: with group commit, fewer than the records under load. */
  get batchesWritten(): number {
    return this.committedBatches;
  }

  /** Returns how far records are durable, shipped, indexed and sealed. */
  figures(): AuditLogFigures {
    const durableSeq = this.head.seq;
    return {
      acceptingRecords: this.acceptingRecords,
      durableSeq,
      storedSeq: this.sink?.stored().seq ?? durableSeq,
      indexedSeq: this.indexer.indexedUpTo,
      lastCheckpointAt: this.checkpointer.lastSealedAt(),
      witnesses: this.checkpointer.countersignedAt(),
    };
  }

  /** Tells the log that a request has begun: while others are under way, a record may wait a little to share a write. */
  requestBegun(): void {
    this.spacing.requestBegun();
  }

  /** Tells the log that a request begun (requestBegun) has been answered. */
  requestEnded(): void {
    this.spacing.requestEnded();
  }

  /** Returns the last record this log knows to be durable: its seq (0 for none) and hash. */
  chainHead(): ChainHead {
    return { ...this.head };
  }

  /**
   * Loads the signing key (creating it outside production), reads the chain's last record and checks it against
   * the last signed checkpoint, recovers what a crash left in the outbox, writes a START checkpoint, and starts
   * the checkpoint timer. Throws an AuditIntegrityError when the chain was cut, rolled back or rewritten since
   * that checkpoint, or when the outbox does not continue it: the gateway does not build on it. When the audit
   * directory has no room for its files, resolves all the same: the log refuses records (AUDIT_UNAVAILABLE),
   * names what is missing, and tries again every config.retryMs.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`The audit log has been started already (${this.state})`);
    try {
      await this.open();
    } catch (error) {
      if (!(error instanceof AuditDiskError)) throw error;
      this.waitForRoom(error);
    }
  }

  /** Given why the audit directory cannot take the audit's files, refuses records and tries to open again later. */
  private waitForRoom(problem: AuditDiskError): void {
    if (this.diskProblem === null)
      this.logger.error(
        { instance: this.instance, directory: problem.directory, neededBytes: problem.neededBytes, availableBytes: problem.availableBytes },
        problem.message,
      );
    this.diskProblem = problem;
    this.state = 'waiting-for-room';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state !== 'waiting-for-room') return;
      this.open().then(
        () => this.logger.info({ instance: this.instance }, 'the audit directory has room again: personal data is answered'),
        (error: unknown) => {
          if (this.state !== 'waiting-for-room') return;
          if (error instanceof AuditDiskError) this.waitForRoom(error);
          else this.logger.error({ err: error, instance: this.instance }, 'the audit log cannot start: personal data stays refused');
        },
      );
    }, this.config.retryMs);
    this.retryTimer.unref();
  }

  /** Opens the chain and its sink (see start); throws an AuditDiskError when the audit directory has no room. */
  private async open(): Promise<void> {
    const { checkpointDirectory, outbox, outboxDirectory, legacyJournalDirectory } = this.config;
    const room = outbox ? OUTBOX_ROOM_BYTES : CHECKPOINT_ROOM_BYTES;
    const onDisk = async <T>(directory: string, action: () => Promise<T> | T): Promise<T> => {
      try {
        return await action();
      } catch (error) {
        throw explainNoRoom(directory, room, error);
      }
    };
    assertRoom(checkpointDirectory, room);
    await onDisk(checkpointDirectory, () => this.checkpointer.loadKey());
    const last = await within(this.repository.lastRecord(this.instance), this.writeTimeoutMs * 2, 'The audit store cannot be read: the chain head is unknown');
    if (last && recordHash(last) !== last.hash) throw this.cannotContinue(`its last record, seq ${last.seq}, does not match its own hash`);
    let head: ChainHead = last ? { seq: last.seq, hash: last.hash } : { ...EMPTY_CHAIN };
    await this.checkpointer.checkHead(head, (seq) =>
      within(this.repository.recordAt(this.instance, seq), this.writeTimeoutMs * 2, 'The audit store cannot be read'),
    );
    const refusal = legacyJournalRefusal(legacyJournalDirectory, this.instance, head.seq);
    if (refusal !== null) throw this.cannotContinue(refusal);
    await this.indexer.start(head.seq);
    // An outbox a gateway with one left behind is shipped, whatever this start's setting: none of its records is ignored.
    if (!outbox && fs.existsSync(outboxFile(outboxDirectory, this.instance))) {
      const leftover = await this.openSink(this.outboxSink(), head, onDisk);
      await leftover.closeForGood();
      head = leftover.stored();
    }
    const sink = await this.openSink(outbox ? this.outboxSink() : new DatabaseSink(this.writer, this.indexer), head, onDisk);
    this.head = await sink.durableHead();
    this.indexer.schedule();
    this.state = 'running';
    this.diskProblem = null;
    // Sealing the head found at start tells a verifier that nothing was added while the gateway was stopped.
    await onDisk(checkpointDirectory, () => this.checkpoint('START'));
    this.checkpointTimer = setInterval(() => {
      this.checkpoint('INTERVAL').catch((error: unknown) => this.logger.error({ err: error }, 'audit checkpoint failed'));
    }, this.config.checkpointIntervalMs);
    this.checkpointTimer.unref();
    this.logger.info({ instance: this.instance, seq: this.head.seq, outbox }, 'audit trail continues');
  }

  /** Given a sink, the database's head and how disk errors are explained, opens the sink as the log's; one that fails to open is closed again. */
  private async openSink<Sink extends AuditSink>(
    sink: Sink,
    head: ChainHead,
    onDisk: <T>(directory: string, action: () => Promise<T>) => Promise<T>,
  ): Promise<Sink> {
    this.sink = sink;
    try {
      await onDisk(this.config.outboxDirectory, () => sink.open(head));
      return sink;
    } catch (error) {
      this.sink = null;
      await sink.close().catch(() => undefined);
      throw error;
    }
  }

  private outboxSink(): OutboxSink {
    return new OutboxSink({
      directory: this.config.outboxDirectory,
      instance: this.instance,
      shipDelayMs: this.config.shipDelayMs,
      repository: this.repository,
      writer: this.writer,
      indexer: this.indexer,
      logger: this.logger,
      cannotContinue: (why) => this.cannotContinue(why),
    });
  }

  private cannotContinue(why: string) {
    return cannotContinue(this.config.checkpointDirectory, this.instance, why);
  }

  /** Given a batch of records, chains them after the durable head and has the sink make them durable; returns their seqs. */
  private async commit(batch: readonly QueuedRecord[]): Promise<Array<{ seq: number }>> {
    const sink = this.sink!;
    this.spacing.writing();
    try {
      const { records, head } = chainRecords(
        await sink.durableHead(),
        batch.map((queued) => queued.record),
      );
      const started = performance.now();
      await sink.write(
        records,
        batch.reduce((sum, queued) => sum + queued.indexRows, 0),
      );
      this.onBatchWritten?.(records.length, (performance.now() - started) / 1000);
      this.head = head;
      this.committedBatches += 1;
      return records.map((record) => ({ seq: record.seq }));
    } catch (error) {
      this.logger.error({ err: error, instance: this.instance, records: batch.length }, 'audit batch not written');
      throw unavailable(error);
    }
  }

  /**
   * Resolves once every record that was durable when it was called is in the database (what the outbox holds is
   * shipped at once) and can be found by citizen and by field; rejects when either cannot be written now.
   */
  async indexed(): Promise<void> {
    if (!this.sink || this.state === 'waiting-for-room')
      throw this.diskProblem
        ? new AuditUnavailableError('The audit trail cannot be read now', this.diskProblem)
        : new Error('The audit log has not been started');
    const target = this.head.seq;
    await this.sink.flush();
    await this.indexer.caughtUp(target);
  }

  /**
   * Given what the gateway states about a request, adds it to the next batch; resolves with its seq once the
   * record is durable, or rejects with an AuditUnavailableError (code AUDIT_UNAVAILABLE) within writeTimeoutMs.
   */
  append(input: AuditRecordInput): Promise<{ seq: number }> {
    if (this.state !== 'running')
      return Promise.reject(new AuditUnavailableError(`The audit log is not running (${this.state}): the request cannot be recorded`));
    // With an outbox, a record could be durable while the database is away; it is refused all the same, so
    // that what is recorded reaches the database within writeTimeoutMs or is not answered.
    const refusal = this.sink!.refusal();
    if (refusal) return Promise.reject(refusal);
    let record: UnchainedRecord;
    try {
      record = unchainedRecordOf(input, this.instance);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.queue.add({ record, indexRows: input.citizenIds.length });
  }

  /**
   * Signs the head the database holds and seals it (this instance's checkpoint file and the witnesses); returns the checkpoint
   * written, or null for an INTERVAL checkpoint whose head the last one sealed already. One is written at a time.
   */
  checkpoint(reason: CheckpointReason = 'INTERVAL'): Promise<Checkpoint | null> {
    // What the database holds: a verifier reads the database, not the outbox.
    return this.checkpointer.checkpoint(reason, () => this.sink?.stored() ?? this.head);
  }

  /**
   * Stops taking records, writes what is queued (each record still bounded by writeTimeoutMs), ships what the
   * outbox holds, and seals the database's head with a STOP checkpoint; with an INTERVAL one while a given-up
   * write may still land, or records remain in the outbox for the next start to ship.
   */
  async stop(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.state !== 'running') {
      this.state = 'stopped';
      await this.sink?.close();
      await this.repository.close();
      return;
    }
    this.state = 'stopping';
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.checkpointTimer = null;
    await this.queue.flush();
    // What is not indexed now is indexed at the next start; what is not shipped, shipped then.
    await this.indexed().catch(() => undefined);
    const sink = this.sink!;
    await sink.close();
    await this.checkpoint(sink.settled() ? 'STOP' : 'INTERVAL');
    await this.checkpointer.close();
    await this.repository.close();
    this.state = 'stopped';
    this.logger.info({ instance: this.instance, seq: this.head.seq }, 'audit trail sealed');
  }
}
