import type { InsuranceCardRow } from '../../db/rows';

/** Vietnam keeps UTC+7 all year, so a fixed offset gives the calendar day cards are valid on. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** Given an instant, returns the calendar date in Vietnam on that instant, YYYY-MM-DD. */
export function dateInVietnam(instant: Date = new Date()): string {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Given all the cards of one holder and a date (YYYY-MM-DD), returns the card valid on that date
 * (valid_from <= date <= valid_to); when none is, the most recent card; null when there is none.
 * "Most recent" is the latest valid_from, then the latest valid_to, so a renewal wins over the card it replaced.
 */
export function cardInForce(cards: readonly InsuranceCardRow[], date: string): InsuranceCardRow | null {
  const newestFirst = [...cards].sort((a, b) => b.valid_from.localeCompare(a.valid_from) || b.valid_to.localeCompare(a.valid_to));
  return newestFirst.find((card) => card.valid_from <= date && date <= card.valid_to) ?? newestFirst[0] ?? null;
}
