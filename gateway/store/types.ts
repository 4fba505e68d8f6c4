import type { ApprovedOperations } from '../operations/types';
import type { PolicySnapshot } from '../policy/types';
import type { QuotaSetting } from '../quotas/quotaTypes';
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
  /** The stewards' quota settings, by agency code or "agency/credential id"; none set when left out. */
  quotas?: ReadonlyMap<string, QuotaSetting>;
  /** Each agency's operations mode and registered operations; left out (a snapshot built by hand), every agency is off. */
  approvedOperations?: ApprovedOperations;
};

/** Who made a change to the policy store, as its history records it. */
export type Actor =
  | { kind: 'STEWARD'; agencyCode: string; credentialId: string }
  | { kind: 'CLI'; osUser: string }
  /** An agency acting for itself with its own credential: filing a sharing request. */
  | { kind: 'AGENCY'; agencyCode: string; credentialId: string }
  | { kind: 'SYSTEM'; task: string }
  /**
   * A steward account acting in one of its roles, for a reason, through a console session or the command line
   * ("via"); agencyCode is the account's agency, whose queue it answers (null: the province's central data office).
   */
  | { kind: 'PERSON'; accountId: number; email: string; name: string; role: StewardRole; reason: string | null; via: string; agencyCode: string | null };

/**
 * What a policy change touched; UNITS is the list of administrative units as a whole; QUOTA an agency's or a key's
 * quota; OPERATIONS an application's registered operations or an agency's operations mode; SHARING_REQUEST an agency's
 * request for data; LEGAL_INSTRUMENT an entry of the legal register.
 */
export type PolicyEntity = 'AGENCY' | 'CREDENTIAL' | 'GRANT' | 'UNITS' | 'ACCOUNT' | 'QUOTA' | 'OPERATIONS' | 'SHARING_REQUEST' | 'LEGAL_INSTRUMENT';

/** Every kind of entity the history records, for filters. */
export const POLICY_ENTITIES: readonly PolicyEntity[] = [
  'AGENCY',
  'CREDENTIAL',
  'GRANT',
  'UNITS',
  'ACCOUNT',
  'QUOTA',
  'OPERATIONS',
  'SHARING_REQUEST',
  'LEGAL_INSTRUMENT',
];

/** Where a grant stands in the four-eyes review: only an APPROVED grant is ever in force. */
export type ApprovalStatus = 'APPROVED' | 'PENDING_APPROVAL' | 'REJECTED';

/** Who asked for a grant and who decided on it, as the history names them. */
export interface GrantApproval {
  status: ApprovalStatus;
  requestedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** The sharing request the grant answers. */
  sharingRequestId: string | null;
  /** The grant this one was made in place of: revoked when this one is approved, at once when it needs no review. */
  replacesGrantId: string | null;
}

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
  /** A second entity of the same type the change names, when there is one: the grant a replacement takes the place of. */
  relatedEntityId?: string;
  before: unknown;
  after: unknown;
}
