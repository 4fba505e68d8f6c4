import { hash } from 'node:crypto';
import type { AuditRecordRow } from '../../db/gatewayRows';

/** The previous hash of an instance's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Names the way a record's content is hashed, so that a later format can be told apart. */
const RECORD_FORMAT = 'dsp-audit-record/v1';

/** Given a text, returns its SHA-256, hex (Node's one-shot hash: a third of a Hash object's cost on short texts). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
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

/** Fields lists whose JSON text is kept: a decision's list, one text, is named by every record of the requests it answers. */
const FIELD_LISTS = 256;
const fieldListJson = new Map<string, string>();

/** Given a record's fields as JSON, returns that text as a JSON string (JSON.stringify), escaped once per list while it is among the last ones seen. */
function fieldsJsonText(fieldsJson: string): string {
  // A row that is not what its type says (a damaged one, read by the verifier) is written as JSON.stringify writes it.
  if (typeof fieldsJson !== 'string') return JSON.stringify(fieldsJson ?? null);
  let json = fieldListJson.get(fieldsJson);
  if (json === undefined) {
    if (fieldListJson.size >= FIELD_LISTS) fieldListJson.clear();
    json = JSON.stringify(fieldsJson);
    fieldListJson.set(fieldsJson, json);
  }
  return json;
}

/**
 * Given a record's columns (previous_hash included), returns the text its hash is taken of: byte for byte the JSON
 * of the array of the format's name and every column in a fixed order, the added columns (officer_unit,
 * caller_national_id) after them as [name, value] pairs, each only when set. The array is written in two parts
 * around the fields' JSON, the longest column, which a decision's records share: it is escaped once per list.
 */
export function recordText(record: RecordContent): string {
  const before = JSON.stringify([
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
  ]);
  const added = (['officer_unit', 'caller_national_id'] as const).filter((column) => record[column] != null).map((column) => [column, record[column]]);
  const after = JSON.stringify([
    record.citizen_ids_json,
    record.row_count,
    record.outcome,
    record.error_code,
    record.latency_ms,
    record.policy_version,
    ...added,
  ]);
  // JSON.stringify joins an array's elements with commas between brackets: the two parts joined around the fields' JSON are the whole.
  return `${before.slice(0, -1)},${fieldsJsonText(record.fields_json)},${after.slice(1)}`;
}

/**
 * Given a record's columns (previous_hash included), returns its hash: the SHA-256 of every column in a
 * fixed order (recordText). The instance and seq are inside, so a record moved to another place no longer
 * matches. The columns added since (officer_unit, caller_national_id) follow as [name, value] pairs, each only
 * when set: a record that has neither, every record written before them, hashes as it always did.
 */
export function recordHash(record: RecordContent): string {
  return sha256Hex(recordText(record));
}
