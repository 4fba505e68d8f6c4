import type { Logger } from 'pino';
import type { AuditRecordRow } from '../../db/gatewayRows';
import type { AuditRepository } from './auditRepository';
import type { ChainHead } from './chain';
import { headOf } from './chain';
import { within } from './timeLimit';

/**
 * Writes an instance's records to the gateway database within a time limit, and reads its chain's head. A write
 * given up on may still commit: it is counted until it ends, so that a stop does not seal a head it may move.
 */
export class DatabaseWriter {
  private abandoned = 0;

  constructor(
    private readonly repository: AuditRepository,
    private readonly instance: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Whether a write given up on may still land. */
  get writesOutstanding(): boolean {
    return this.abandoned > 0;
  }

  /** Returns the last record the database holds for the instance, within the time limit. */
  async head(): Promise<ChainHead> {
    return headOf(await within(this.repository.lastRecord(this.instance), this.timeoutMs, 'The audit store cannot be read: the chain head is unknown'));
  }

  /** Given consecutive records and whether their index rows go with them, writes them in one transaction within the time limit. */
  async write(records: readonly AuditRecordRow[], withIndex: boolean): Promise<void> {
    let landed = false;
    const write = this.repository.appendBatch(records, this.timeoutMs, withIndex).finally(() => {
      landed = true;
    });
    try {
      await within(write, this.timeoutMs, `The audit store did not confirm the record within ${this.timeoutMs} ms`);
    } catch (error) {
      if (!landed) {
        this.abandoned += 1;
        write
          .then(
            () =>
              this.logger.warn(
                { instance: this.instance, firstSeq: records[0]!.seq, lastSeq: records[records.length - 1]!.seq },
                'an audit batch given up on was committed late',
              ),
            () => undefined,
          )
          .finally(() => {
            this.abandoned -= 1;
          });
      }
      throw error;
    }
  }
}
