import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { officerUnitOf } from '../../gateway/enforcement/officerUnit';
import type { Agency } from '../../gateway/policy/types';

const LAND_OFFICE: Agency = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false };
const requestWith = (unit: string | undefined) => ({ headers: unit === undefined ? {} : { 'x-officer-unit': unit } }) as unknown as IncomingMessage;

/** Given a header and an agency, returns the unit, or the refusal's code and message. */
function unitOf(unit: string | undefined, agency: Agency | null = LAND_OFFICE): string | null | { code: unknown; message: string } {
  try {
    return officerUnitOf(requestWith(unit), agency);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, message: error.message };
  }
}

describe('officerUnitOf', () => {
  it("takes the agency's own code or one of its sub-units'", () => {
    expect(unitOf('H56.20')).toBe('H56.20');
    expect(unitOf('H56.20.03')).toBe('H56.20.03');
    expect(unitOf(' H56.20.03.1 ')).toBe('H56.20.03.1');
  });

  it('names no unit when the header is absent or empty', () => {
    expect(unitOf(undefined)).toBeNull();
    expect(unitOf('  ')).toBeNull();
  });

  it.each([
    ["another agency's unit", 'H56.15.01'],
    ['a code that only starts like the agency', 'H56.201'],
    ['a parent of the agency', 'H56'],
  ])('refuses %s', (_case, unit) => {
    expect(unitOf(unit)).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('is not H56.20 or one of its units') });
  });

  it.each(['h56.20', 'H56.20;drop', 'Phòng Đăng ký', 'H56..20', `H56.${'1'.repeat(11)}`])('refuses the malformed %s', (unit) => {
    expect(unitOf(unit)).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('Malformed X-Officer-Unit') });
  });

  it('records no unit for an anonymous caller, but still refuses a malformed one', () => {
    expect(unitOf('H56.20.03', null)).toBeNull();
    expect(unitOf('nonsense', null)).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
