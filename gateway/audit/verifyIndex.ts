import type { AuditCitizenRow, AuditFieldSetRow, AuditRecordRow } from '../../db/gatewayRows';
import { indexRowsOf } from './records';

function sameRows(expected: readonly string[], actual: readonly string[]): boolean {
  const a = [...expected].sort();
  const b = [...actual].sort();
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Given rows, what to group them by and what to keep of each, returns the kept values per group. */
function groupBy<T, G>(rows: readonly T[], group: (row: T) => G, key: (row: T) => string): Map<G, string[]> {
  const groups = new Map<G, string[]>();
  for (const row of rows) {
    const name = group(row);
    const values = groups.get(name);
    if (values) values.push(key(row));
    else groups.set(name, [key(row)]);
  }
  return groups;
}

const citizenKey = (row: AuditCitizenRow) => `${row.national_id}@${row.recorded_at}`;
const fieldKey = (row: AuditFieldSetRow) => `${row.coordinate}=${row.effect}`;

/** The index rows of a page of records, as the repository reads them, grouped for the check of each record. */
export interface PageIndex {
  citizensBySeq: Map<number, string[]>;
  fieldSets: Map<string, string[]>;
}

/** Given the index rows of a page of records (AuditRepository.indexRows), returns them grouped by record and by set. */
export function pageIndexOf(rows: { citizens: readonly AuditCitizenRow[]; fieldSets: readonly AuditFieldSetRow[] }): PageIndex {
  return { citizensBySeq: groupBy(rows.citizens, (row) => row.seq, citizenKey), fieldSets: groupBy(rows.fieldSets, (row) => row.set_hash, fieldKey) };
}

/**
 * Checks, record after record in chain order, that each record's index rows are the ones it implies. A record
 * above the index head may lack its rows (not indexed yet) only while it is younger than the grace, and only as
 * long as no later record of its page has rows: records are indexed in chain order, in transactions that move the
 * head with the rows, so in one reading of a page's rows, rows after a record without its own mean that they were
 * removed and the head lowered to hide it.
 */
export class IndexCheck {
  /** The first record above the head found without its rows, while later ones might still be indexed. */
  private unindexedFrom: number | null = null;

  constructor(
    /** The index head read before the chain: records above it may be not indexed yet. */
    private readonly indexHead: number,
    /** The instant (ms) before which a record must be indexed. */
    private readonly indexedBy: number,
  ) {}

  /**
   * Tells the check that a page of records begins, whose index rows were read after the previous page's: a record
   * the previous page found without rows may have been indexed since, so only the grace judges it now.
   */
  newPage(): void {
    this.unindexedFrom = null;
  }

  /** Given the next record and its page's index rows, returns the seq and what is wrong with its rows, or null. */
  check(record: AuditRecordRow, index: PageIndex): { seq: number; message: string } | null {
    const implied = indexRowsOf(record);
    const citizens = index.citizensBySeq.get(record.seq) ?? [];
    // A field set is shared: it may be there already for a record not indexed yet, but must then be its fields.
    const fields = record.field_set === null ? [] : (index.fieldSets.get(record.field_set) ?? []);
    const fieldsMatch = record.field_set === implied.fieldSet && sameRows(implied.fields.map(fieldKey), fields);
    const matches = sameRows(implied.citizens.map(citizenKey), citizens) && fieldsMatch;
    const notIndexedYet = record.seq > this.indexHead && citizens.length === 0 && record.field_set === implied.fieldSet && (fields.length === 0 || fieldsMatch);
    if (matches) {
      if (implied.citizens.length === 0 || this.unindexedFrom === null) return null;
      return {
        seq: this.unindexedFrom,
        message: `record ${this.unindexedFrom} has no index rows, yet record ${record.seq} after it has: its rows were removed and the index head lowered`,
      };
    }
    if (!notIndexedYet) {
      return {
        seq: record.seq,
        message: `the citizen index or the field set of record ${record.seq} no longer matches the record: rows were added, changed or removed, or the record names another set`,
      };
    }
    if (Date.parse(record.recorded_at) < this.indexedBy) {
      return {
        seq: record.seq,
        message: `record ${record.seq} (${record.recorded_at}) has no index rows, and the index head stands at seq ${this.indexHead}: its rows were removed and the head lowered, or a gateway stopped before indexing it (its next start, or a reader, indexes it)`,
      };
    }
    this.unindexedFrom ??= record.seq;
    return null;
  }
}
