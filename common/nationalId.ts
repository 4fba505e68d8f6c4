import { badUserInput } from './errors';

/** The parts of a 12-digit national ID number (CCCD). */
export interface NationalIdParts {
  /** 3-digit code of the province where the birth was registered (038 = Thanh Hóa). */
  provinceCode: string;
  sex: 'MALE' | 'FEMALE';
  /** Full year of birth, from the century digit and the two year digits. */
  birthYear: number;
  /** The 6-digit serial number. */
  serial: string;
}

const CENTURY_BY_DIGIT: Record<string, { sex: 'MALE' | 'FEMALE'; century: number }> = {
  '0': { sex: 'MALE', century: 1900 },
  '1': { sex: 'FEMALE', century: 1900 },
  '2': { sex: 'MALE', century: 2000 },
  '3': { sex: 'FEMALE', century: 2000 },
  '4': { sex: 'MALE', century: 2100 },
  '5': { sex: 'FEMALE', century: 2100 },
  '6': { sex: 'MALE', century: 2200 },
  '7': { sex: 'FEMALE', century: 2200 },
  '8': { sex: 'MALE', century: 2300 },
  '9': { sex: 'FEMALE', century: 2300 },
};

/** Province codes of birth registration run from 001 to 096. */
const MAX_PROVINCE_CODE = 96;

/**
 * Given a candidate national ID, returns its parts, or the reason it is malformed.
 * The reason is written for a client: it names the rule the value breaks.
 */
export function parseNationalId(value: string): NationalIdParts | { error: string } {
  if (!/^\d{12}$/.test(value)) return { error: 'a national ID has exactly 12 digits' };
  const provinceCode = value.slice(0, 3);
  const province = Number(provinceCode);
  if (province < 1 || province > MAX_PROVINCE_CODE) {
    return { error: `province code ${provinceCode} is not a province of birth registration (001-096)` };
  }
  const { sex, century } = CENTURY_BY_DIGIT[value[3]!]!;
  const birthYear = century + Number(value.slice(4, 6));
  if (birthYear > new Date().getUTCFullYear()) return { error: `birth year ${birthYear} is in the future` };
  return { provinceCode, sex, birthYear, serial: value.slice(6) };
}

/** Given a value, tells whether it is a well-formed national ID. */
export function isNationalId(value: string): boolean {
  return !('error' in parseNationalId(value));
}

/** Given an argument value, returns it if it is a well-formed national ID, or throws BAD_USER_INPUT. */
export function assertNationalId(value: string, argumentName = 'nationalId'): string {
  const parsed = parseNationalId(value);
  if ('error' in parsed) throw badUserInput(`Malformed national ID "${printable(value)}": ${parsed.error}`, argumentName);
  return value;
}

/** Given the parts, returns the 12-digit national ID. */
export function formatNationalId(provinceCode: number, sex: 'MALE' | 'FEMALE', birthYear: number, serial: number): string {
  const centuryIndex = Math.floor(birthYear / 100) - 19;
  if (centuryIndex < 0 || centuryIndex > 4) throw new RangeError(`birth year ${birthYear} has no century digit`);
  const centuryDigit = centuryIndex * 2 + (sex === 'FEMALE' ? 1 : 0);
  return `${String(provinceCode).padStart(3, '0')}${centuryDigit}${String(birthYear % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
}

/** Echoes a client's value back safely: bounded in length. */
export function printable(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
