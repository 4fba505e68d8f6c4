import { printable } from '../../common/nationalId';
import { commitChange, recordChange } from '../store/policyChanges';
import { badInput, conflict, notFound } from '../store/errors';
import { oneOf, requiredText } from '../store/grantInput';
import type { PolicyRepository } from '../store/policyRepository';
import type { Actor } from '../store/types';
import { notInRegister } from './citation';
import { numberKey } from './registerRepository';
import type { RegisterRepository } from './registerRepository';
import { INSTRUMENT_TYPES } from './types';
import type { LegalInstrument } from './types';

/** An instrument's number as the gazette writes it: 13/2023/NĐ-CP, 91/2025/QH15, 20/2025/QĐ-TTg, 12/2026/QĐ-UBND. */
const NUMBER = /^[0-9]{1,5}\/[0-9]{4}\/[\p{L}0-9]{1,12}(-[\p{L}0-9]{1,12}){0,3}$/u;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface InstrumentInput {
  number: string;
  title: string;
  type: string;
  issuer: string;
  /** YYYY-MM-DD. */
  effectiveFrom: string;
  shortTitle?: string | null;
}

/** The fields of an entry to change (null or left out: kept); the number never changes, and replacement and amendment have operations of their own. */
export interface InstrumentPatch {
  title?: string | null;
  type?: string | null;
  issuer?: string | null;
  effectiveFrom?: string | null;
  /** null clears it; left out keeps it. */
  shortTitle?: string | null;
}

export interface ReplacementInput {
  /** The entries that replace it, by number; each must be in the register. */
  replacedBy: readonly string[];
  /** The first day the replacement applies, YYYY-MM-DD; the latest successor's effective date when left out. */
  from?: string | null;
}

export interface LegalRegisterOptions {
  repository: PolicyRepository;
  now?: () => Date;
  /** Told after each committed change. */
  onChange?: () => Promise<unknown> | void;
}

/** Given a value and what it is, returns it as a calendar day (YYYY-MM-DD), or throws BAD_USER_INPUT. */
export function calendarDay(value: string | null | undefined, what: string): string {
  const text = (value ?? '').trim();
  const date = new Date(`${text}T00:00:00Z`);
  if (!DAY.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text)
    throw badInput(`${what} "${printable(text)}" is not a date: expected YYYY-MM-DD`);
  return text;
}

function numberOf(value: string | null | undefined): string {
  const number = (value ?? '').trim().normalize('NFC');
  if (!NUMBER.test(number))
    throw badInput(`Malformed instrument number "${printable(number)}": expected the gazette's form, such as 13/2023/NĐ-CP or 91/2025/QH15`);
  return number;
}

function shortTitleOf(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : requiredText(value, 'The short title', 200);
}

/**
 * The legal register's operations, shared by the admin API and the command line: list, create and edit entries,
 * mark one replaced or amended by others. Each change runs in one transaction with its entry in the history.
 */
export class LegalRegister {
  private readonly now: () => Date;

  constructor(private readonly options: LegalRegisterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private change<T>(work: (register: RegisterRepository, repository: PolicyRepository, now: string) => Promise<T>): Promise<T> {
    return commitChange(
      this.options.repository,
      this.now().toISOString(),
      (repository, now) => work(repository.register(), repository, now),
      this.options.onChange,
    );
  }

  /** Returns every entry, by number. */
  list(): Promise<LegalInstrument[]> {
    return this.options.repository.register().instruments();
  }

  /** Given a number, returns the entry, or null. */
  get(number: string): Promise<LegalInstrument | null> {
    return this.options.repository.register().instrumentByNumber(number.trim().normalize('NFC'));
  }

  private async existing(register: RegisterRepository, number: string): Promise<LegalInstrument> {
    const instrument = await register.instrumentByNumber(number.trim().normalize('NFC'));
    if (!instrument) throw notFound(`The legal register holds no "${printable(number)}"`);
    return instrument;
  }

  /** Given a new entry, adds it to the register; CONFLICT when its number is taken. */
  async create(actor: Actor, input: InstrumentInput): Promise<LegalInstrument> {
    const number = numberOf(input.number);
    const fields = {
      title: requiredText(input.title, 'The title', 500),
      type: oneOf(input.type, INSTRUMENT_TYPES, 'instrument type'),
      issuer: requiredText(input.issuer, 'The issuer', 200),
      effectiveFrom: calendarDay(input.effectiveFrom, 'The effective date'),
      shortTitle: shortTitleOf(input.shortTitle),
    };
    return this.change(async (register, repository, now) => {
      if (await register.instrumentByNumber(number)) throw conflict(`The legal register holds ${number} already; edit it instead`);
      const instrument: LegalInstrument = { number, ...fields, replacedBy: [], replacedFrom: null, amendedBy: [], createdAt: now, updatedAt: now };
      await register.insertInstrument(instrument);
      await recordChange(repository, actor, now, {
        action: 'CREATE_LEGAL_INSTRUMENT',
        entityType: 'LEGAL_INSTRUMENT',
        entityId: number,
        before: null,
        after: instrument,
      });
      return instrument;
    });
  }

  /** Given a number and the fields to change, edits the entry; NOT_FOUND when the register holds none. */
  async update(actor: Actor, number: string, patch: InstrumentPatch): Promise<LegalInstrument> {
    const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;
    const fields = {
      ...(given(patch.title) ? { title: requiredText(patch.title, 'The title', 500) } : {}),
      ...(given(patch.type) ? { type: oneOf(patch.type, INSTRUMENT_TYPES, 'instrument type') } : {}),
      ...(given(patch.issuer) ? { issuer: requiredText(patch.issuer, 'The issuer', 200) } : {}),
      ...(given(patch.effectiveFrom) ? { effectiveFrom: calendarDay(patch.effectiveFrom, 'The effective date') } : {}),
      ...(patch.shortTitle !== undefined ? { shortTitle: shortTitleOf(patch.shortTitle) } : {}),
    };
    return this.change(async (register, repository, now) => {
      const before = await this.existing(register, number);
      const after: LegalInstrument = { ...before, ...fields, updatedAt: now };
      await register.updateInstrument(after);
      await recordChange(repository, actor, now, {
        action: 'UPDATE_LEGAL_INSTRUMENT',
        entityType: 'LEGAL_INSTRUMENT',
        entityId: before.number,
        before: before,
        after: after,
      });
      return after;
    });
  }

  /** Given the numbers of other entries, returns them as the register holds them, or refuses with LEGAL_BASIS_NOT_IN_REGISTER. */
  private async others(register: RegisterRepository, self: LegalInstrument, numbers: readonly string[], what: string): Promise<LegalInstrument[]> {
    const wanted = [...new Set(numbers.map((number) => number.trim().normalize('NFC')).filter((number) => number !== ''))];
    if (wanted.length === 0) throw notInRegister(`${what} needs at least one entry of the register, by number`);
    const found = [...new Set(await register.instrumentsByNumbers(wanted))];
    const missing = wanted.filter((number) => !found.some((instrument) => numberKey(instrument.number) === numberKey(number)));
    if (missing.length > 0)
      throw notInRegister(`The legal register holds no ${missing.map((number) => `"${printable(number)}"`).join(', ')}: add it to the register first`);
    if (found.some((instrument) => instrument.number === self.number)) throw badInput(`${self.number} cannot replace or amend itself`);
    return found;
  }

  /**
   * Given a number and its successors (and the day the replacement applies, else the latest successor's effective
   * date), marks the entry replaced: from that day, every grant citing it is listed as needing review.
   */
  async markReplaced(actor: Actor, number: string, input: ReplacementInput): Promise<LegalInstrument> {
    const from = input.from === null || input.from === undefined ? null : calendarDay(input.from, 'The day the replacement applies');
    return this.change(async (register, repository, now) => {
      const before = await this.existing(register, number);
      const successors = await this.others(register, before, input.replacedBy, 'A replacement');
      const replacedFrom =
        from ??
        successors
          .map((successor) => successor.effectiveFrom)
          .sort()
          .at(-1)!;
      if (replacedFrom < before.effectiveFrom)
        throw badInput(`${before.number} took effect on ${before.effectiveFrom}: it cannot be replaced from ${replacedFrom}`);
      const after: LegalInstrument = { ...before, replacedBy: successors.map((successor) => successor.number), replacedFrom, updatedAt: now };
      await register.updateInstrument(after);
      await recordChange(repository, actor, now, {
        action: 'REPLACE_LEGAL_INSTRUMENT',
        entityType: 'LEGAL_INSTRUMENT',
        entityId: before.number,
        before: before,
        after: after,
      });
      return after;
    });
  }

  /** Given a number and the entries that amend it, adds them to its amendments; an amended entry stays in force. */
  async markAmended(actor: Actor, number: string, amendedBy: readonly string[]): Promise<LegalInstrument> {
    return this.change(async (register, repository, now) => {
      const before = await this.existing(register, number);
      const amendments = await this.others(register, before, amendedBy, 'An amendment');
      const after: LegalInstrument = {
        ...before,
        amendedBy: [...new Set([...before.amendedBy, ...amendments.map((amendment) => amendment.number)])],
        updatedAt: now,
      };
      await register.updateInstrument(after);
      await recordChange(repository, actor, now, {
        action: 'AMEND_LEGAL_INSTRUMENT',
        entityType: 'LEGAL_INSTRUMENT',
        entityId: before.number,
        before: before,
        after: after,
      });
      return after;
    });
  }
}
