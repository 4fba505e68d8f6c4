import type { Logger } from 'pino';
import type { AuditRecordRow } from '../../db/gatewayRows';
import type { AuditRepository } from './auditRepository';
import type { ChainHead } from './chain';
import { EMPTY_CHAIN, continuationProblem } from './chain';
import type { DatabaseWriter } from './databaseWriter';
import type { AuditIntegrityError } from './errors';
import { AuditUnavailableError } from './errors';
import type { Indexer } from './indexer';
import { AuditOutbox } from './outbox';
import type { AuditSink } from './sink';
import { unavailable } from './timeLimit';

/** The most index rows one shipment carries, so that its transaction stays short. */
const SHIPMENT_INDEX_ROWS = 20_000;

/** The most records the outbox holds for the database before records are refused: the database has fallen behind. */
const MAX_UNSHIPPED = 50_000;

/** How long a shipper whose database is unreachable waits before it tries again. */
const RETRY_MS = 500;

export interface OutboxSinkOptions {
  directory: string;
  instance: string;
  /** How long records wait in the outbox to be shipped to the database together. */
  shipDelayMs: number;
  repository: AuditRepository;
  writer: DatabaseWriter;
  indexer: Indexer;
  logger: Logger;
  /** Given why, returns the error that stops a start whose outbox does not continue the database's chain. */
  cannotContinue(why: string): AuditIntegrityError;
}

/**
 * Records made durable in the gateway's local outbox (outbox.ts), then shipped to the gateway database in order,
 * many batches per transaction, within shipDelayMs. A start ships what a crash left; an outbox that does not
 * continue the database's chain stops it. Once a shipment fails, or the connection it travels on is lost,
 * records are refused until the database answers again: the outbox never stands in for the database.
 */
export class OutboxSink implements AuditSink {
  private outbox: AuditOutbox | null = null;
  private head: ChainHead = { ...EMPTY_CHAIN };
  private storedHead: ChainHead = { ...EMPTY_CHAIN };
  /** False after a failed shipment: it may have landed, so the database's head is read before the next one. */
  private headKnown = true;
  /** Records in the outbox that the database does not hold yet, in chain order. */
  private unshipped: AuditRecordRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private shipping: Promise<void> | null = null;
  private problem: AuditUnavailableError | null = null;
  private closed = false;

  constructor(private readonly options: OutboxSinkOptions) {}

  /**
   * Given the head the database holds, opens the outbox and ships what it holds beyond it. Throws an
   * AuditIntegrityError when the outbox does not continue the database's chain (the database was rolled back
   * below what it had taken, or either was altered), and AUDIT_UNAVAILABLE when the database cannot take it.
   */
  async open(databaseHead: ChainHead): Promise<void> {
    const { directory, instance } = this.options;
    this.outbox = await AuditOutbox.open(directory, instance);
    const records = await this.outbox.records();
    const held = records.filter((record) => record.seq <= databaseHead.seq);
    const last = held[held.length - 1];
    if (last && last.seq === databaseHead.seq && last.hash !== databaseHead.hash) {
      throw this.options.cannotContinue(`the database's record at seq ${last.seq} is not the one the outbox ${this.outbox.file} holds`);
    }
    const foreign = records.find((record) => record.instance !== instance);
    if (foreign) throw this.options.cannotContinue(`the outbox ${this.outbox.file} holds a record of instance ${foreign.instance}`);
    this.unshipped = records.filter((record) => record.seq > databaseHead.seq);
    const problem = continuationProblem(databaseHead, this.unshipped);
    if (problem !== null) throw this.options.cannotContinue(`the outbox ${this.outbox.file} does not continue the database's chain: ${problem}`);
    this.storedHead = databaseHead;
    const tail = this.unshipped[this.unshipped.length - 1];
    this.head = tail ? { seq: tail.seq, hash: tail.hash } : databaseHead;
    await this.options.repository.watchWriter(() => this.lost());
    if (this.unshipped.length > 0) {
      this.options.logger.info({ instance, from: this.unshipped[0]!.seq, to: this.head.seq }, 'shipping records the audit outbox holds and the database lacks');
      await this.ship();
      if (this.problem) throw this.problem;
    }
    await this.outbox.release(this.storedHead.seq);
  }

  async durableHead(): Promise<ChainHead> {
    return this.head;
  }

  async write(records: readonly AuditRecordRow[]): Promise<void> {
    // Not cut short: a write to the outbox given up on could still commit, and the next batch would reuse its
    // seqs. Each record's own time limit refuses its request meanwhile.
    await this.outbox!.append(records);
    this.unshipped.push(...records);
    const last = records[records.length - 1]!;
    this.head = { seq: last.seq, hash: last.hash };
    this.schedule(this.options.shipDelayMs);
  }

  refusal(): AuditUnavailableError | null {
    if (this.problem) return this.problem;
    if (this.unshipped.length >= MAX_UNSHIPPED) return new AuditUnavailableError('The audit store falls behind the outbox: the request cannot be recorded now');
    return null;
  }

  stored(): ChainHead {
    return this.storedHead;
  }

  async flush(): Promise<void> {
    const target = this.head.seq;
    while (this.storedHead.seq < target) {
      if (this.problem) throw this.problem;
      await this.shipNow();
    }
  }

  settled(): boolean {
    return this.headKnown && this.storedHead.seq === this.head.seq && !this.options.writer.writesOutstanding;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A shipment retried while the database was away may still be under way: it ends before the connections close.
    await this.shipping;
    await this.outbox?.close();
  }

  /** Closes an outbox that open() emptied into the database and removes its files: one left by a start with the outbox on. */
  async closeForGood(): Promise<void> {
    if (this.unshipped.length > 0) throw new Error('An outbox that still holds records is not removed');
    this.closed = true;
    await this.outbox?.close(true);
    this.outbox = null;
  }

  /** Called when the connection records are shipped on is lost: records are refused until the database answers again. */
  private lost(): void {
    if (this.closed || this.problem) return;
    this.problem = new AuditUnavailableError('The audit store cannot be reached: the request cannot be recorded');
    this.headKnown = false;
    this.options.logger.error({ instance: this.options.instance }, 'audit store connection lost: records are refused until it answers');
    this.schedule(RETRY_MS);
  }

  /** Given a delay, ships after it, unless a shipment is due or under way. */
  private schedule(delayMs: number): void {
    if (this.shipping || this.timer || this.closed) return;
    this.timer = setTimeout(() => void this.shipNow(), delayMs);
    this.timer.unref();
  }

  /** Ships at once, unless a shipment is under way; resolves when the shipment ends, well or not. */
  private shipNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.shipping ??= this.ship().finally(() => {
      this.shipping = null;
      if (this.problem) this.schedule(RETRY_MS);
      else if (this.unshipped.length > 0) this.schedule(this.options.shipDelayMs);
    });
    return this.shipping;
  }

  /**
   * Writes the records the database lacks to it, in shipments of consecutive records, and releases them from the
   * outbox. Reads the database's head first after a failure, since a shipment given up on may have landed; with
   * nothing to ship, that read tells whether the database answers again. Sets or clears the problem; never rejects.
   */
  private async ship(): Promise<void> {
    const { instance, logger, writer, indexer } = this.options;
    try {
      if (!this.headKnown) {
        const last = await writer.head();
        const known = this.unshipped.find((record) => record.seq === last.seq);
        if (last.seq > this.storedHead.seq && (known === undefined || known.hash !== last.hash)) {
          throw new AuditUnavailableError(`The audit store holds seq ${last.seq} of this instance, which is not the record the outbox holds`);
        }
        if (known) this.storedHead = { seq: known.seq, hash: known.hash };
        this.unshipped = this.unshipped.filter((record) => record.seq > this.storedHead.seq);
        await this.options.repository.watchWriter(() => this.lost());
        this.headKnown = true;
      }
      while (this.unshipped.length > 0) {
        let indexRows = 0;
        let count = 0;
        while (count < this.unshipped.length && (count === 0 || indexRows < SHIPMENT_INDEX_ROWS)) {
          indexRows += this.unshipped[count]!.citizen_ids_json.length / 15;
          count += 1;
        }
        const shipment = this.unshipped.slice(0, count);
        const last = shipment[shipment.length - 1]!;
        const withIndex = indexer.takesInline(this.storedHead.seq);
        await writer.write(shipment, withIndex);
        this.storedHead = { seq: last.seq, hash: last.hash };
        this.unshipped.splice(0, count);
        if (withIndex) indexer.indexedWith(last.seq);
        else indexer.schedule();
        await this.outbox!.release(this.storedHead.seq);
      }
      if (this.problem) logger.info({ instance, seq: this.storedHead.seq }, 'audit store answers again');
      this.problem = null;
    } catch (error) {
      this.headKnown = false;
      if (!this.problem)
        logger.error(
          { err: error, instance, unshipped: this.unshipped.length },
          'audit records not shipped to the database: records are refused until it answers',
        );
      this.problem = unavailable(error);
    }
  }
}
