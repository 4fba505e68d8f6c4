import type { GrantReview, LegalInstrument } from './types';

/** Given an entry and a day (YYYY-MM-DD), tells whether a replacement applies to it by that day. */
export function replacedBy(instrument: Pick<LegalInstrument, 'replacedFrom'>, day: string): boolean {
  return instrument.replacedFrom !== null && instrument.replacedFrom <= day;
}

/**
 * Given the numbers a grant cites, the register by number and a day, returns whether the grant needs review: it
 * cites an entry replaced by that day (with the successors to cite instead), or it cites no entry at all.
 */
export function reviewOf(cited: readonly string[], register: ReadonlyMap<string, LegalInstrument>, day: string): GrantReview {
  const obsolete = cited.flatMap((number) => {
    const instrument = register.get(number);
    return instrument && replacedBy(instrument, day) ? [instrument] : [];
  });
  const successors = [...new Set(obsolete.flatMap((instrument) => instrument.replacedBy))].filter((number) => !cited.includes(number));
  const citesNothing = cited.length === 0;
  return { needsReview: obsolete.length > 0 || citesNothing, obsoleteInstruments: obsolete.map((instrument) => instrument.number), successors, citesNothing };
}

/** Vietnam's offset from UTC: a law in force "from 1 January 2026" applies from midnight in Hà Nội. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** Given an instant, returns the calendar day (YYYY-MM-DD) it falls on in Vietnam. */
export function vietnamDay(instant: Date | string): string {
  return new Date(new Date(instant).getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** A grant a steward should look at again, with why. */
export interface GrantUnderReview<G> {
  grant: G;
  review: GrantReview;
}

/**
 * Given grants with their status, the whole register and an instant, returns those in force or pending that need
 * review on that instant's day in Vietnam, in the order given: a replacement reached, or no entry cited.
 */
export function grantsNeedingReview<G extends { legalInstruments: readonly string[]; status: string }>(
  grants: readonly G[],
  instruments: readonly LegalInstrument[],
  now: Date,
): Array<GrantUnderReview<G>> {
  const register = new Map(instruments.map((instrument) => [instrument.number, instrument]));
  const day = vietnamDay(now);
  return grants
    .filter((grant) => grant.status === 'ACTIVE' || grant.status === 'PENDING')
    .map((grant) => ({ grant, review: reviewOf(grant.legalInstruments, register, day) }))
    .filter(({ review }) => review.needsReview);
}
