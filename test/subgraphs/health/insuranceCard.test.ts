import type { InsuranceCardRow } from '../../../db/rows';
import { cardInForce, dateInVietnam } from '../../../subgraphs/health/insuranceCard';

/** Given a number and a validity period, returns a card of one holder. */
const card = (number: string, validFrom: string, validTo: string): InsuranceCardRow => ({
  social_insurance_number: number,
  national_id: '038080100001',
  benefit_level: 4,
  primary_care_facility_code: '38101',
  valid_from: validFrom,
  valid_to: validTo,
});

describe('cardInForce', () => {
  const expired = card('3800000001', '2024-01-01', '2024-12-31');
  const current = card('3800000002', '2025-01-01', '2025-12-31');
  const future = card('3800000003', '2026-01-01', '2026-12-31');

  it('picks the card valid on the date, whatever the order of the list', () => {
    expect(cardInForce([future, expired, current], '2025-06-15')).toBe(current);
  });

  it('counts both ends of the validity period', () => {
    expect(cardInForce([expired, current, future], '2025-01-01')).toBe(current);
    expect(cardInForce([expired, current, future], '2025-12-31')).toBe(current);
  });

  it('falls back to the most recent card when none is valid', () => {
    expect(cardInForce([expired, current], '2027-03-01')).toBe(current);
    expect(cardInForce([current, expired, future], '2023-03-01')).toBe(future);
  });

  it('prefers the renewal when two cards overlap', () => {
    const renewal = card('3800000004', '2025-06-01', '2026-05-31');
    expect(cardInForce([current, renewal], '2025-07-01')).toBe(renewal);
  });

  it('returns null for a holder without cards', () => {
    expect(cardInForce([], '2025-06-15')).toBeNull();
  });
});

describe('dateInVietnam', () => {
  it('moves to the next day at 17:00 UTC, midnight in Vietnam', () => {
    expect(dateInVietnam(new Date('2025-06-15T16:59:59Z'))).toBe('2025-06-15');
    expect(dateInVietnam(new Date('2025-06-15T17:00:00Z'))).toBe('2025-06-16');
  });
});
