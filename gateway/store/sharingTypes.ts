import type { Purpose } from '../policy/types';

/** Where one owner's part of a request stands: waiting for its answer, answered with grants, or refused in writing. */
export type SharingPartStatus = 'PENDING' | 'APPROVED' | 'REFUSED';

/**
 * Where a request stands, derived from its parts: PENDING while any owner has not answered; APPROVED or REFUSED
 * when every owner answered alike; PARTLY_APPROVED when some owners approved and others refused.
 */
export type SharingRequestStatus = SharingPartStatus | 'PARTLY_APPROVED';

/** What an approval gave: possibly less than was asked (fields, purposes or communes removed), and the grants it made. */
export interface SharingAnswer {
  fields: string[];
  purposes: Purpose[];
  scopeUnitCodes: string[] | null;
  grantIds: string[];
}

/**
 * One owner agency's part of a request: the requested fields of its sector, which its stewards (or the province's
 * central data office) answer on their own, within their own deadline, with an approval or a written refusal.
 */
export interface SharingRequestPart {
  ownerCode: string;
  fields: string[];
  status: SharingPartStatus;
  /** The end of the last working day of this owner's answer time. */
  deadlineAt: string;
  answeredAt: string | null;
  /** The history's actor who answered. */
  answeredBy: string | null;
  refusalReason: string | null;
  /** The instrument number of the law that restricts sharing, for a refusal. */
  refusalLegalBasis: string | null;
  answer: SharingAnswer | null;
}

/**
 * An agency's request that data be shared with it (Decree 47/2020 as amended by Decree 194/2025, Art. 16): the
 * fields, the purposes, the legal instrument it relies on, the communes whose rows it needs and the procedure it
 * serves; sent to the agencies that own the data, each of which answers its own part within 2 working days
 * (Art. 35(3)).
 */
export interface SharingRequest {
  id: string;
  requesterCode: string;
  fields: string[];
  purposes: Purpose[];
  /** The instrument number, e.g. "47/2020/NĐ-CP". */
  legalBasis: string;
  scopeUnitCodes: string[] | null;
  /** The administrative procedure or dossier kind the data serves. */
  procedure: string;
  /** The agencies that own the requested fields' sectors: one part each, ordered by code. */
  ownerCodes: string[];
  /** Derived from the parts (see SharingRequestStatus). */
  status: SharingRequestStatus;
  filedAt: string;
  /** The latest of the parts' deadlines. */
  deadlineAt: string;
  /** When the last part was answered; null while any part waits. */
  answeredAt: string | null;
  parts: SharingRequestPart[];
}

/** Given a request's parts, returns its status: pending while any waits, else approved, refused or partly approved. */
export function requestStatusOf(parts: readonly Pick<SharingRequestPart, 'status'>[]): SharingRequestStatus {
  if (parts.some((part) => part.status === 'PENDING')) return 'PENDING';
  if (parts.every((part) => part.status === 'APPROVED')) return 'APPROVED';
  if (parts.every((part) => part.status === 'REFUSED')) return 'REFUSED';
  return 'PARTLY_APPROVED';
}

/** Given a request's parts, returns when the last was answered, or null while any waits. */
export function requestAnsweredAt(parts: readonly Pick<SharingRequestPart, 'status' | 'answeredAt'>[]): string | null {
  if (parts.some((part) => part.status === 'PENDING' || part.answeredAt === null)) return null;
  return (
    parts
      .map((part) => part.answeredAt!)
      .sort()
      .pop() ?? null
  );
}

/** Given a request's parts and an instant, returns the parts still waiting past their deadline. */
export function overdueParts(parts: readonly SharingRequestPart[], now: Date): SharingRequestPart[] {
  return parts.filter((part) => part.status === 'PENDING' && now.getTime() > Date.parse(part.deadlineAt));
}
