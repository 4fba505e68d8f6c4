import type { Purpose } from '../policy/types';

/** Where a sharing request stands: waiting for its answer, answered with a grant, or refused in writing. */
export type SharingRequestStatus = 'PENDING' | 'APPROVED' | 'REFUSED';

/** What an approval gave: possibly less than was asked (fields, purposes or communes removed), and the grants it made. */
export interface SharingAnswer {
  fields: string[];
  purposes: Purpose[];
  scopeUnitCodes: string[] | null;
  grantIds: string[];
}

/**
 * An agency's request that data be shared with it (Decree 47/2020 as amended by Decree 194/2025, Art. 16): the
 * fields, the purposes, the legal instrument it relies on, the communes whose rows it needs and the procedure it
 * serves; sent to the agencies that own the data, answered within 2 working days (Art. 35(3)).
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
  /** The agencies that own the requested fields' sectors: the request is theirs to answer. */
  ownerCodes: string[];
  status: SharingRequestStatus;
  filedAt: string;
  /** The end of the last working day of the answer's time. */
  deadlineAt: string;
  answeredAt: string | null;
  /** The history's actor who answered. */
  answeredBy: string | null;
  refusalReason: string | null;
  /** The instrument number of the law that restricts sharing, for a refusal. */
  refusalLegalBasis: string | null;
  answer: SharingAnswer | null;
}
