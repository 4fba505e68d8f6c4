import { createHash } from 'node:crypto';
import type { AuditRecordRow } from '../../db/gatewayRows';

/** The previous hash of an instance's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Names the way a record's content is hashed, so that a later format can be told apart. */
const RECORD_FORMAT = 'dsp-audit-record/v1';

/** Given a text, returns its SHA-256, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Given a JSON value, returns its JSON text with object keys sorted: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A record's stored columns, without its own hash. */
export type RecordContent = Omit<AuditRecordRow, 'hash'>;

/**
 * Given a record's columns (previous_hash included), returns its hash: the SHA-256 of every column in a
 * fixed order. The instance and seq are inside, so a record moved to another place no longer matches. The
 * columns added since (officer_unit, caller_national_id) follow as [name, value] pairs, each only when set:
 * a record that has neither, every record written before them, hashes as it always did.
 */
export function recordHash(record: RecordContent): string {
  const added = (['officer_unit', 'caller_national_id'] as const).filter((column) => record[column] != null).map((column) => [column, record[column]]);
  return sha256Hex(
    JSON.stringify([
      RECORD_FORMAT,
      record.instance,
      record.seq,
      record.previous_hash,
      record.recorded_at,
      record.agency_code,
      record.agency_name,
      record.credential_id,
      record.user_id,
      record.purpose,
      record.dossier_id,
      record.operation_name,
      record.operation_hash,
      record.variables_hash,
      record.fields_json,
      record.citizen_ids_json,
      record.row_count,
      record.outcome,
      record.error_code,
      record.latency_ms,
      record.policy_version,
      ...added,
    ]),
  );
}
