import type { Knex } from 'knex';
import type { AuditConfig } from '../../common/config';
import { getLogger } from '../../common/logger';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { AuditRepository } from './auditRepository';
import type { CheckpointKey } from './checkpoints';
import { checkpointFile, signCheckpoint } from './checkpoints';
import { AuditIntegrityError, AuditUnavailableError } from './errors';
import { GENESIS_HASH, recordHash } from './hashChain';
import { AuditJournal } from './journal';
import type { UnchainedRecord } from './records';
import { unchainedRecordOf } from './records';
import { CheckpointAnchor } from './trustAnchor';
import type { AuditRecordInput, Checkpoint, CheckpointReason } from './types';

export interface AuditLogOptions {
  /** In production the signing key must exist already; elsewhere a missing one is created. False by default. */
  production?: boolean;
  /** How long append() waits for its record to be durable before it rejects; 2000 ms by default. */
  writeTimeoutMs?: number;
  /** The most records written in one transaction; 256 by default. */
  maxBatchSize?: number;
  now?: () => Date;
}

/**
 * The most index rows (citizens named) a batch writes in its own transaction; a larger batch leaves
 * them to the indexer, so that its answers do not wait for them. Below it, one commit for both costs less than
 * two; above it, a request naming a page of residents would wait for hundreds of index rows.
 */
const INLINE_INDEX_ROWS = 256;

/** The most index rows one shipment from the journal carries, so that its transaction stays short. */
const SHIPMENT_INDEX_ROWS = 20_000;

/** The most records the journal holds for the database before records are refused: the database has fallen behind. */
const MAX_UNSHIPPED = 50_000;

/** How long a writer whose database is unreachable waits before it tries again. */
const RETRY_MS = 500;

interface PendingRecord {
  record: UnchainedRecord;
  /** The index rows its record implies, at most: the citizens it names (a field set's rows are written once per set). */
  indexRows: number;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve(result: { seq: number }): void;
  reject(error: Error): void;
}

interface ChainHead {
  seq: number;
  hash: string;
}

type State = 'new' | 'running' | 'stopping' | 'stopped';

/** Given a promise and a time limit, returns the promise's outcome, or rejects once the time is up. */
function within<T>(promise: Promise<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AuditUnavailableError(message)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The gateway's audit trail, written side: one record per request, appended to this instance's hash chain in
 * the gateway database, written in batches (group commit). append() resolves once its record is durable and
 * rejects within writeTimeoutMs when it cannot be. With a journal (config.journalDirectory), a record is durable
 * once it is on the gateway's own disk, and reaches the database within config.shipDelayMs, many batches in one
 * transaction; without one, once the database has committed it. Every checkpointIntervalMs, and at stop, the head
 * of what the database holds is signed with the gateway's Ed25519 key and appended to a file outside the database.
 */
export class AuditLog {
  readonly instance: string;
  private readonly repository: AuditRepository;
  private readonly logger = getLogger('audit');
  private readonly now: () => Date;
  private readonly writeTimeoutMs: number;
  private readonly maxBatchSize: number;
  private state: State = 'new';
  private key: CheckpointKey | null = null;
  /** The pinned keys, the local checkpoint file and the witnesses (see CheckpointAnchor). */
  private anchor: CheckpointAnchor | null = null;
  /** The last durable record: on the journal, or in the database when there is no journal. */
  private head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  /** The last record the database holds, as far as this log knows; the head itself when there is no journal. */
  private stored: ChainHead = { seq: 0, hash: GENESIS_HASH };
  /** False after a failed write: a commit may have landed unseen, so the head is read again before the next batch. */
  private headKnown = false;
  private journal: AuditJournal | null = null;
  /** Records on the journal that the database does not hold yet, in chain order. */
  private unshipped: AuditRecordRow[] = [];
  private shipTimer: NodeJS.Timeout | null = null;
  private shipping: Promise<void> | null = null;
  /** Why the database cannot take records now, while it cannot; records are refused meanwhile (fail closed). */
  private storeProblem: AuditUnavailableError | null = null;
  private queue: PendingRecord[] = [];
  /** Cancels the pending start of the next batch, if one is scheduled. */
  private cancelBatch: (() => void) | null = null;
  private writing: Promise<void> | null = null;
  /** When the last batch started to be written (performance.now()). */
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  /** Requests the gateway has begun and not yet answered (requestBegun, requestEnded): they may append soon. */
  private requestsUnderWay = 0;
  /** Writes given up on that may still land; the stop checkpoint is not final while one is out. */
  private abandonedWrites = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<unknown> = Promise.resolve();
  private lastCheckpoint: Checkpoint | null = null;
  private committedBatches = 0;
  /** Up to which seq this instance's records are indexed, as far as this log knows. */
  private indexedSeq = 0;
  /** The indexing under way, if any: it goes on until the index reaches the chain's head. */
  private indexing: Promise<void> | null = null;

  constructor(
    db: Knex,
    private readonly config: AuditConfig,
    private readonly options: AuditLogOptions = {},
  ) {
    this.instance = config.instance;
    this.repository = new AuditRepository(db);
    this.now = options.now ?? (() => new Date());
    this.writeTimeoutMs = options.writeTimeoutMs ?? 2000;
    this.maxBatchSize = options.maxBatchSize ?? 256;
  }

  /** How many batches this log has committed: with group commit, fewer than the records under load. */
  get batchesWritten(): number {
    return this.committedBatches;
  }

  /** Tells the log that a request has begun: while others are under way, a record may wait a little to share a write. */
  requestBegun(): void {
    this.requestsUnderWay += 1;
  }

  /** Tells the log that a request begun (requestBegun) has been answered. */
  requestEnded(): void {
    this.requestsUnderWay = Math.max(0, this.requestsUnderWay - 1);
  }

  /** Whether the log takes records now: it runs and its store answers (what a readiness probe reports). */
  get acceptingRecords(): boolean {
    return this.state === 'running' && this.storeProblem === null;
  }

  /** Returns the last record this log knows to be durable: its seq (0 for none) and hash. */
  chainHead(): ChainHead {
    return { ...this.head };
  }

  /**
   * Loads the signing key (creating it outside production) and checks that it is pinned, reads the chain's last
   * record and checks it against the last checkpoint signed by a pinned key, in the local file or at a witness,
   * writes a START checkpoint, and starts the checkpoint timer. Throws an AuditIntegrityError when the chain was
   * cut, rolled back or rewritten since that checkpoint, or its checkpoint file is gone: the gateway does not
   * build on it.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`The audit log has been started already (${this.state})`);
    this.anchor = CheckpointAnchor.open(this.config, !this.options.production);
    this.key = this.anchor.key;
    const last = await within(this.repository.lastRecord(this.instance), this.writeTimeoutMs * 2, 'The audit store cannot be read: the chain head is unknown');
    if (last && recordHash(last) !== last.hash) {
      throw this.integrityError(`its last record, seq ${last.seq}, does not match its own hash`);
    }
    this.head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
    this.stored = this.head;
    this.headKnown = true;
    await this.checkAgainstLastCheckpoint();
    this.indexedSeq = await within(this.repository.indexHeadWithin(this.instance, this.head.seq), this.writeTimeoutMs * 2, 'The audit store cannot be read: the index head is unknown');
    if (this.config.journalDirectory !== null) await this.recoverJournal(this.config.journalDirectory);
    // Records written before a crash may not be indexed yet: they are now, while requests flow.
    this.scheduleIndexing();
    this.state = 'running';
    // Sealing the head found at start tells a verifier that nothing was added while the gateway was stopped.
    await this.checkpoint('START');
    this.checkpointTimer = setInterval(() => {
      this.checkpoint('INTERVAL').catch((error: unknown) => this.logger.error({ err: error }, 'audit checkpoint failed'));
    }, this.config.checkpointIntervalMs);
    this.checkpointTimer.unref();
    this.logger.info({ instance: this.instance, seq: this.head.seq }, 'audit trail continues');
  }

  private integrityError(why: string): AuditIntegrityError {
    const file = checkpointFile(this.config.checkpointDirectory, this.instance);
    return new AuditIntegrityError(
      `The audit trail of instance ${this.instance} cannot be continued: ${why}. Run \`npm run audit:verify\` to find the first bad record. ` +
        `If the gateway database was reset on purpose (development only), move ${file} aside.`,
    );
  }

  private async checkAgainstLastCheckpoint(): Promise<void> {
    const { checkpoint, source, localMissing, problem } = await this.anchor!.lastCheckpoint(this.instance);
    if (problem !== null) throw this.integrityError(problem);
    if (localMissing && this.head.seq > 0) {
      throw this.integrityError(`the database holds records up to seq ${this.head.seq}, but ${checkpointFile(this.config.checkpointDirectory, this.instance)} holds no checkpoint: it was removed`);
    }
    if (checkpoint === null) return;
    const sealed = `the checkpoint of ${checkpoint.at} (${source}) sealed seq ${checkpoint.seq}`;
    if (checkpoint.seq > this.head.seq) {
      throw this.integrityError(`${sealed}, but the database ends at seq ${this.head.seq}: its tail was cut or it was rolled back`);
    }
    if (checkpoint.seq > 0) {
      const sealedRecord = await within(this.repository.recordAt(this.instance, checkpoint.seq), this.writeTimeoutMs * 2, 'The audit store cannot be read');
      if (sealedRecord?.hash !== checkpoint.headHash) throw this.integrityError(`${sealed}, and the record now at that seq is not the one sealed`);
    }
    if (checkpoint.reason === 'STOP' && checkpoint.seq < this.head.seq) {
      throw this.integrityError(`${sealed} when the gateway stopped, yet records up to seq ${this.head.seq} follow it: they were added while it was stopped`);
    }
    this.lastCheckpoint = checkpoint;
  }

  /**
   * Given the journal directory, opens this instance's journal and ships to the database what it holds beyond the
   * database's last record: records a crash or an unreachable database left behind. Throws an
   * AuditIntegrityError when the journal does not continue the database's chain (the database was rolled back
   * below what it had taken, or either was altered).
   */
  private async recoverJournal(directory: string): Promise<void> {
    const { journal, records, tornBytes } = await AuditJournal.open(directory, this.instance);
    this.journal = journal;
    if (tornBytes > 0) this.logger.warn({ instance: this.instance, tornBytes }, 'the audit journal ends in a write a crash cut short; its records were never confirmed');
    let { seq, hash } = this.stored;
    for (const record of records) {
      if (record.seq <= this.stored.seq) {
        if (record.seq === this.stored.seq && record.hash !== this.stored.hash) {
          throw this.integrityError(`the database's record at seq ${record.seq} is not the one the journal in ${directory} holds`);
        }
        continue;
      }
      if (record.seq !== seq + 1 || record.previous_hash !== hash) {
        throw this.integrityError(`the journal in ${directory} holds seq ${record.seq} where seq ${seq + 1}, following the database's, was expected`);
      }
      this.unshipped.push(record);
      ({ seq, hash } = record);
    }
    this.head = { seq, hash };
    await this.repository.watchWriter(() => this.storeLost());
    if (this.unshipped.length > 0) {
      this.logger.info({ instance: this.instance, from: this.unshipped[0]!.seq, to: seq }, 'shipping records the journal holds and the database lacks');
      await this.ship();
      if (this.storeProblem) throw this.storeProblem;
    }
    await journal.release(this.stored.seq);
  }

  /** Called when the connection records are shipped on is lost: records are refused until the database answers again. */
  private storeLost(): void {
    if (this.state !== 'running' || this.storeProblem) return;
    this.storeProblem = new AuditUnavailableError('The audit store cannot be reached: the request cannot be recorded');
    this.headKnown = false;
    this.logger.error({ instance: this.instance }, 'audit store connection lost: records are refused until it answers');
    this.scheduleShipping(RETRY_MS);
  }

  /** Given a delay, ships what the journal holds and the database lacks after it, unless a shipment is due or under way. */
  private scheduleShipping(delayMs = this.config.shipDelayMs): void {
    // A stopping log ships what it holds itself (stop), and a stopped one has closed its connections.
    if (this.shipping || this.shipTimer || this.state !== 'running') return;
    this.shipTimer = setTimeout(() => void this.shipNow(), delayMs);
    this.shipTimer.unref();
  }

  /** Ships at once, unless a shipment is under way; resolves when the shipment ends, well or not. */
  private shipNow(): Promise<void> {
    if (this.shipTimer) clearTimeout(this.shipTimer);
    this.shipTimer = null;
    this.shipping ??= this.ship().finally(() => {
      this.shipping = null;
      if (this.storeProblem) this.scheduleShipping(RETRY_MS);
      else if (this.unshipped.length > 0) this.scheduleShipping();
    });
    return this.shipping;
  }

  /**
   * Writes the journal's records that the database lacks to it, in shipments of consecutive records, and deletes
   * journal files it no longer needs. Reads the database's last record first after a failure, since a shipment
   * given up on may have landed; with nothing to ship, that read tells whether the database answers again.
   * Sets or clears storeProblem; never rejects.
   */
  private async ship(): Promise<void> {
    try {
      if (!this.headKnown) {
        const last = await within(this.repository.lastRecord(this.instance), this.writeTimeoutMs, 'The audit store cannot be read: the chain head is unknown');
        const lastSeq = last?.seq ?? 0;
        const known = this.unshipped.find((record) => record.seq === lastSeq);
        if (lastSeq > this.stored.seq && (known === undefined || known.hash !== last!.hash)) {
          throw new AuditUnavailableError(`The audit store holds seq ${lastSeq} of this instance, which is not the record the journal holds`);
        }
        if (known) this.stored = { seq: known.seq, hash: known.hash };
        this.unshipped = this.unshipped.filter((record) => record.seq > this.stored.seq);
        await within(this.repository.watchWriter(() => this.storeLost()), this.writeTimeoutMs, 'The audit store cannot be reached');
        this.headKnown = true;
      }
      while (this.unshipped.length > 0) {
        let indexRows = 0;
        let count = 0;
        while (count < this.unshipped.length && (count === 0 || indexRows < SHIPMENT_INDEX_ROWS)) {
          const record = this.unshipped[count]!;
          indexRows += record.citizen_ids_json.length / 15;
          count += 1;
        }
        const shipment = this.unshipped.slice(0, count);
        const last = shipment[shipment.length - 1]!;
        const withIndex = this.indexing === null && this.indexedSeq === this.stored.seq;
        await this.write(shipment, withIndex);
        this.stored = { seq: last.seq, hash: last.hash };
        this.unshipped.splice(0, count);
        if (withIndex) this.indexedSeq = last.seq;
        else this.scheduleIndexing();
        await this.journal!.release(this.stored.seq);
      }
      if (this.storeProblem) this.logger.info({ instance: this.instance, seq: this.stored.seq }, 'audit store answers again');
      this.storeProblem = null;
    } catch (error) {
      this.headKnown = false;
      if (!this.storeProblem) this.logger.error({ err: error, instance: this.instance, unshipped: this.unshipped.length }, 'audit records not shipped to the database: records are refused until it answers');
      this.storeProblem = error instanceof AuditUnavailableError ? error : new AuditUnavailableError('The audit store cannot be written: the request cannot be recorded', error);
    }
  }

  /**
   * Given records and whether their index rows go with them, writes them to the database within writeTimeoutMs;
   * a write given up on is counted until it ends, since it may still commit.
   */
  private async write(records: readonly AuditRecordRow[], withIndex: boolean): Promise<void> {
    let landed = false;
    const write = this.repository.appendBatch(records, this.writeTimeoutMs, withIndex).finally(() => {
      landed = true;
    });
    try {
      await within(write, this.writeTimeoutMs, `The audit store did not confirm the record within ${this.writeTimeoutMs} ms`);
    } catch (error) {
      if (!landed) {
        // The write goes on past the time limit and may still commit: the next batch reads the head again.
        this.abandonedWrites += 1;
        write
          .then(
            () => this.logger.warn({ instance: this.instance, firstSeq: records[0]!.seq, lastSeq: records[records.length - 1]!.seq }, 'an audit batch given up on was committed late'),
            () => undefined,
          )
          .finally(() => {
            this.abandonedWrites -= 1;
          });
      }
      throw error;
    }
  }

  /** Starts indexing the records above the index head, unless indexing is under way (it then goes on to the head). */
  private scheduleIndexing(): void {
    if (this.indexing || this.indexedSeq >= this.stored.seq) return;
    const run = (async () => {
      while (this.indexedSeq < this.stored.seq) {
        const indexing = this.repository.indexRecords(this.instance, this.indexedSeq + 1, this.stored.seq, this.writeTimeoutMs);
        this.indexedSeq = await within(indexing, this.writeTimeoutMs * 2, 'The audit store did not confirm the index in time');
      }
    })();
    this.indexing = run.finally(() => {
      this.indexing = null;
    });
    // The next batch or reader tries again; meanwhile a reader waiting on indexed() gets the error.
    this.indexing.catch((error: unknown) => this.logger.error({ err: error, instance: this.instance, indexedSeq: this.indexedSeq }, 'audit index not written'));
  }

  /**
   * Resolves once every record that was durable when it was called is in the database (what the journal holds is
   * shipped at once) and can be found by citizen and by field (their index rows are written with their batch, or
   * for a large batch right after it, in a transaction of their own); rejects when either cannot be written now.
   */
  async indexed(): Promise<void> {
    const target = this.head.seq;
    while (this.stored.seq < target) {
      if (this.storeProblem) throw this.storeProblem;
      await this.shipNow();
    }
    while (this.indexedSeq < target) {
      this.scheduleIndexing();
      await this.indexing;
    }
  }

  /**
   * Given what the gateway states about a request, adds it to the next batch; resolves with its seq once the
   * record is durable, or rejects with an AuditUnavailableError (code AUDIT_UNAVAILABLE) within writeTimeoutMs.
   */
  append(input: AuditRecordInput): Promise<{ seq: number }> {
    if (this.state !== 'running') return Promise.reject(new AuditUnavailableError(`The audit log is not running (${this.state}): the request cannot be recorded`));
    // With a journal, a record could be durable while the database is away; it is refused all the same, so
    // that what is recorded reaches the database within writeTimeoutMs or is not answered.
    if (this.storeProblem) return Promise.reject(this.storeProblem);
    if (this.unshipped.length >= MAX_UNSHIPPED) return Promise.reject(new AuditUnavailableError('The audit store falls behind the journal: the request cannot be recorded now'));
    let record: UnchainedRecord;
    try {
      record = unchainedRecordOf(input, this.instance);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const pending: PendingRecord = {
        record,
        indexRows: input.citizenIds.length,
        settled: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.fail([pending], new AuditUnavailableError(`The audit store did not confirm the record within ${this.writeTimeoutMs} ms`));
        }, this.writeTimeoutMs),
      };
      this.queue.push(pending);
      this.scheduleBatch();
    });
  }

  private fail(batch: readonly PendingRecord[], error: Error): void {
    for (const pending of batch) {
      if (pending.settled) continue;
      pending.settled = true;
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  private scheduleBatch(): void {
    if (this.writing) return;
    if (this.queue.length >= this.maxBatchSize) {
      this.startWriting();
      return;
    }
    // With no delay configured, the batch still gathers every record appended in the same turn of the event loop;
    // records that arrive while it is written form the next one (group commit).
    if (this.cancelBatch) return;
    if (this.config.batchDelayMs === 0) {
      const immediate = setImmediate(() => this.startWriting());
      this.cancelBatch = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.startWriting(), this.config.batchDelayMs);
      this.cancelBatch = () => clearTimeout(timer);
    }
  }

  private startWriting(): void {
    this.cancelBatch?.();
    this.cancelBatch = null;
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = null;
      if (this.queue.length > 0) this.scheduleBatch();
    });
  }

  /** Writes batches until the queue is empty: what arrives during a write forms the next batch. */
  private async drain(): Promise<void> {
    for (;;) {
      // While other requests are under way, writes are spaced writeIntervalMs apart and the records that arrive
      // meanwhile share the next one: each durable write costs the gateway CPU, whatever it carries. A record
      // with no other request under way (a lone client) does not wait.
      const wait = this.lastWriteAt + this.config.writeIntervalMs - performance.now();
      const others = this.requestsUnderWay - this.queue.length;
      if (wait > 0 && others > 0 && this.queue.length < this.maxBatchSize) await new Promise((resolve) => setTimeout(resolve, wait));
      this.queue = this.queue.filter((pending) => !pending.settled);
      if (this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.lastWriteAt = performance.now();
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: PendingRecord[]): Promise<void> {
    try {
      if (!this.headKnown && this.journal === null) {
        const last = await within(this.repository.lastRecord(this.instance), this.writeTimeoutMs, 'The audit store cannot be read: the chain head is unknown');
        this.head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
        this.stored = this.head;
        this.headKnown = true;
      }
      const records: AuditRecordRow[] = [];
      let { seq, hash } = this.head;
      for (const pending of batch) {
        seq += 1;
        const content = { ...pending.record, seq, previous_hash: hash };
        hash = recordHash(content);
        records.push({ ...content, hash });
      }
      if (this.journal) {
        // Not cut short: a write to the journal given up on could still land, and the next batch would reuse its
        // seqs. Each record's own timer refuses its request meanwhile.
        await this.journal.append(records);
        this.unshipped.push(...records);
        this.scheduleShipping();
      } else {
        // A light batch carries its index rows in its own transaction, when the index has caught up with the chain.
        const indexRows = batch.reduce((sum, pending) => sum + pending.indexRows, 0);
        const withIndex = indexRows <= INLINE_INDEX_ROWS && this.indexing === null && this.indexedSeq === this.head.seq;
        await this.write(records, withIndex);
        this.stored = { seq, hash };
        if (withIndex) this.indexedSeq = seq;
        else this.scheduleIndexing();
      }
      this.head = { seq, hash };
      this.committedBatches += 1;
      batch.forEach((pending, index) => {
        if (pending.settled) return;
        pending.settled = true;
        clearTimeout(pending.timer);
        pending.resolve({ seq: records[index]!.seq });
      });
    } catch (error) {
      if (this.journal === null) this.headKnown = false;
      this.logger.error({ err: error, instance: this.instance, records: batch.length }, 'audit batch not written');
      this.fail(batch, error instanceof AuditUnavailableError ? error : new AuditUnavailableError('The audit store cannot be written: the request cannot be recorded', error));
    }
  }

  /**
   * Signs the chain's head and appends it to this instance's checkpoint file; returns the checkpoint written,
   * or null for an INTERVAL checkpoint whose head the last one sealed already. One is written at a time.
   */
  checkpoint(reason: CheckpointReason = 'INTERVAL'): Promise<Checkpoint | null> {
    const next = this.checkpointing.then(async () => {
      if (!this.key) throw new Error('The audit log has not been started');
      // What the database holds: a verifier reads the database, not the journal.
      const head = this.stored;
      const previous = this.lastCheckpoint;
      if (reason === 'INTERVAL' && previous && previous.seq === head.seq && previous.headHash === head.hash) return null;
      const checkpoint = signCheckpoint({ instance: this.instance, seq: head.seq, headHash: head.hash, at: this.now().toISOString(), reason }, this.key);
      await this.anchor!.seal(checkpoint);
      this.lastCheckpoint = checkpoint;
      return checkpoint;
    });
    this.checkpointing = next.catch(() => undefined);
    return next;
  }

  /**
   * Stops taking records, writes what is queued (each record still bounded by writeTimeoutMs), ships what the
   * journal holds, and seals the database's head with a STOP checkpoint; with an INTERVAL one while a given-up
   * write may still land, or records remain on the journal for the next start to ship.
   */
  async stop(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      await this.journal?.close(this.stored.seq);
      await this.repository.close();
      return;
    }
    this.state = 'stopping';
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.checkpointTimer = null;
    if (this.queue.length > 0) this.startWriting();
    while (this.writing) await this.writing;
    // What is not indexed now is indexed at the next start; what is not shipped, shipped then.
    await this.indexed().catch(() => undefined);
    if (this.shipTimer) clearTimeout(this.shipTimer);
    this.shipTimer = null;
    // A shipment retried while the database was away may still be under way: it ends before the connections close.
    await this.shipping;
    const sealed = this.abandonedWrites === 0 && this.headKnown && this.stored.seq === this.head.seq;
    await this.checkpoint(sealed ? 'STOP' : 'INTERVAL');
    await this.journal?.close(this.stored.seq);
    await this.repository.close();
    this.state = 'stopped';
    this.logger.info({ instance: this.instance, seq: this.head.seq }, 'audit trail sealed');
  }
}
