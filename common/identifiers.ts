import { badUserInput } from './errors';
import { printable } from './nationalId';

/**
 * Given the pattern of an identifier and how to describe it to a client, returns a check that passes a
 * well-formed value through and throws BAD_USER_INPUT naming the expected form for anything else.
 */
export function identifierAssertion(pattern: RegExp, identifier: string, expectedForm: string, defaultArgumentName: string) {
  return (value: string, argumentName = defaultArgumentName): string => {
    if (!pattern.test(value)) throw badUserInput(`Malformed ${identifier} "${printable(value)}": expected ${expectedForm}`, argumentName);
    return value;
  };
}

/**
 * Given an administrative unit code argument, returns it or throws BAD_USER_INPUT. Codes of the national
 * statistics office have 2 digits for a province, 3 for a (former) district, 5 for a commune or ward.
 */
export const assertUnitCode = identifierAssertion(/^(\d{2}|\d{3}|\d{5})$/, 'administrative unit code', '2, 3 or 5 digits', 'code');

/** Given a commune or ward code argument, returns it or throws BAD_USER_INPUT. */
export const assertCommuneCode = identifierAssertion(/^\d{5}$/, 'commune code', '5 digits', 'communeCode');

/** Given an optional filter value and the values it may take, returns it, or throws BAD_USER_INPUT naming them. */
export function assertOneOf<T extends string>(value: string | null | undefined, allowed: readonly T[], argumentName: string): T | null {
  if (value === null || value === undefined) return null;
  if (!(allowed as readonly string[]).includes(value)) {
    throw badUserInput(`Unknown ${argumentName} "${printable(value)}": expected one of ${allowed.join(', ')}`, argumentName);
  }
  return value as T;
}
