import type { PolicySnapshot } from '../policy/types';
import type { StewardRole } from './accountTypes';

/** An API key as the store keeps it: never the secret, only its SHA-256. */
export interface CredentialRecord {
  /** The 8-character id written in the key itself: dsp_<id>_<secret>. */
  id: string;
  agencyCode: string;
  label: string | null;
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  replacedBy: string | null;
}

/** The policy snapshot with the credentials, so that a key's revocation is seen at the next refresh. */
export type StoreSnapshot = PolicySnapshot & {
  credentials: ReadonlyMap<string, CredentialRecord>;
};

/** Who made a change to the policy store, as its history records it. */
export type Actor =
  | { kind: 'STEWARD'; agencyCode: string; credentialId: string }
  | { kind: 'CLI'; osUser: string }
  | { kind: 'SYSTEM'; task: string }
  /** A steward account acting in one of its roles, for a reason, through a console session or the command line ("via"). */
  | { kind: 'PERSON'; accountId: number; email: string; name: string; role: StewardRole; reason: string | null; via: string };

/** What a policy change touched; UNITS is the list of administrative units as a whole. */
export type PolicyEntity = 'AGENCY' | 'CREDENTIAL' | 'GRANT' | 'UNITS' | 'ACCOUNT' | 'LEGAL_INSTRUMENT';

/** Every kind of entity the history records, for filters. */
export const POLICY_ENTITIES: readonly PolicyEntity[] = ['AGENCY', 'CREDENTIAL', 'GRANT', 'UNITS', 'ACCOUNT', 'LEGAL_INSTRUMENT'];

/** An administrative unit as the store knows it, to check the unit codes stewards give. */
export interface AdministrativeUnit {
  code: string;
  name: string;
  /** PROVINCE, DISTRICT or COMMUNE. */
  level: string;
  /** YYYY-MM-DD. */
  validFrom: string;
  /** The unit's last day, YYYY-MM-DD; null while it lasts. */
  validTo: string | null;
  /** The unit that took its place, if any. */
  replacedBy: string | null;
}

/** One recorded change: who, when, what, and the entity before and after (null where it did not exist). */
export interface PolicyChange {
  /** Increasing; the largest is the policy version. */
  id: number;
  changedAt: string;
  /** "H56.10" for a steward agency, "cli:<os user>" for the command line, "system:<task>". */
  actor: string;
  credentialId: string | null;
  /** The role a person acted in; null for an agency, the command line without an account, or the system. */
  actorRole: string | null;
  /** The request or reason the change answers, as the person gave it. */
  reason: string | null;
  action: string;
  entityType: PolicyEntity;
  entityId: string;
  before: unknown;
  after: unknown;
}
