import type { SectorName } from '../../common/sectors';
import type { MaskKind } from '../../common/masks';

/** Sharing class of a data item (Law on Data 2024, Art. 13). */
export const SHARING_CLASSES = ['OPEN', 'SHARED', 'INTERNAL'] as const;
export type SharingClass = (typeof SHARING_CLASSES)[number];

/** Personal-data level of a data item (Law 91/2025 on personal data protection): none, basic or sensitive personal data. */
export const PERSONAL_DATA_LEVELS = ['NONE', 'BASIC', 'SENSITIVE'] as const;
export type PersonalDataLevel = (typeof PERSONAL_DATA_LEVELS)[number];

/** Importance of a data item (Law on Data 2024, Art. 13; Decision 20/2025/QĐ-TTg lists the core and important categories). */
export const IMPORTANCE_LEVELS = ['CORE', 'IMPORTANT', 'OTHER'] as const;
export type ImportanceLevel = (typeof IMPORTANCE_LEVELS)[number];

export interface Classification {
  sharing: SharingClass;
  personal: PersonalDataLevel;
  importance: ImportanceLevel;
}

/** A field of the API schema, written "Type.field" (a schema coordinate). */
export type FieldCoordinate = string;

/** Who produces a field: a sector, or the gateway itself for the agencies' self-service (myAccess, explainOperation). */
export type FieldOwner = SectorName;

/** Given a field's owner, tells whether it is a sector: the self-service fields ('access') are no sector's data. */
export function isSector(owner: FieldOwner | undefined): owner is SectorName {
  return owner !== undefined && owner !== 'access';
}

/** What the schema says of one field: its classification and the sector (subgraph) that produces it. */
export interface FieldFacts {
  coordinate: FieldCoordinate;
  classification: Classification;
  /** The subgraph that resolves the field; for a field several subgraphs can resolve (keys, shareable), the first. */
  owner: FieldOwner;
}

/** Every field of the API schema with its facts, derived once from the supergraph. */
export interface SchemaCatalog {
  fields: ReadonlyMap<FieldCoordinate, FieldFacts>;
  /** The sectors of the supergraph, in its order: every subgraph but the gateway's own self-service. */
  sectors: readonly SectorName[];
  /** The types published as datasets of the open-data portal (@classify(openData: true)); every field of each is OPEN. */
  openDataTypes: ReadonlySet<string>;
}

/** Ways a grant may disclose a value partially (PARTIAL_ID, YEAR_ONLY, INITIALS, REDACTED). */
export { MASK_KINDS } from '../../common/masks';
export type { MaskKind } from '../../common/masks';

/** The purposes of processing an agency may name in X-Purpose. */
export const PURPOSES = [
  'LAND_REGISTRATION',
  'MEDICAL_TREATMENT',
  'HEALTH_INSURANCE',
  'PUBLIC_SERVICE',
  'EDUCATION_ADMISSION',
  'SOCIAL_SUPPORT',
  'INVESTIGATION',
  'STATISTICS',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * What a grant covers: one field, every field of a type, or every field of a classification. A classification
 * may be limited to the fields one sector produces, to the fields of some types, or both: least privilege
 * without naming every field. Left out (or null), a limit does not narrow.
 */
export type GrantTarget = { kind: 'FIELD'; coordinate: FieldCoordinate } | { kind: 'TYPE'; typeName: string } | ClassificationTarget;

export interface ClassificationTarget {
  kind: 'CLASSIFICATION';
  sharing: SharingClass;
  personal: PersonalDataLevel;
  /** Only fields this sector produces (FieldFacts.owner). */
  sector?: SectorName | null;
  /** Only fields of these types, sorted. */
  typeNames?: readonly string[] | null;
}

/** A steward's decision that an agency may read some data, for some purposes, on a legal basis. */
export interface Grant {
  id: string;
  agencyCode: string;
  target: GrantTarget;
  purposes: Purpose[];
  /** The legal basis as text, e.g. "Nghị định 47/2020/NĐ-CP, Điều 12": the citation a person reads. */
  legalBasis: string;
  /** The entries of the legal register the grant rests on, by number ("47/2020/NĐ-CP"). */
  legalInstruments: string[];
  /** Commune codes whose rows the agency may see through this grant; null for the whole province. */
  scopeUnitCodes: string[] | null;
  /** Fields disclosed only partially through this grant. */
  masks: Array<{ coordinate: FieldCoordinate; mask: MaskKind }>;
  /** ISO timestamps; validTo null means until revoked. */
  validFrom: string;
  validTo: string | null;
  revokedAt: string | null;
}

export interface Agency {
  /** Electronic agency code in the style of the national agency identifier, e.g. "H56.20". */
  code: string;
  name: string;
  /** The sector database the agency owns, if any: it always reads its own sector's data in full. */
  sector: SectorName | null;
  /** The administrative units the agency serves. */
  unitCodes: string[];
  /** Stewards manage agencies, credentials and grants. */
  steward: boolean;
  /** When the agency was deactivated: its credentials stop working and its grants stop applying; null or absent while active. */
  deactivatedAt?: string | null;
}

/** An agency's call: the agency, the credential it authenticated with, and the officer and unit its application names. */
export interface AgencyPrincipal {
  kind: 'AGENCY';
  agency: Agency;
  credentialId: string;
  userId: string | null;
  /** The electronic code of the officer's unit (X-Officer-Unit): the agency's own code or one of its sub-units'. */
  officerUnit?: string | null;
}

/**
 * A citizen reading their own data, signed in on the citizens' page: the national ID comes from the identity
 * provider (the session), never from a request. No credential of the API yields one.
 */
export interface CitizenPrincipal {
  kind: 'CITIZEN';
  nationalId: string;
}

/** Who a credential of the API authenticates: an agency, or nobody in particular. */
export type CallerPrincipal = { kind: 'ANONYMOUS' } | AgencyPrincipal;

/** Who is calling, once the credential (or the citizen's session) has been checked. */
export type Principal = CallerPrincipal | CitizenPrincipal;

/** Everything a decision depends on besides the request: a consistent view of the policy store. */
export interface PolicySnapshot {
  /** Increases with every change to agencies, credentials or grants. */
  version: number;
  agencies: ReadonlyMap<string, Agency>;
  /** Grants by agency code, revoked ones excluded. */
  grantsByAgency: ReadonlyMap<string, Grant[]>;
}

export interface DecisionInput {
  principal: Principal;
  purpose: Purpose | null;
  /** The fields the operation can touch, from collectFields. */
  fields: FieldCoordinate[];
  snapshot: PolicySnapshot;
  catalog: SchemaCatalog;
  /** The decision's clock, passed in so that the decision stays a pure function. */
  now: Date;
}

export type Effect = 'ALLOW' | 'MASK' | 'DENY';

/** Which rule decided a field. */
export type Rule =
  | 'OPEN_DATA'
  | 'OWN_SECTOR'
  | 'SELF_SERVICE'
  | 'GRANT'
  | 'ANONYMOUS_OPEN_ONLY'
  | 'OWN_RECORDS'
  | 'OWN_RECORDS_ONLY'
  | 'INTERNAL_OWNER_ONLY'
  | 'SENSITIVE_NEEDS_FIELD_GRANT'
  | 'PURPOSE_NOT_GRANTED'
  | 'DEFAULT_DENY';

export interface FieldDecision {
  coordinate: FieldCoordinate;
  effect: Effect;
  rule: Rule;
  /** The grant that allowed or masked the field, if one did. */
  grantId: string | null;
  /** A sentence a steward can read, in English. */
  reason: string;
  mask: MaskKind | null;
  /** For a denied field that a grant could open: what that grant would have to cover. */
  neededGrant: string | null;
  /**
   * The communes whose rows the field may be read for: the union of the scopes of the grants that disclose it
   * for the purpose (with the chosen mask); null when not restricted (open data, own sector, a grant for the
   * whole province) and for a denied field.
   */
  scopeUnitCodes: string[] | null;
}

export interface Decision {
  /** True when no field is denied. */
  allowed: boolean;
  /** True when the operation touches personal data and so must name a purpose. */
  purposeRequired: boolean;
  policyVersion: number;
  purpose: Purpose | null;
  fields: FieldDecision[];
  /**
   * Per sector, the commune codes its rows must belong to: the intersection of the scopes of the fields the
   * operation reads of that sector, so that a row is returned only when every field asked of it may be read
   * for it; null where no field read there is restricted.
   */
  scope: Record<SectorName, string[] | null>;
  /**
   * The national ID whose rows alone every sector may return: set for a citizen reading their own data, whose
   * every row is their own; left out otherwise.
   */
  subject?: string;
}
