import type { AuditRecordRow } from '../../db/gatewayRows';
import type { ChainHead } from './chain';
import type { AuditUnavailableError } from './errors';

/**
 * Where chained records are made durable: the gateway database itself (databaseSink.ts), or a local outbox that
 * ships them to it (outboxSink.ts). The audit log chains records after durableHead() and hands them to write().
 */
export interface AuditSink {
  /** Given the head the database holds at start, recovers what a crash left (an outbox's records) before the first write. */
  open(databaseHead: ChainHead): Promise<void>;
  /** Returns the head the next record is chained on: the last durable record (read again after a write that failed). */
  durableHead(): Promise<ChainHead>;
  /** Given records chained after durableHead() and the index rows they imply, makes them durable; rejects with AUDIT_UNAVAILABLE when it cannot. */
  write(records: readonly AuditRecordRow[], indexRows: number): Promise<void>;
  /** Why records are refused now (the database cannot take them), or null. */
  refusal(): AuditUnavailableError | null;
  /** The last record the gateway database holds, as far as the sink knows: what a checkpoint seals and the index follows. */
  stored(): ChainHead;
  /** Resolves once every durable record is in the database; rejects when the database cannot take them now. */
  flush(): Promise<void>;
  /** Whether the database holds every durable record and no write given up on may still land: a STOP checkpoint is final. */
  settled(): boolean;
  close(): Promise<void>;
}
