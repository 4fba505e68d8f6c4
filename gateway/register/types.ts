/** Kinds of legal instrument the register holds, in the order of their force. */
export const INSTRUMENT_TYPES = ['LAW', 'CODE', 'RESOLUTION', 'DECREE', 'DECISION', 'CIRCULAR', 'OTHER'] as const;
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];

/** One entry of the legal register: a law, decree, decision or circular, keyed by its number. */
export interface LegalInstrument {
  /** As the official gazette writes it: "13/2023/NĐ-CP", "91/2025/QH15". */
  number: string;
  title: string;
  type: InstrumentType;
  /** Quốc hội, Chính phủ, Thủ tướng Chính phủ, a ministry, the provincial People's Committee. */
  issuer: string;
  /** YYYY-MM-DD. */
  effectiveFrom: string;
  /** The name a legal-basis text may use instead of the number, such as "Luật Đất đai 2024". */
  shortTitle: string | null;
  /** The entries that replaced this one, by number. */
  replacedBy: string[];
  /** The first day the replacement applies, YYYY-MM-DD; null while not replaced. */
  replacedFrom: string | null;
  /** The entries that amended this one, by number; an amended instrument stays in force. */
  amendedBy: string[];
  createdAt: string;
  updatedAt: string;
}

/** Why a grant needs a steward's review: what it cites that no longer holds. */
export interface GrantReview {
  needsReview: boolean;
  /** The cited entries replaced by the day asked about, by number. */
  obsoleteInstruments: string[];
  /** Their successors, by number, for the steward to cite instead. */
  successors: string[];
  /** True for a grant citing no entry of the register (one whose text named none when the register was made). */
  citesNothing: boolean;
}
