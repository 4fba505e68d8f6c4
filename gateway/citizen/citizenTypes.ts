/** The kinds that name the data they are about, and go to the queue of the agency owning it. */
export const DATA_REQUEST_KINDS: readonly CitizenRequestKind[] = ['CORRECTION', 'RESTRICTION', 'OBJECTION', 'WITHDRAWAL'];

/**
 * What a citizen may ask of the stewards under Law 91/2025 and Decree 356/2025: each is answered within 2 working
 * days, a restriction of processing and a withdrawal of consent within 15 days (LONG_ANSWER_KINDS).
 */
export const CITIZEN_REQUEST_KINDS = ['DISPUTE', 'COPY', 'CORRECTION', 'RESTRICTION', 'OBJECTION', 'WITHDRAWAL', 'COMPLAINT'] as const;
export type CitizenRequestKind = (typeof CITIZEN_REQUEST_KINDS)[number];

/** The kinds answered within 15 days rather than 2 working days: a restriction of processing, a withdrawal of consent. */
export const LONG_ANSWER_KINDS: readonly CitizenRequestKind[] = ['RESTRICTION', 'WITHDRAWAL'];

export const CITIZEN_REQUEST_STATUSES = ['OPEN', 'ANSWERED'] as const;
export type CitizenRequestStatus = (typeof CITIZEN_REQUEST_STATUSES)[number];

/** A citizen's session: the cookie's secret is known to the browser alone, the database keeps its SHA-256. */
export interface CitizenSessionRecord {
  id: string;
  nationalId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** A request of a citizen, as stored. */
export interface CitizenRequestRecord {
  id: number;
  nationalId: string;
  kind: CitizenRequestKind;
  /** The access a DISPUTE contests (instance:seq); null for the other kinds. */
  recordReference: string | null;
  /** The sector or the field (Type.field) a CORRECTION, RESTRICTION or OBJECTION is about; null for the other kinds. */
  concerns: string | null;
  /**
   * The agency whose queue answers it: for a DISPUTE the agency that made the access, for a CORRECTION,
   * RESTRICTION or OBJECTION the owner of the data concerned; null: the province's central data office.
   */
  agencyCode: string | null;
  message: string;
  status: CitizenRequestStatus;
  receivedAt: string;
  dueAt: string;
  answer: string | null;
  answeredBy: string | null;
  answeredRole: string | null;
  answeredAt: string | null;
}
