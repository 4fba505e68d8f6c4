import type { RecordContent } from '../../gateway/audit/hashChain';

/** A record's hashed text as the format defines it: JSON.stringify of one array, the added columns as pairs when set. */
export function referenceText(record: RecordContent): string {
  const added = (['officer_unit', 'caller_national_id'] as const).filter((column) => record[column] != null).map((column) => [column, record[column]]);
  return JSON.stringify([
    'dsp-audit-record/v1',
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
  ]);
}
