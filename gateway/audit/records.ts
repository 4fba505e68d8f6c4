import type { AuditCitizenRow, AuditFieldSetRow, AuditRecordRow } from '../../db/gatewayRows';
import { canonicalJson, sha256Hex } from './hashChain';
import type { FieldDecision } from '../policy/types';
import type { AuditOutcome, AuditRecord, AuditRecordInput, AuditedField } from './types';
import { AUDIT_OUTCOMES } from './types';

/** A record's columns before it takes its place in the chain (seq, previous hash and hash). */
export type UnchainedRecord = Omit<AuditRecordRow, 'seq' | 'previous_hash' | 'hash'>;

const NATIONAL_ID = /^\d{12}$/;

/** Operation texts whose hash is kept: a gateway serves a few operations over and over. */
const OPERATION_HASHES = 1000;
const operationHashes = new Map<string, string>();

/** Given an operation's text, returns its SHA-256, computed once per text while it is among the last ones seen. */
export function operationHash(query: string): string {
  let hash = operationHashes.get(query);
  if (hash === undefined) {
    if (operationHashes.size >= OPERATION_HASHES) operationHashes.clear();
    hash = sha256Hex(query);
    operationHashes.set(query, hash);
  }
  return hash;
}

/** Given a record's fields, returns the key of their set: the SHA-256 of their coordinates and effects, in order. */
function setKeyOf(fields: readonly AuditedField[]): string {
  return sha256Hex(JSON.stringify(fields.map(({ coordinate, effect }) => [coordinate, effect])));
}

/** Given a record's fields as JSON, returns the key of its field set (setKeyOf). */
export function fieldSetKey(fieldsJson: string): string {
  return setKeyOf(JSON.parse(fieldsJson) as AuditedField[]);
}

/** What a record keeps of a decided-fields list: the fields as JSON, and the key of their set. */
interface RecordedFields {
  json: string;
  setKey: string;
}

/** Per decided-fields list: a decision, and so its list, is reused across requests (policyPlugin). */
const recordedFieldsByList = new WeakMap<readonly FieldDecision[], RecordedFields>();

/** Given the decided fields, returns what a record keeps of them: sorted by coordinate, one per coordinate, and their set's key. */
function recordedFields(decided: readonly FieldDecision[]): RecordedFields {
  let recorded = recordedFieldsByList.get(decided);
  if (recorded === undefined) {
    const fields: AuditedField[] = [...decided]
      .map(({ coordinate, effect, rule, grantId, mask }) => ({ coordinate, effect, rule, grantId, mask }))
      .sort((a, b) => (a.coordinate < b.coordinate ? -1 : a.coordinate > b.coordinate ? 1 : 0))
      .filter((field, index, sorted) => index === 0 || sorted[index - 1]!.coordinate !== field.coordinate);
    recorded = { json: JSON.stringify(fields), setKey: setKeyOf(fields) };
    recordedFieldsByList.set(decided, recorded);
  }
  return recorded;
}

/** Given a text and the width of its column, returns it cut to fit: a long value never makes a record fail. */
function fit(value: string | null | undefined, width: number): string | null {
  if (value === null || value === undefined) return null;
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}

function wholeNumber(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${what} must be a number of at least 0, got ${value}`);
  return Math.min(Math.round(value), 2 ** 31 - 1);
}

/**
 * Given what the gateway states about a request and its instance, returns the record's columns. Only hashes
 * of the operation and its variables are kept; national IDs are kept unique and sorted. Throws a TypeError
 * for a statement that cannot be a record (an unknown outcome, a negative count, a malformed national ID).
 */
export function unchainedRecordOf(input: AuditRecordInput, instance: string): UnchainedRecord {
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(input.outcome)) throw new TypeError(`Unknown audit outcome "${input.outcome}"`);
  if (Number.isNaN(input.at.getTime())) throw new TypeError('The time of an audited request is not a valid date');
  const malformed = input.citizenIds.find((nationalId) => !NATIONAL_ID.test(nationalId));
  if (malformed !== undefined) throw new TypeError(`"${malformed.slice(0, 20)}" is not a national ID: a record names citizens by their 12 digits`);
  const agency = input.principal.kind === 'AGENCY' ? input.principal : null;
  if (input.principal.kind === 'CITIZEN' && !NATIONAL_ID.test(input.principal.nationalId)) throw new TypeError('A citizen caller is named by their 12 digits');
  const fields = recordedFields(input.fields);
  return {
    instance,
    recorded_at: input.at.toISOString(),
    agency_code: agency ? agency.agency.code : null,
    agency_name: agency ? fit(agency.agency.name, 200) : null,
    credential_id: agency ? fit(agency.credentialId, 80) : null,
    user_id: agency ? fit(agency.userId, 100) : null,
    purpose: input.purpose,
    dossier_id: fit(input.dossierId, 100),
    operation_name: fit(input.operationName, 200),
    operation_hash: input.query === null ? null : operationHash(input.query),
    variables_hash: input.variables === null || input.variables === undefined ? null : sha256Hex(canonicalJson(input.variables)),
    fields_json: fields.json,
    field_set: fields.setKey,
    citizen_ids_json: JSON.stringify([...new Set(input.citizenIds)].sort()),
    row_count: wholeNumber(input.rowCount, 'rowCount'),
    outcome: input.outcome,
    error_code: fit(input.errorCode, 60),
    latency_ms: wholeNumber(input.latencyMs, 'latencyMs'),
    policy_version: input.policyVersion === null ? null : wholeNumber(input.policyVersion, 'policyVersion'),
    officer_unit: agency ? fit(agency.officerUnit, 100) : null,
    caller_national_id: input.principal.kind === 'CITIZEN' ? input.principal.nationalId : null,
  };
}

/** Given a stored record, returns the index rows it implies: its citizens, and its field set's key and rows. */
export function indexRowsOf(record: AuditRecordRow): { citizens: AuditCitizenRow[]; fieldSet: string; fields: AuditFieldSetRow[] } {
  const { instance, seq, recorded_at } = record;
  const citizens = (JSON.parse(record.citizen_ids_json) as string[]).map((national_id) => ({ national_id, instance, seq, recorded_at }));
  const recorded = JSON.parse(record.fields_json) as AuditedField[];
  const fieldSet = setKeyOf(recorded);
  const fields = recorded.map((field) => ({ set_hash: fieldSet, coordinate: field.coordinate, effect: field.effect }));
  return { citizens, fieldSet, fields };
}

/** Given a stored record, returns how the audit trail's readers see it. */
export function toAuditRecord(row: AuditRecordRow): AuditRecord {
  return {
    instance: row.instance,
    seq: row.seq,
    at: row.recorded_at,
    agencyCode: row.agency_code,
    agencyName: row.agency_name,
    credentialId: row.credential_id,
    userId: row.user_id,
    purpose: row.purpose,
    dossierId: row.dossier_id,
    operationName: row.operation_name,
    operationHash: row.operation_hash,
    variablesHash: row.variables_hash,
    fields: JSON.parse(row.fields_json) as AuditedField[],
    citizenIds: JSON.parse(row.citizen_ids_json) as string[],
    rowCount: row.row_count,
    outcome: row.outcome as AuditOutcome,
    errorCode: row.error_code,
    latencyMs: row.latency_ms,
    policyVersion: row.policy_version,
    officerUnit: row.officer_unit ?? null,
    callerNationalId: row.caller_national_id ?? null,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
