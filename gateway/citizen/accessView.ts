import type { CitizenAccess } from '../audit/auditTrail';
import type { AccessProof } from '../audit/proofCheck';
import type { FieldLabel } from '../policy/labels';
import type { Bilingual } from './plainWords';
import { wordsForPurpose } from './plainWords';

/** An access as the citizen's page shows it: plain words, and the month it falls in on Viet Nam's clock. */
export interface AccessView {
  reference: string;
  /** ISO 8601 in UTC; the page shows it in Asia/Ho_Chi_Minh. */
  at: string;
  /** YYYY-MM in Asia/Ho_Chi_Minh, what the page groups by. */
  month: string;
  agencyCode: string;
  agencyName: string;
  purpose: string | null;
  purposeWords: Bilingual | null;
  dossierId: string | null;
  /** The officer's unit: its code, and its name when it is a registered agency. */
  officerUnit: { code: string; name: string | null } | null;
  /** True for the citizen's own read: a copy of their data they downloaded. */
  ownCopy: boolean;
  /** What was read, in plain words, each once. */
  dataRead: Bilingual[];
  /** The access's inclusion proof, which the page checks; null until a checkpoint seals it. */
  proof: AccessProof | null;
}

/** What the citizen reads for their own read: the copy of their data they downloaded. */
const OWN_COPY_WORDS: Bilingual = { vi: 'Bạn đã tải bản sao dữ liệu của mình', en: 'You downloaded a copy of your data' };

const MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' });

/**
 * Given an access of the trail, the fields' labels (@label in the SDL) and how to name a unit by its code, returns
 * it in the citizen's words.
 */
export function accessView(
  access: CitizenAccess,
  labels: ReadonlyMap<string, FieldLabel>,
  unitName: (code: string | null) => string | null = () => null,
): AccessView {
  const seen = new Set<string>();
  const dataRead: Bilingual[] = [];
  for (const coordinate of access.fieldsRead) {
    const words = labels.get(coordinate);
    if (words && !seen.has(words.vi)) {
      seen.add(words.vi);
      dataRead.push(words);
    }
  }
  return {
    reference: access.reference,
    at: access.at,
    month: MONTH.format(new Date(access.at)).slice(0, 7),
    agencyCode: access.agencyCode,
    agencyName: access.agencyName,
    purpose: access.purpose,
    purposeWords: access.ownCopy ? OWN_COPY_WORDS : wordsForPurpose(access.purpose),
    dossierId: access.dossierId,
    officerUnit: access.officerUnit === null ? null : { code: access.officerUnit, name: unitName(access.officerUnit) },
    ownCopy: access.ownCopy,
    dataRead,
    proof: access.proof ?? null,
  };
}
