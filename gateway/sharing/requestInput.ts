import { printable } from '../../common/nationalId';
import type { Agency, Purpose, SchemaCatalog } from '../policy/types';
import { PURPOSES, isSector } from '../policy/types';
import { badInput } from '../store/errors';
import { oneOf, requiredText } from '../store/grantInput';
import { communeCodes } from '../store/unitCodes';

/**
 * A legal instrument's number as Vietnamese legal documents write it: number/year/issuer kind, such as
 * 47/2020/NĐ-CP, 60/2024/QH15 or 20/2025/QĐ-TTg. Only the format is checked; the legal register links the
 * number to its text.
 */
const INSTRUMENT_NUMBER = /^\d{1,4}\/\d{4}\/[A-ZĐ][A-ZĐ0-9]*(-[A-ZĐ0-9]+)*$/u;

/** What an agency files: the fields, purposes, instrument number, communes and procedure. */
export interface SharingRequestInput {
  fields: readonly string[];
  purposes: readonly string[];
  legalBasis: string;
  scopeUnitCodes?: readonly string[] | null;
  procedure: string;
}

/** Given an instrument number and what it is for, returns it normalised (NFC, trimmed), or throws BAD_USER_INPUT. */
export function instrumentNumber(value: string | null | undefined, what: string): string {
  const text = (value ?? '').normalize('NFC').trim();
  if (!INSTRUMENT_NUMBER.test(text))
    throw badInput(`${what} "${printable(text)}" is not an instrument number: expected number/year/issuer, such as 47/2020/NĐ-CP`);
  return text;
}

/** Given purposes as written, returns them unique and known, or throws BAD_USER_INPUT; at least one. */
export function purposesOf(values: readonly string[] | null | undefined): Purpose[] {
  const purposes = [...new Set(values ?? [])].map((purpose) => oneOf(purpose, PURPOSES, 'purpose'));
  if (purposes.length === 0) throw badInput(`A sharing request names at least one purpose: ${PURPOSES.join(', ')}`);
  return purposes;
}

/**
 * Given the fields an agency asks for, the agency and the catalog, returns them sorted and unique, or throws
 * BAD_USER_INPUT: each must be a sector's field that another agency owns and that may be shared (not open to
 * all anyway, not internal to its owner).
 */
export function requestedFields(values: readonly string[] | null | undefined, agency: Agency, catalog: SchemaCatalog): string[] {
  const fields = [...new Set(values ?? [])].sort();
  if (fields.length === 0) throw badInput('A sharing request names at least one field, as Type.field');
  if (fields.length > 100) throw badInput(`A sharing request names at most 100 fields, got ${fields.length}`);
  for (const coordinate of fields) {
    const facts = catalog.fields.get(coordinate);
    if (!facts || !isSector(facts.owner))
      throw badInput(`Unknown field "${printable(coordinate)}": expected a sector's field as Type.field, such as Citizen.fullName`);
    if (facts.classification.sharing === 'OPEN') throw badInput(`${coordinate} is open data: every agency reads it without asking`);
    if (facts.classification.sharing === 'INTERNAL') throw badInput(`${coordinate} is internal to the ${facts.owner} sector: it is never shared`);
    if (facts.owner === agency.sector) throw badInput(`${coordinate} is your own sector's data: you read it in full already`);
  }
  return fields;
}

/** Given a request's text fields and scope, returns them checked (procedure, instrument number, commune codes), or throws BAD_USER_INPUT. */
export function requestParticulars(input: SharingRequestInput): { legalBasis: string; procedure: string; scopeUnitCodes: string[] | null } {
  const scopeUnitCodes = input.scopeUnitCodes === null || input.scopeUnitCodes === undefined ? null : communeCodes(input.scopeUnitCodes, 'scope unit codes');
  if (scopeUnitCodes !== null && scopeUnitCodes.length === 0) throw badInput('An empty scope would show no row: leave the scope out for the whole province');
  return {
    legalBasis: instrumentNumber(input.legalBasis, 'The legal basis'),
    procedure: requiredText(input.procedure, 'The procedure or dossier kind the data serves', 300),
    scopeUnitCodes,
  };
}

/**
 * Given what was asked and what a steward keeps of it (left out: everything), returns the narrowed part, or
 * throws BAD_USER_INPUT when it adds anything or keeps nothing: an answer may give less, never more.
 */
export function narrowed<T extends string>(asked: readonly T[], kept: readonly string[] | null | undefined, what: string): T[] {
  if (kept === null || kept === undefined) return [...asked];
  const extra = kept.filter((value) => !(asked as readonly string[]).includes(value));
  if (extra.length > 0) throw badInput(`The answer adds ${what} that were not asked for: ${extra.map((value) => printable(value)).join(', ')}`);
  const result = asked.filter((value) => kept.includes(value));
  if (result.length === 0) throw badInput(`An approval keeps at least one of the ${what} asked for; refuse the request instead`);
  return result;
}

/**
 * Given the communes asked for (null: the whole province) and those a steward keeps (left out: all asked),
 * returns the scope kept, or throws BAD_USER_INPUT when it adds a commune or keeps none.
 */
export function scopeKept(asked: string[] | null, kept: readonly string[] | null | undefined): string[] | null {
  if (kept === undefined || kept === null) return asked;
  const codes = communeCodes(kept, 'scope unit codes');
  if (asked === null) {
    if (codes.length === 0) throw badInput('An empty scope would show no row: leave the scope out to keep the one asked for');
    return codes;
  }
  return narrowed(asked, codes, 'communes');
}
