/**
 * Row types of the gateway database's tables, declared once. Timestamps are ISO 8601 strings in UTC;
 * list columns hold JSON text; booleans come back as 0/1 from MySQL and from SQLite alike.
 */

export interface AgencyRow {
  code: string;
  name: string;
  sector: string | null;
  /** JSON array of commune codes. */
  unit_codes: string;
  steward: boolean | number;
  created_at: string;
  updated_at: string;
  /** When the agency was deactivated (from agency_deactivations): its credentials and grants stop; null while it is active. */
  deactivated_at?: string | null;
}

/** An agency that was deactivated, and when. */
export interface AgencyDeactivationRow {
  agency_code: string;
  deactivated_at: string;
}

export interface CredentialRow {
  id: string;
  agency_code: string;
  label: string | null;
  /** SHA-256 of the secret, hex. */
  secret_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** The key that replaced this one when it was rotated. */
  replaced_by: string | null;
}

export interface GrantRow {
  id: number;
  agency_code: string;
  target_kind: string;
  /** The coordinate (FIELD), the type name (TYPE) or "SHARING/PERSONAL" (CLASSIFICATION). */
  target: string;
  /** A CLASSIFICATION grant's sector, or null for every sector. */
  target_sector: string | null;
  /** A CLASSIFICATION grant's types, a sorted JSON array, or null for every type. */
  target_types: string | null;
  /** JSON array of purposes. */
  purposes: string;
  legal_basis: string;
  /** JSON array of commune codes, or null for the whole province. */
  scope_unit_codes: string | null;
  /** JSON array of { coordinate, mask }. */
  masks: string;
  valid_from: string;
  valid_to: string | null;
  revoked_at: string | null;
  /** JSON array of the legal_instruments numbers the grant cites; null only before the register existed. */
  legal_instruments: string | null;
  created_at: string;
  /** APPROVED, PENDING_APPROVAL (a grant on sensitive data waiting for a second steward) or REJECTED. */
  approval_status: string;
  /** The history's actor who asked for the grant, and who approved or rejected it. */
  requested_by: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  sharing_request_id: number | null;
  /** The grant this one was made in place of: revoked with its approval (at once when it needs none). */
  replaces_grant_id: number | null;
}

/** An agency's request to share data with it, and its answer. */
export interface SharingRequestRow {
  id: number;
  requester_code: string;
  /** JSON arrays. */
  fields: string;
  purposes: string;
  /** The instrument number the request relies on, e.g. "47/2020/NĐ-CP". */
  legal_basis: string;
  scope_unit_codes: string | null;
  procedure: string;
  owner_codes: string;
  status: string;
  filed_at: string;
  deadline_at: string;
  answered_at: string | null;
  /** Before each owner answered its own part: the single answer's columns, kept as they were (the parts hold answers now). */
  answered_by: string | null;
  refusal_reason: string | null;
  refusal_legal_basis: string | null;
  answer_json: string | null;
}

/** One owner agency's part of a sharing request, and its answer. */
export interface SharingRequestPartRow {
  request_id: number;
  owner_code: string;
  /** JSON array: the requested fields of the owner's sector. */
  fields: string;
  status: string;
  deadline_at: string;
  answered_at: string | null;
  answered_by: string | null;
  refusal_reason: string | null;
  refusal_legal_basis: string | null;
  /** JSON of { fields, purposes, scopeUnitCodes, grantIds }. */
  answer_json: string | null;
}

/** A field an agency's own forms collect from citizens. */
export interface CollectedFieldRow {
  agency_code: string;
  coordinate: string;
}

/** An administrative unit as the gateway's store knows it, to check the unit codes stewards give. */
export interface AgencyQuotaRow {
  agency_code: string;
  /** '' for the agency as a whole. */
  credential_id: string;
  /** bigint: MySQL may return it as a string. */
  requests_per_minute: number | string | null;
  cost_per_minute: number | string | null;
  updated_at: string;
}

export interface GatewayUnitRow {
  code: string;
  name: string;
  level: string;
  /** YYYY-MM-DD. */
  valid_from: string;
  /** The unit's last day, YYYY-MM-DD; null while it lasts. */
  valid_to: string | null;
  replaced_by_code: string | null;
}

export interface PolicyChangeRow {
  id: number;
  changed_at: string;
  actor: string;
  credential_id: string | null;
  actor_role: string | null;
  reason: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  /** A second entity the change names: the grant a replacement revoked. */
  related_entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

/** One request through the gateway, as the audit trail keeps it: a link of its instance's hash chain. */
export interface AuditRecordRow {
  instance: string;
  /** 1, 2, 3... per instance, without a gap. */
  seq: number;
  recorded_at: string;
  agency_code: string | null;
  agency_name: string | null;
  credential_id: string | null;
  user_id: string | null;
  purpose: string | null;
  dossier_id: string | null;
  operation_name: string | null;
  /** SHA-256 of the operation's text, hex. */
  operation_hash: string | null;
  /** SHA-256 of the variables as canonical JSON, hex. */
  variables_hash: string | null;
  /** JSON array of { coordinate, effect, rule, grantId, mask }. */
  fields_json: string;
  /**
   * The key of the record's field set (fieldSetKey of its fields): the stewards' queries by field read the set's
   * rows. Derived from fields_json, so outside the record's hash; the verifier checks it.
   */
  field_set: string | null;
  /** JSON array of the national IDs whose personal data the response held. */
  citizen_ids_json: string;
  row_count: number;
  outcome: string;
  error_code: string | null;
  latency_ms: number;
  policy_version: number | null;
  /** The electronic code of the officer's unit (X-Officer-Unit); null when none was named, and in every record before it was kept. */
  officer_unit?: string | null;
  /** The citizen who read their own data (the citizens' page's copy); null for every other caller. */
  caller_national_id?: string | null;
  /** SHA-256 of the record before it in the instance's chain, hex; 64 zeros for the first. */
  previous_hash: string;
  /** SHA-256 of this record's content with previous_hash, hex. */
  hash: string;
}

/** A gateway instance's heartbeat: the last time it said it was running (gateway_heartbeats). */
export interface GatewayHeartbeatRow {
  instance: string;
  seen_at: string;
}

/** The signed manifest of one instance's records of an archived month (audit_archives). */
export interface AuditArchiveRow {
  instance: string;
  month: string;
  first_seq: number;
  last_seq: number;
  /** The chain's hash before first_seq (the previous_hash of the first archived record). */
  start_hash: string;
  /** The hash of the record at last_seq. */
  end_hash: string;
  record_count: number;
  /** SHA-256 of the archive file, hex. */
  file_digest: string;
  /** JSON: the hex hashes of the Merkle tree's frontier at last_seq (its complete subtrees, left to right). */
  tree_frontier: string;
  archived_at: string;
  key_id: string;
  signature: string;
}

/** A national ID a record's response held: the citizen's tracker reads these. */
export interface AuditCitizenRow {
  national_id: string;
  instance: string;
  seq: number;
  recorded_at: string;
}

/**
 * A field of a field set, with the decision's effect on it: every record whose operation touched exactly these
 * fields with these effects names the set, so the stewards' queries by field read one row per field and set,
 * not one per field and record.
 */
export interface AuditFieldSetRow {
  set_hash: string;
  coordinate: string;
  effect: string;
}

/** A node of an instance's Merkle tree: the hash of the 2^level records from node_index·2^level on. */
export interface AuditTreeNodeRow {
  instance: string;
  level: number;
  /** bigint: MySQL may return it as a string. */
  node_index: number | string;
  hash: string;
}

/** A tree head a checkpoint signed, with the witnesses' countersignatures of that checkpoint. */
export interface AuditTreeHeadRow {
  instance: string;
  tree_size: number | string;
  checkpoint_json: string;
  cosignatures_json: string;
  cosignature_count: number;
}

/** A steward account: a person with roles; its secrets are read by the sign-in code only. */
export interface StewardAccountRow {
  id: number;
  email: string;
  name: string;
  unit: string;
  /** JSON array of roles. */
  roles: string;
  /** The agency whose queue the steward answers; null: the province's central data office. */
  agency_code: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_last_step: number | string | null;
  oidc_subject: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A console session, by the SHA-256 of its cookie's secret. */
export interface StewardSessionRow {
  id: string;
  account_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** One version of an agency application's persisted-operation list. */
export interface OperationListRow {
  id: number;
  agency_code: string;
  application: string;
  version: number;
  /** APOLLO_MANIFEST or CODEGEN_DOCUMENTS. */
  format: string;
  operation_count: number;
  /** The policy change that registered this version. */
  change_id: number;
  created_at: string;
}

/** An operation of a list version, by the SHA-256 of its body. */
export interface RegisteredOperationRow {
  list_id: number;
  operation_id: string;
  name: string | null;
  type: string;
  body: string;
}

/** An agency's safelisting mode; an agency without a row is off. */
export interface AgencyOperationModeRow {
  agency_code: string;
  mode: string;
  updated_at: string;
}

export interface CitizenSessionRow {
  /** SHA-256 of the cookie's secret, hex. */
  id: string;
  national_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface CitizenRequestRow {
  id: number;
  national_id: string;
  kind: string;
  record_reference: string | null;
  message: string;
  status: string;
  received_at: string;
  due_at: string;
  answer: string | null;
  answered_by: string | null;
  answered_role: string | null;
  answered_at: string | null;
  concerns: string | null;
  agency_code: string | null;
}

export interface LegalInstrumentRow {
  number: string;
  title: string;
  type: string;
  issuer: string;
  /** YYYY-MM-DD. */
  effective_from: string;
  short_title: string | null;
  /** JSON array of instrument numbers. */
  replaced_by: string;
  /** YYYY-MM-DD, or null while the instrument is not replaced. */
  replaced_from: string | null;
  /** JSON array of instrument numbers. */
  amended_by: string;
  created_at: string;
  updated_at: string;
}
