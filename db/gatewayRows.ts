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
  created_at: string;
}

export interface PolicyChangeRow {
  id: number;
  changed_at: string;
  actor: string;
  credential_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
}
