import type { Knex } from 'knex';
import type { CursorKey } from '../../common/pagination';
import { isMysql } from '../../db/connection';
import type { AuditCitizenRow, AuditFieldRow, AuditRecordRow } from '../../db/gatewayRows';
import { afterKey } from '../../db/keyset';

/** Rows per INSERT statement: far below the bound variables either engine accepts in one statement. */
const ROWS_PER_INSERT = 200;

/** The sort key of pages read newest first: time, then the record's place in its chain. */
const NEWEST_FIRST = ['recorded_at', 'instance', 'seq'];

/** What narrows a steward's reading of the trail; null leaves a criterion out. */
export interface RecordFilter {
  agencyCode: string | null;
  /** Records whose response held this citizen's personal data. */
  nationalId: string | null;
  /** Records whose operation touched this field ("Type.field"). */
  field: string | null;
  purpose: string | null;
  /** From this instant, inclusive (ISO). */
  from: string | null;
  /** Up to this instant, exclusive (ISO). */
  to: string | null;
  outcomes: readonly string[] | null;
  instance: string | null;
}

/** What a citizen's tracker shows: never refusals, and a deferred agency's reads only once old enough. */
export interface CitizenFilter {
  nationalId: string;
  from: string | null;
  to: string | null;
  deferredAgencies: readonly string[];
  /** A deferred agency's reads are shown when they happened at or before this instant (ISO). */
  deferredUntil: string;
}

export interface AgencyCountRow {
  agencyCode: string | null;
  agencyName: string | null;
  requests: number;
  denied: number;
  rows: number;
}

export interface FieldCountRow {
  agencyCode: string | null;
  coordinate: string;
  allowed: number;
  masked: number;
  denied: number;
}

/** Given a row from either engine, returns it with its numbers as numbers (MySQL may return BIGINT and SUM as text). */
function normalize(row: AuditRecordRow): AuditRecordRow {
  return {
    ...row,
    seq: Number(row.seq),
    row_count: Number(row.row_count),
    latency_ms: Number(row.latency_ms),
    policy_version: row.policy_version === null ? null : Number(row.policy_version),
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_INSERT) result.push(items.slice(start, start + ROWS_PER_INSERT));
  return result;
}

/**
 * Given a query, qualified columns of its sort key and the key of the last row seen, restricts the query to
 * the rows before that key and orders it by the key, descending: (a < x) OR (a = x AND b < y) ...
 */
function beforeKey<T extends {}>(query: Knex.QueryBuilder<T>, columns: string[], before: CursorKey | null): Knex.QueryBuilder<T> {
  if (before !== null) {
    query.where((outer) => {
      columns.forEach((column, index) => {
        outer.orWhere((inner) => {
          for (let equal = 0; equal < index; equal += 1) inner.where(columns[equal]!, before[equal]!);
          inner.where(column, '<', before[index]!);
        });
      });
    });
  }
  for (const column of columns) query.orderBy(column, 'desc');
  return query;
}

/** The audit trail's queries: the only module of the audit trail that holds SQL. */
export class AuditRepository {
  constructor(private readonly db: Knex) {}

  /** Given an instance, returns the last record of its chain, or null for an empty chain. */
  async lastRecord(instance: string): Promise<AuditRecordRow | null> {
    const row = await this.db<AuditRecordRow>('audit_records').where('instance', instance).orderBy('seq', 'desc').first();
    return row ? normalize(row) : null;
  }

  async recordAt(instance: string, seq: number): Promise<AuditRecordRow | null> {
    const row = await this.db<AuditRecordRow>('audit_records').where({ instance, seq }).first();
    return row ? normalize(row) : null;
  }

  /**
   * Given the records of one batch and their index rows, writes them in one transaction: all of them are
   * durable when it resolves, or none. A statement that hangs on MySQL is cut after statementTimeoutMs.
   */
  async appendBatch(records: readonly AuditRecordRow[], citizens: readonly AuditCitizenRow[], fields: readonly AuditFieldRow[], statementTimeoutMs: number): Promise<void> {
    const mysql = isMysql(this.db);
    // WAL with synchronous NORMAL may lose the last commits at a power cut; an audit record must not.
    if (!mysql) await this.db.raw('PRAGMA synchronous = FULL');
    await this.db.transaction(async (transaction) => {
      const insert = async (table: string, rows: readonly object[]) => {
        for (const chunk of chunks(rows)) {
          const statement = transaction(table).insert(chunk);
          // mysql2 closes a connection whose statement outlives the timeout, so a dead link cannot hold the batch.
          if (mysql) statement.options({ timeout: statementTimeoutMs });
          await statement;
        }
      };
      await insert('audit_records', records);
      await insert('audit_citizens', citizens);
      await insert('audit_fields', fields);
    });
  }

  /** Returns every instance that has records, sorted. */
  async instances(): Promise<string[]> {
    const rows = (await this.db('audit_records').distinct('instance').orderBy('instance')) as Array<{ instance: string }>;
    return rows.map((row) => row.instance);
  }

  /** Tells whether the audit tables exist (the verifier reads a database that may never have been migrated). */
  async exists(): Promise<boolean> {
    return this.db.schema.hasTable('audit_records');
  }

  /** Given an instance, a seq and a page size, returns the records after that seq, in chain order. */
  async chainPage(instance: string, afterSeq: number, limit: number): Promise<AuditRecordRow[]> {
    const rows = await this.db<AuditRecordRow>('audit_records').where('instance', instance).where('seq', '>', afterSeq).orderBy('seq').limit(limit);
    return rows.map(normalize);
  }

  /** Given an instance and a range of seqs, returns the index rows of those records. */
  async indexRows(instance: string, fromSeq: number, toSeq: number): Promise<{ citizens: AuditCitizenRow[]; fields: AuditFieldRow[] }> {
    const [citizens, fields] = await Promise.all([
      this.db<AuditCitizenRow>('audit_citizens').where('instance', instance).whereBetween('seq', [fromSeq, toSeq]),
      this.db<AuditFieldRow>('audit_fields').where('instance', instance).whereBetween('seq', [fromSeq, toSeq]),
    ]);
    return {
      citizens: citizens.map((row) => ({ ...row, seq: Number(row.seq) })),
      fields: fields.map((row) => ({ ...row, seq: Number(row.seq) })),
    };
  }

  /** Given a query on audit_records aliased r, narrows it by the filter. */
  private narrow<T extends {}>(query: Knex.QueryBuilder<T>, filter: RecordFilter): Knex.QueryBuilder<T> {
    if (filter.agencyCode !== null) query.where('r.agency_code', filter.agencyCode);
    if (filter.purpose !== null) query.where('r.purpose', filter.purpose);
    if (filter.from !== null) query.where('r.recorded_at', '>=', filter.from);
    if (filter.to !== null) query.where('r.recorded_at', '<', filter.to);
    if (filter.outcomes !== null) query.whereIn('r.outcome', filter.outcomes);
    if (filter.instance !== null) query.where('r.instance', filter.instance);
    if (filter.nationalId !== null) {
      const nationalId = filter.nationalId;
      query.whereExists((sub) =>
        sub.select(this.db.raw('1')).from('audit_citizens as c').whereRaw('c.instance = r.instance and c.seq = r.seq').where('c.national_id', nationalId),
      );
    }
    if (filter.field !== null) {
      const field = filter.field;
      query.whereExists((sub) =>
        sub.select(this.db.raw('1')).from('audit_fields as fc').whereRaw('fc.instance = r.instance and fc.seq = r.seq').where('fc.coordinate', field),
      );
    }
    return query;
  }

  /** Given a filter, the key of the last record seen and a limit, returns records newest first. */
  async recordsNewestFirst(filter: RecordFilter, before: CursorKey | null, limit: number): Promise<AuditRecordRow[]> {
    const query = this.narrow(this.db<AuditRecordRow>('audit_records as r').select('r.*'), filter);
    const rows = await beforeKey(query, NEWEST_FIRST.map((column) => `r.${column}`), before).limit(limit);
    return rows.map(normalize);
  }

  /** Given a filter, the key of the last record seen and a limit, returns records oldest first (an export). */
  async recordsOldestFirst(filter: RecordFilter, after: CursorKey | null, limit: number): Promise<AuditRecordRow[]> {
    const query = this.narrow(this.db<AuditRecordRow>('audit_records as r').select('r.*'), filter);
    const rows = await afterKey(query, NEWEST_FIRST.map((column) => `r.${column}`), after).limit(limit);
    return rows.map(normalize);
  }

  /**
   * Given a citizen's filter, the key of the last record seen and a limit, returns the records whose response
   * held the citizen's personal data, newest first, refusals and not yet disclosed deferred reads left out.
   */
  async citizenRecords(filter: CitizenFilter, before: CursorKey | null, limit: number): Promise<AuditRecordRow[]> {
    const query = this.db<AuditRecordRow>('audit_citizens as c')
      .join('audit_records as r', (join) => join.on('r.instance', 'c.instance').andOn('r.seq', 'c.seq'))
      .select('r.*')
      .where('c.national_id', filter.nationalId)
      .whereNotIn('r.outcome', ['DENIED']);
    if (filter.from !== null) query.where('c.recorded_at', '>=', filter.from);
    if (filter.to !== null) query.where('c.recorded_at', '<', filter.to);
    if (filter.deferredAgencies.length > 0) {
      query.where((shown) =>
        shown.whereNotIn('r.agency_code', filter.deferredAgencies).orWhereNull('r.agency_code').orWhere('c.recorded_at', '<=', filter.deferredUntil),
      );
    }
    const rows = await beforeKey(query, NEWEST_FIRST.map((column) => `c.${column}`), before).limit(limit);
    return rows.map(normalize);
  }

  /** Given a filter, returns per agency the requests, those denied in whole or in part, and the objects returned. */
  async countsByAgency(filter: RecordFilter, deniedOutcomes: readonly string[]): Promise<AgencyCountRow[]> {
    const rows = (await this.narrow(
      this.db('audit_records as r')
        .select('r.agency_code as agencyCode')
        .max({ agencyName: 'r.agency_name' })
        .count({ requests: '*' })
        .sum({ rows: 'r.row_count' })
        .select(this.db.raw(`sum(case when r.outcome in (${deniedOutcomes.map(() => '?').join(', ')}) then 1 else 0 end) as denied`, [...deniedOutcomes]))
        .groupBy('r.agency_code')
        .orderBy('r.agency_code'),
      filter,
    )) as Array<Record<keyof AgencyCountRow, unknown>>;
    return rows.map((row) => ({
      agencyCode: row.agencyCode as string | null,
      agencyName: row.agencyName as string | null,
      requests: Number(row.requests),
      denied: Number(row.denied ?? 0),
      rows: Number(row.rows ?? 0),
    }));
  }

  /** Given a filter, returns per agency and field how often the field was allowed, masked and denied. */
  async countsByField(filter: RecordFilter): Promise<FieldCountRow[]> {
    const effectCount = (effect: string, alias: string) => this.db.raw(`sum(case when f.effect = ? then 1 else 0 end) as ${alias}`, [effect]);
    const query = this.db('audit_fields as f')
      .join('audit_records as r', (join) => join.on('r.instance', 'f.instance').andOn('r.seq', 'f.seq'))
      .select('r.agency_code as agencyCode', 'f.coordinate as coordinate', effectCount('ALLOW', 'allowed'), effectCount('MASK', 'masked'), effectCount('DENY', 'denied'))
      .groupBy('r.agency_code', 'f.coordinate')
      .orderBy([{ column: 'r.agency_code' }, { column: 'f.coordinate' }]);
    if (filter.field !== null) query.where('f.coordinate', filter.field);
    const rows = (await this.narrow(query, { ...filter, field: null })) as Array<Record<keyof FieldCountRow, unknown>>;
    return rows.map((row) => ({
      agencyCode: row.agencyCode as string | null,
      coordinate: String(row.coordinate),
      allowed: Number(row.allowed ?? 0),
      masked: Number(row.masked ?? 0),
      denied: Number(row.denied ?? 0),
    }));
  }
}
