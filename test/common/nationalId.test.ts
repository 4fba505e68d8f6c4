import { GraphQLError } from 'graphql';
import { assertNationalId, formatNationalId, isNationalId, parseNationalId } from '../../common/nationalId';

describe('parseNationalId', () => {
  it('reads province, sex, century and serial', () => {
    expect(parseNationalId('038085001234')).toEqual({ provinceCode: '038', sex: 'MALE', birthYear: 1985, serial: '001234' });
    expect(parseNationalId('038185001234')).toMatchObject({ sex: 'FEMALE', birthYear: 1985 });
    expect(parseNationalId('001207000001')).toMatchObject({ provinceCode: '001', sex: 'MALE', birthYear: 2007 });
    expect(parseNationalId('079312000001')).toMatchObject({ sex: 'FEMALE', birthYear: 2012 });
  });

  it.each([
    ['', /exactly 12 digits/],
    ['03808500123', /exactly 12 digits/],
    ['0380850012345', /exactly 12 digits/],
    ['03808500123a', /exactly 12 digits/],
    ['038 08500123', /exactly 12 digits/],
    ['000085001234', /province code 000/],
    ['097085001234', /province code 097/],
    ['038299001234', /birth year 2099 is in the future/],
    ['038499001234', /birth year 2199 is in the future/],
  ])('rejects %j', (value, reason) => {
    const parsed = parseNationalId(value);
    expect('error' in parsed && parsed.error).toMatch(reason);
    expect(isNationalId(value)).toBe(false);
  });
});

describe('formatNationalId', () => {
  it('round-trips through parseNationalId', () => {
    for (const [sex, year] of [
      ['MALE', 1931],
      ['FEMALE', 1999],
      ['MALE', 2000],
      ['FEMALE', 2024],
    ] as const) {
      const id = formatNationalId(38, sex, year, 4321);
      expect(id).toHaveLength(12);
      expect(parseNationalId(id)).toEqual({ provinceCode: '038', sex, birthYear: year, serial: '004321' });
    }
  });

  it('refuses a year with no century digit', () => {
    expect(() => formatNationalId(38, 'MALE', 1899, 1)).toThrow(RangeError);
  });
});

describe('assertNationalId', () => {
  it('returns a well-formed ID and throws BAD_USER_INPUT for a malformed one', () => {
    expect(assertNationalId('038085001234')).toBe('038085001234');
    try {
      assertNationalId('12345');
      throw new Error('expected a GraphQL error');
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'nationalId' });
      expect((error as GraphQLError).message).toBe('Malformed national ID "12345": a national ID has exactly 12 digits');
    }
  });
});
