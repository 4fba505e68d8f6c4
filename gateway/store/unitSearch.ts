import { printable } from '../../common/nationalId';
import { decodeCursor, encodeCursor } from '../../common/pagination';
import { badInput } from './errors';
import type { AdministrativeUnit } from './types';

/** The most units one page of a search returns: a picker's list, not an export. */
export const MAX_UNIT_PAGE = 50;
export const DEFAULT_UNIT_PAGE = 20;
const MAX_SEARCH_LENGTH = 120;
const CURSOR_LIST = 'administrativeUnits';

/** IN_FORCE on the day asked about; ENDED (REPLACED when another unit took its place); NOT_STARTED before its first day. */
export type UnitStatus = 'IN_FORCE' | 'REPLACED' | 'ENDED' | 'NOT_STARTED';

/** A unit as a picker shows it: what it is, whether a grant may name it now, and what took its place. */
export interface UnitChoice extends AdministrativeUnit {
  status: UnitStatus;
  /** The unit named as its replacement, if the list knows it. */
  replacement: AdministrativeUnit | null;
  /** Following replacements until one is in force: the unit a grant names instead; null when none is. */
  successorInForce: AdministrativeUnit | null;
}

export interface UnitSearch {
  /** Part of a name (accents and case ignored) or the start of a code; everything when empty. */
  search?: string | null;
  /** PROVINCE, DISTRICT or COMMUNE; every level when left out. */
  level?: string | null;
  /** True: only units in force; false or left out: replaced and ended ones too. */
  inForceOnly?: boolean | null;
  first?: number | null;
  after?: string | null;
}

export interface UnitPage {
  units: UnitChoice[];
  /** How many units match, over every page. */
  total: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Given a text, returns it lower-cased without Vietnamese diacritics, so "hac thanh" finds "Hạc Thành". */
export function folded(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Given a unit and a day (YYYY-MM-DD), returns its status that day. */
export function unitStatus(unit: AdministrativeUnit, day: string): UnitStatus {
  if (unit.validFrom > day) return 'NOT_STARTED';
  if (unit.validTo !== null && unit.validTo < day) return unit.replacedBy === null ? 'ENDED' : 'REPLACED';
  return 'IN_FORCE';
}

/** Given a unit, the units by code and a day, returns the first unit in force along its replacements, or null. */
function successorInForce(unit: AdministrativeUnit, byCode: ReadonlyMap<string, AdministrativeUnit>, day: string): AdministrativeUnit | null {
  const seen = new Set([unit.code]);
  let next = unit.replacedBy === null ? undefined : byCode.get(unit.replacedBy);
  while (next && !seen.has(next.code)) {
    if (unitStatus(next, day) === 'IN_FORCE') return next;
    seen.add(next.code);
    next = next.replacedBy === null ? undefined : byCode.get(next.replacedBy);
  }
  return null;
}

function pageSizeOf(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_UNIT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_UNIT_PAGE) throw badInput(`"first" must be between 1 and ${MAX_UNIT_PAGE}, got ${first}`);
  return first;
}

/** Units in force come first, then by name and code: the key a page's cursor holds. */
const sortKey = (choice: UnitChoice): [number, string, string] => [choice.status === 'IN_FORCE' ? 0 : 1, folded(choice.name), choice.code];

function compareKeys(left: ReadonlyArray<string | number>, right: ReadonlyArray<string | number>): number {
  for (let index = 0; index < left.length; index += 1) {
    const [a, b] = [left[index]!, right[index]!];
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/**
 * Given every unit the store knows, a search and the day (YYYY-MM-DD) grants are checked on, returns one page of
 * the units whose name contains the search or whose code starts with it, in force first, each with its status and
 * the unit in force that replaced it; or throws BAD_USER_INPUT for a page size out of 1..50, an unknown level, a
 * search over 120 characters or a cursor of another list.
 */
export function searchUnits(units: readonly AdministrativeUnit[], search: UnitSearch, day: string): UnitPage {
  const size = pageSizeOf(search.first);
  const text = (search.search ?? '').trim();
  if (text.length > MAX_SEARCH_LENGTH) throw badInput(`A unit search has at most ${MAX_SEARCH_LENGTH} characters`);
  const level = search.level ?? null;
  if (level !== null && level !== 'PROVINCE' && level !== 'DISTRICT' && level !== 'COMMUNE')
    throw badInput(`Unknown unit level "${printable(level.slice(0, 20))}": expected PROVINCE, DISTRICT or COMMUNE`);
  const after = search.after ? decodeCursor(CURSOR_LIST, ['number', 'string', 'string'], search.after) : null;
  const byCode = new Map(units.map((unit) => [unit.code, unit]));
  const wanted = folded(text);
  const matching = units
    .filter((unit) => (level === null || unit.level === level) && (wanted === '' || unit.code.startsWith(text) || folded(unit.name).includes(wanted)))
    .map((unit): UnitChoice => {
      const replacement = unit.replacedBy === null ? null : (byCode.get(unit.replacedBy) ?? null);
      return { ...unit, status: unitStatus(unit, day), replacement, successorInForce: successorInForce(unit, byCode, day) };
    })
    .filter((choice) => !search.inForceOnly || choice.status === 'IN_FORCE')
    .sort((left, right) => compareKeys(sortKey(left), sortKey(right)));
  const rest = after === null ? matching : matching.filter((choice) => compareKeys(sortKey(choice), after) > 0);
  const page = rest.slice(0, size);
  const last = page[page.length - 1];
  return {
    units: page,
    total: matching.length,
    hasNextPage: rest.length > size,
    endCursor: last === undefined ? null : encodeCursor(CURSOR_LIST, sortKey(last)),
  };
}
