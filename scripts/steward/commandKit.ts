import { UsageError } from '../../common/commandLine';

/** How a command-line flag is read: a value, a switch, or a value that may be given again. */
export type FlagKind = 'string' | 'boolean' | 'repeated';

export interface Flags {
  string(name: string): string | undefined;
  boolean(name: string): boolean;
  repeated(name: string): string[];
}

/** What a command prints: JSON-able data, and how to show it to a person; or a stream of text (an export). */
export interface Output {
  data: unknown;
  text(): string;
  stream?: AsyncIterable<string>;
}

/** One steward command over the services it needs. */
export interface CommandSpec<Services> {
  /** The admin API's root field the command does: the roles it needs are that field's. */
  field: string;
  flags: Record<string, FlagKind>;
  required?: string[];
  run(services: Services, flags: Flags): Promise<Output>;
}

/** Given a value, returns how a table cell shows it: - for nothing, lists joined by commas. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return '-';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Given rows and their columns, returns an aligned text table. */
export function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(columns.map((column) => cell(row[column]))))].join('\n');
}

/** Given the flags and a flag's name, returns its whole-number value, or throws a UsageError. */
export function whole(flags: Flags, name: string): number | undefined {
  const raw = flags.string(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} needs a whole number, got "${raw}"`);
  return Number(raw);
}

/** Given data and its rows (name, value), returns the output of one object. */
export const single = (data: unknown, rows: Array<[string, unknown]>): Output => ({
  data,
  text: () => rows.map(([name, value]) => `${name.padEnd(16)}${cell(value)}`).join('\n'),
});

/** Given a comma-separated flag's value, returns its items (none or empty: an empty list), or undefined when not given. */
export const listOf = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value === 'none' || value === '' ? [] : value.split(',').map((part) => part.trim());
