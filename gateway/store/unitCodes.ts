import { printable } from '../../common/nationalId';
import { badInput } from './errors';
import type { AdministrativeUnit } from './types';

const COMMUNE_CODE = /^\d{5}$/;
const UNIT_CODE = /^\d{2,5}$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UNIT_LEVELS = ['PROVINCE', 'DISTRICT', 'COMMUNE'] as const;

/** The command a steward runs to give the store its list of units, for the messages that need it. */
export const LOAD_UNITS_COMMAND = 'npm run steward -- units load --file <units.json>';

/** A unit as a steward loads it: the population register's AdministrativeUnit, its replacement by code. */
export interface UnitInput {
  code: string;
  name: string;
  level: string;
  validFrom: string;
  validTo?: string | null;
  replacedBy?: string | null;
}

/** Given a list of commune codes and what they are, returns them sorted and unique, or throws BAD_USER_INPUT. */
export function communeCodes(values: readonly string[], what: string): string[] {
  const malformed = values.filter((value) => !COMMUNE_CODE.test(value));
  if (malformed.length > 0) throw badInput(`Malformed ${what} ${malformed.map((value) => `"${printable(value)}"`).join(', ')}: commune codes have 5 digits`);
  return [...new Set(values)].sort();
}

function describeUnit(unit: AdministrativeUnit): string {
  return `${unit.code} (${unit.name})`;
}

/**
 * Given well-formed commune codes, the units the store knows of them, how many units it knows in all, what
 * the codes are and the day (YYYY-MM-DD) they must hold on, returns when each names a commune in force that
 * day, or throws BAD_USER_INPUT saying which does not and why: unknown, not a commune, ended (and what
 * replaced it) or not started. With no unit loaded at all, nothing can be checked, and that is refused too.
 */
export function assertCommunesInForce(
  codes: readonly string[],
  known: ReadonlyMap<string, AdministrativeUnit>,
  loaded: number,
  what: string,
  day: string,
): void {
  if (codes.length === 0) return;
  if (loaded === 0) throw badInput(`No administrative units are loaded, so ${what} cannot be checked: load the province's list first (${LOAD_UNITS_COMMAND})`);
  const problems = codes.flatMap((code) => {
    const unit = known.get(code);
    if (!unit) return [`${code} is not an administrative unit`];
    if (unit.level !== 'COMMUNE') return [`${describeUnit(unit)} is a ${unit.level.toLowerCase()}, not a commune`];
    if (unit.validTo !== null && unit.validTo < day) {
      const replacement = unit.replacedBy === null ? '' : `; it was replaced by ${unit.replacedBy}`;
      return [`${describeUnit(unit)} ended on ${unit.validTo}${replacement}`];
    }
    if (unit.validFrom > day) return [`${describeUnit(unit)} starts only on ${unit.validFrom}`];
    return [];
  });
  if (problems.length > 0) throw badInput(`Invalid ${what}: ${problems.join('; ')}`);
}

function calendarDate(value: string | null | undefined, what: string): string {
  const text = value ?? '';
  const date = new Date(`${text}T00:00:00Z`);
  if (!CALENDAR_DATE.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw badInput(`${what} "${printable(text)}" is not a date: expected YYYY-MM-DD`);
  }
  return text;
}

/**
 * Given the province's whole list of units as a steward loads it, returns it checked (codes of 2 to 5 digits,
 * unique; a name; a level; dates, the last day not before the first; replacements that are in the list), or
 * throws BAD_USER_INPUT naming the first unit at fault.
 */
export function unitsOf(input: readonly UnitInput[]): AdministrativeUnit[] {
  if (input.length === 0) throw badInput('An empty list of administrative units would make every unit code unknown');
  const units = input.map((raw, index): AdministrativeUnit => {
    const code = String(raw.code ?? '');
    const where = `Unit ${index + 1} ("${printable(code)}")`;
    if (!UNIT_CODE.test(code)) throw badInput(`${where}: a unit code has 2 to 5 digits`);
    const name = String(raw.name ?? '').trim();
    if (name === '' || name.length > 120) throw badInput(`${where}: a name of 1 to 120 characters is required`);
    if (!(UNIT_LEVELS as readonly string[]).includes(raw.level))
      throw badInput(`${where}: unknown level "${printable(String(raw.level))}", expected one of ${UNIT_LEVELS.join(', ')}`);
    const validFrom = calendarDate(raw.validFrom, `${where}: validFrom`);
    const validTo = raw.validTo === null || raw.validTo === undefined ? null : calendarDate(raw.validTo, `${where}: validTo`);
    if (validTo !== null && validTo < validFrom) throw badInput(`${where}: validTo ${validTo} is before validFrom ${validFrom}`);
    const replacedBy = raw.replacedBy === null || raw.replacedBy === undefined || raw.replacedBy === '' ? null : String(raw.replacedBy);
    return { code, name, level: raw.level, validFrom, validTo, replacedBy };
  });
  const codes = new Set<string>();
  for (const unit of units) {
    if (codes.has(unit.code)) throw badInput(`Unit ${unit.code} is listed twice`);
    codes.add(unit.code);
  }
  const dangling = units.find((unit) => unit.replacedBy !== null && !codes.has(unit.replacedBy));
  if (dangling) throw badInput(`Unit ${dangling.code} is replaced by ${dangling.replacedBy}, which is not in the list`);
  return units;
}
