import { badUserInput } from './errors';
import { printable } from './nationalId';

/**
 * Administrative unit codes of the national statistics office: 2 digits for a province, 3 for a
 * (former) district, 5 for a commune or ward.
 */
const UNIT_CODE = /^(\d{2}|\d{3}|\d{5})$/;
const COMMUNE_CODE = /^\d{5}$/;

/** Given an argument value, returns it if it is a well-formed administrative unit code, or throws BAD_USER_INPUT. */
export function assertUnitCode(value: string, argumentName = 'code'): string {
  if (!UNIT_CODE.test(value)) {
    throw badUserInput(`Malformed administrative unit code "${printable(value)}": expected 2, 3 or 5 digits`, argumentName);
  }
  return value;
}

/** Given an argument value, returns it if it is a well-formed 5-digit commune code, or throws BAD_USER_INPUT. */
export function assertCommuneCode(value: string, argumentName = 'communeCode'): string {
  if (!COMMUNE_CODE.test(value)) {
    throw badUserInput(`Malformed commune code "${printable(value)}": expected 5 digits`, argumentName);
  }
  return value;
}

/** Given an optional filter value and the values it may take, returns it, or throws BAD_USER_INPUT naming them. */
export function assertOneOf<T extends string>(value: string | null | undefined, allowed: readonly T[], argumentName: string): T | null {
  if (value === null || value === undefined) return null;
  if (!(allowed as readonly string[]).includes(value)) {
    throw badUserInput(`Unknown ${argumentName} "${printable(value)}": expected one of ${allowed.join(', ')}`, argumentName);
  }
  return value as T;
}
