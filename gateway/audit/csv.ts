import type { AuditRecord } from './types';

/** The columns of an audit export, in order; the hashes let a reader check the export against the chain. */
export const AUDIT_CSV_COLUMNS = [
  'recorded_at',
  'instance',
  'seq',
  'agency_code',
  'agency_name',
  'credential_id',
  'user_id',
  'officer_unit',
  'caller_national_id',
  'purpose',
  'dossier_id',
  'operation_name',
  'operation_hash',
  'variables_hash',
  'outcome',
  'error_code',
  'row_count',
  'latency_ms',
  'policy_version',
  'fields',
  'citizen_ids',
  'previous_hash',
  'hash',
] as const;

/** A text cell starting with one of these would run as a formula in a spreadsheet. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Given a value, returns it as one CSV cell (RFC 4180): quoted when it must be, never read as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Given the cells of a line, returns the CSV line, CRLF-terminated. */
export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Returns the header line of an audit export. */
export function auditCsvHeader(): string {
  return csvLine(AUDIT_CSV_COLUMNS);
}

/** Given a record, returns its line of an audit export: fields as "Type.field=EFFECT[:MASK]", IDs space-separated. */
export function auditCsvLine(record: AuditRecord): string {
  const fields = record.fields.map((field) => `${field.coordinate}=${field.effect}${field.mask ? `:${field.mask}` : ''}`).join(' ');
  return csvLine([
    record.at,
    record.instance,
    record.seq,
    record.agencyCode,
    record.agencyName,
    record.credentialId,
    record.userId,
    record.officerUnit,
    record.callerNationalId,
    record.purpose,
    record.dossierId,
    record.operationName,
    record.operationHash,
    record.variablesHash,
    record.outcome,
    record.errorCode,
    record.rowCount,
    record.latencyMs,
    record.policyVersion,
    fields,
    record.citizenIds.join(' '),
    record.previousHash,
    record.hash,
  ]);
}
