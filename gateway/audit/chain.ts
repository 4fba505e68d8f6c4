import type { AuditRecordRow } from '../../db/gatewayRows';
import { GENESIS_HASH, recordHash } from './hashChain';
import type { UnchainedRecord } from './records';

/** The last record of an instance's chain: its seq (0 for none) and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The head of an empty chain. */
export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** Given a stored record or null, returns the head it makes. */
export function headOf(record: Pick<AuditRecordRow, 'seq' | 'hash'> | null | undefined): ChainHead {
  return record ? { seq: record.seq, hash: record.hash } : { ...EMPTY_CHAIN };
}

/**
 * Given a chain's head and records not chained yet, returns them chained after it (consecutive seqs, each
 * holding the hash of the one before) and the head they make.
 */
export function chainRecords(head: ChainHead, unchained: readonly UnchainedRecord[]): { records: AuditRecordRow[]; head: ChainHead } {
  const records: AuditRecordRow[] = [];
  let { seq, hash } = head;
  for (const record of unchained) {
    seq += 1;
    const chained: AuditRecordRow = { ...record, seq, previous_hash: hash, hash: '' };
    hash = recordHash(chained);
    chained.hash = hash;
    records.push(chained);
  }
  return { records, head: { seq, hash } };
}

/**
 * Given a chain's head and records read back from elsewhere (an outbox), returns the first reason they do not
 * continue it (a seq out of place, a link to another record, a record whose content does not match its own
 * hash), or null when every one follows the one before.
 */
export function continuationProblem(head: ChainHead, records: readonly AuditRecordRow[]): string | null {
  let { seq, hash } = head;
  for (const record of records) {
    if (record.seq !== seq + 1) return `seq ${record.seq} stands where seq ${seq + 1} was expected`;
    if (record.previous_hash !== hash) return `seq ${record.seq} does not link to the record before it`;
    if (recordHash(record) !== record.hash) return `seq ${record.seq} does not match its own hash`;
    ({ seq, hash } = record);
  }
  return null;
}
