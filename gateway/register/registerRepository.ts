import type { Knex } from 'knex';
import type { LegalInstrumentRow } from '../../db/gatewayRows';
import type { InstrumentType, LegalInstrument } from './types';

const toInstrument = (row: LegalInstrumentRow): LegalInstrument => ({
  number: row.number,
  title: row.title,
  type: row.type as InstrumentType,
  issuer: row.issuer,
  effectiveFrom: row.effective_from,
  shortTitle: row.short_title,
  replacedBy: JSON.parse(row.replaced_by) as string[],
  replacedFrom: row.replaced_from,
  amendedBy: JSON.parse(row.amended_by) as string[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRow = (instrument: LegalInstrument): LegalInstrumentRow => ({
  number: instrument.number,
  title: instrument.title,
  type: instrument.type,
  issuer: instrument.issuer,
  effective_from: instrument.effectiveFrom,
  short_title: instrument.shortTitle,
  replaced_by: JSON.stringify(instrument.replacedBy),
  replaced_from: instrument.replacedFrom,
  amended_by: JSON.stringify(instrument.amendedBy),
  created_at: instrument.createdAt,
  updated_at: instrument.updatedAt,
});

/** Given an instrument number, returns the form two spellings of one number share: NFC, lower case. */
export function numberKey(number: string): string {
  return number.trim().normalize('NFC').toLocaleLowerCase('vi');
}

/** The legal register's queries: the only module of the register that holds SQL. */
export class RegisterRepository {
  constructor(private readonly db: Knex) {}

  /** Returns every entry, by number. */
  async instruments(): Promise<LegalInstrument[]> {
    return (await this.db<LegalInstrumentRow>('legal_instruments').orderBy('number')).map(toInstrument);
  }

  /**
   * Given numbers, returns the entries the register holds of them, in the order given, matched without regard to
   * case ("qđ" for "QĐ"): MySQL's collation does so, and SQLite's lower() leaves Vietnamese letters alone, so the
   * match is made here, on both engines alike; the register is a few hundred rows.
   */
  async instrumentsByNumbers(numbers: readonly string[]): Promise<LegalInstrument[]> {
    if (numbers.length === 0) return [];
    const byKey = new Map((await this.instruments()).map((instrument) => [numberKey(instrument.number), instrument]));
    return numbers.flatMap((number) => {
      const instrument = byKey.get(numberKey(number));
      return instrument ? [instrument] : [];
    });
  }

  /** Given a number, returns its entry (matched as instrumentsByNumbers does), or null. */
  async instrumentByNumber(number: string): Promise<LegalInstrument | null> {
    return (await this.instrumentsByNumbers([number]))[0] ?? null;
  }

  async insertInstrument(instrument: LegalInstrument): Promise<void> {
    await this.db<LegalInstrumentRow>('legal_instruments').insert(toRow(instrument));
  }

  /** Given an entry as it is to be, writes everything but its number and creation time. */
  async updateInstrument(instrument: LegalInstrument): Promise<void> {
    const { number: _number, created_at: _createdAt, ...changed } = toRow(instrument);
    await this.db<LegalInstrumentRow>('legal_instruments').where('number', instrument.number).update(changed);
  }
}
