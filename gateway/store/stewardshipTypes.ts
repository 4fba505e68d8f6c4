/** What the stewards' operations take and give (stewardship.ts). */
import type { Grant, Purpose } from '../policy/types';
import type { GrantTargetInput } from './grantInput';
import type { PolicyRepository, StoredGrant } from './policyRepository';

/** How long a new API key lives when no expiry is given. */
export const DEFAULT_KEY_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

export type CredentialStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';
export type GrantStatus = 'ACTIVE' | 'PENDING' | 'EXPIRED' | 'REVOKED' | 'AWAITING_APPROVAL' | 'REJECTED';

/** What a steward sees of an API key: everything but its secret, which is not stored. */
export interface CredentialSummary {
  id: string;
  agencyCode: string;
  label: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  replacedBy: string | null;
  status: CredentialStatus;
}

/** A key just made: the whole key, shown this once, and its summary. */
export interface IssuedApiKey {
  key: string;
  credential: CredentialSummary;
}

export type GrantView = StoredGrant & { status: GrantStatus };

/** A grant checked against the schema and ready to store, before the agency, validity and overlap are checked in its transaction. */
export interface PreparedGrant {
  input: GrantInput;
  target: Grant['target'];
  purposes: Purpose[];
  /** The note the steward wrote, or '' for the register's citation text. */
  legalBasis: string;
  /** The register's entries cited, as written: checked in the grant's transaction. */
  legalInstruments: string[];
  scopeUnitCodes: string[] | null;
  masks: Grant['masks'];
}

export interface AgencyInput {
  code: string;
  name: string;
  sector?: string | null;
  unitCodes?: readonly string[] | null;
  steward?: boolean | null;
}

/** The fields of an agency to change; the code never changes. */
export interface AgencyPatch {
  name?: string | null;
  /** null clears the sector; leaving it out keeps it. */
  sector?: string | null;
  unitCodes?: readonly string[] | null;
  steward?: boolean | null;
}

export interface ApiKeyInput {
  agencyCode: string;
  /** ISO date or timestamp; a year from now when left out. */
  expiresAt?: string | null;
  label?: string | null;
}

export interface RotateKeyInput {
  id: string;
  /** How long the old key keeps working; the configured grace when left out, 0 to end it at once. */
  graceSeconds?: number | null;
  expiresAt?: string | null;
}

export interface GrantInput {
  agencyCode: string;
  target: GrantTargetInput;
  purposes: readonly string[];
  /** The entries of the legal register the grant rests on, by number: at least one, none replaced when it starts. */
  legalInstruments: readonly string[];
  /** The citation as a person reads it (articles, clauses); the instruments' numbers and titles when left out. */
  legalBasis?: string | null;
  scopeUnitCodes?: readonly string[] | null;
  masks?: ReadonlyArray<{ coordinate: string; mask: string }> | null;
  /** ISO date or timestamp; now when left out. */
  validFrom?: string | null;
  /** ISO date or timestamp; null or left out for "until revoked". */
  validTo?: string | null;
}

export interface ExplainInput {
  /** The agency asking; null for an anonymous caller. */
  agencyCode: string | null;
  purpose: string | null;
  query: string;
  operationName?: string | null;
  /** The moment to decide at; now when left out. */
  at?: string | null;
  /** The operation's variables, which decide its @skip and @include; left out, every condition counts as unknown. */
  variables?: Readonly<Record<string, unknown>> | null;
}

export interface ChangesFilter {
  limit?: number | null;
  /** Only changes with an id below this one: the next page. */
  before?: number | null;
  entityType?: string | null;
  entityId?: string | null;
}

export interface StewardshipOptions {
  repository: PolicyRepository;
  /** The composed supergraph the catalog is derived from; schema/supergraph.graphql when left out. */
  supergraphSdl?: string;
  /** How long a rotated key keeps working beside its successor unless the rotation says; 0 by default. */
  rotationGraceMs?: number;
  now?: () => Date;
  /** Told after each committed change, so that this gateway's cache can reload at once. */
  onChange?: () => Promise<unknown> | void;
}
