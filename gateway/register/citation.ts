import { printable } from '../../common/nationalId';
import { StoreError, StoreErrorCode } from '../store/errors';
import { replacedBy } from './review';
import { numberKey } from './registerRepository';
import type { RegisterRepository } from './registerRepository';
import type { LegalInstrument } from './types';

/** How many instruments one grant may cite: a law, its decree, and the few articles' instruments beside them. */
const MAX_CITED = 10;

/** Given what is wrong with a citation, returns its refusal (LEGAL_BASIS_NOT_IN_REGISTER, HTTP 400). */
export const notInRegister = (message: string): StoreError => new StoreError(StoreErrorCode.LEGAL_BASIS_NOT_IN_REGISTER, message);

/**
 * Given the register, the numbers a grant cites and the day it starts (YYYY-MM-DD), returns the cited entries
 * in the order given, numbers as the register writes them; refuses with LEGAL_BASIS_NOT_IN_REGISTER a citation of
 * nothing or of a number the register does not hold, and with LEGAL_BASIS_REPLACED an entry replaced by that day.
 */
export async function citedInstruments(register: RegisterRepository, numbers: readonly string[] | null | undefined, day: string): Promise<LegalInstrument[]> {
  const wanted = [...new Set((numbers ?? []).map((number) => number.trim().normalize('NFC')).filter((number) => number !== ''))];
  if (wanted.length === 0) throw notInRegister('A grant cites the legal register: give the number of at least one instrument, such as 47/2020/NĐ-CP');
  if (wanted.length > MAX_CITED) throw notInRegister(`A grant cites at most ${MAX_CITED} instruments, got ${wanted.length}`);
  const found = await register.instrumentsByNumbers(wanted);
  // Each number in the register's spelling, or as given when the register holds none.
  const byKey = new Map(found.map((instrument) => [numberKey(instrument.number), instrument]));
  const cited = [...new Map(wanted.map((number) => [numberKey(number), byKey.get(numberKey(number)) ?? number])).values()];
  const unknown = cited.filter((entry): entry is string => typeof entry === 'string');
  if (unknown.length > 0)
    throw notInRegister(
      `The legal register holds no ${unknown.map((number) => `"${printable(number)}"`).join(', ')}: add it to the register first, or cite another`,
    );
  const instruments = cited as LegalInstrument[];
  const replaced = instruments.filter((instrument) => replacedBy(instrument, day));
  if (replaced.length > 0) {
    const named = replaced.map(
      (instrument) => `${instrument.number} (replaced from ${instrument.replacedFrom} by ${instrument.replacedBy.join(', ') || 'another'})`,
    );
    throw new StoreError(StoreErrorCode.LEGAL_BASIS_REPLACED, `The grant would rest on ${named.join('; ')}: cite the successors instead`);
  }
  return instruments;
}

/** Given the cited entries, returns the legal-basis text a grant carries when the steward gives none: their numbers and titles. */
export function citationText(instruments: readonly LegalInstrument[]): string {
  return instruments.map((instrument) => `${instrument.number} (${instrument.title})`).join('; ');
}
