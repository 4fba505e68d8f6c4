import type { Knex } from 'knex';
import type { CursorKey } from '../../common/pagination';
import { isMysql } from '../../db/connection';
import type { AuditCitizenRow, AuditFieldSetRow, AuditRecordRow } from '../../db/gatewayRows';
import { afterKey, beforeKey } from '../../db/keyset';
import { notificationOutboxStatement } from '../citizen/notificationRepository';
import type { RecordFilter } from './recordFilterSql';
import { narrowRecords } from './recordFilterSql';
import type { Statement } from './sqlBatches';
import { TimelineRepository } from './timelineRepository';
import { MYSQL_ROUND_TRIP_CHARACTERS, MysqlBatchWriter, insertStatements, statement } from './sqlBatches';

/**
 * The audit trail's tables of one instance's rows, the ones derived from the records first: emptied in this order,
 * no index row outlives its record.
 */
export const AUDIT_TABLES = ['audit_citizens', 'audit_index_heads', 'audit_records'] as const;

/** The field sets records name: shared by every instance, and content-addressed, so that a set left behind harms none. */
export const AUDIT_FIELD_SETS = 'audit_field_sets';

/** How long one statement that indexes records may take before its connection is closed, unless told otherwise. */
const INDEX_TIMEOUT_MS = 5000;

const RECORD_COLUMNS = [
  'instance',
  'seq',
  'recorded_at',
  'agency_code',
  'agency_name',
  'credential_id',
  'user_id',
  'purpose',
  'dossier_id',
  'operation_name',
  'operation_hash',
  'variables_hash',
  'fields_json',
  'field_set',
  'citizen_ids_json',
  'row_count',
  'outcome',
  'error_code',
  'latency_ms',
  'policy_version',
  'officer_unit',
  'caller_national_id',
  'previous_hash',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditRecordRow>;

/*
 * The index rows of the records of one instance between two seqs, read off the records' JSON columns: what
 * indexRowsOf (records.ts) computes, and the verifier checks. Bound values: instance, first seq, last seq.
 */
const RECORDS_IN_RANGE = 'from audit_records r';
const IN_RANGE = 'where r.instance = ? and r.seq between ? and ?';
const MYSQL_INDEX_CITIZENS =
  `insert into audit_citizens (national_id, instance, seq, recorded_at) select j.national_id, r.instance, r.seq, r.recorded_at ${RECORDS_IN_RANGE} ` +
  `cross join json_table(r.citizen_ids_json, '$[*]' columns (national_id varchar(12) path '$')) j ${IN_RANGE}`;
/*
 * A field set's rows are written by the first record that names it; another instance may write them at the same
 * moment, and the rows are the same, so a duplicate is ignored.
 */
const NEW_FIELD_SETS = 'and r.field_set is not null and not exists (select 1 from audit_field_sets s where s.set_hash = r.field_set)';
const MYSQL_INDEX_FIELDS =
  `insert ignore into audit_field_sets (set_hash, coordinate, effect) select distinct r.field_set, j.coordinate, j.effect ${RECORDS_IN_RANGE} ` +
  `cross join json_table(r.fields_json, '$[*]' columns (coordinate varchar(200) path '$.coordinate', effect varchar(10) path '$.effect')) j ${IN_RANGE} ${NEW_FIELD_SETS}`;
const SQLITE_INDEX_CITIZENS =
  `insert into audit_citizens (national_id, instance, seq, recorded_at) select j.value, r.instance, r.seq, r.recorded_at ${RECORDS_IN_RANGE} ` +
  `cross join json_each(r.citizen_ids_json) j ${IN_RANGE}`;
const MYSQL_MOVE_INDEX_HEAD =
  'insert into audit_index_heads (instance, indexed_seq) values (?, ?) on duplicate key update indexed_seq = greatest(indexed_seq, values(indexed_seq))';
const SQLITE_MOVE_INDEX_HEAD =
  'insert into audit_index_heads (instance, indexed_seq) values (?, ?) on conflict (instance) do update set indexed_seq = max(indexed_seq, excluded.indexed_seq)';
const SQLITE_INDEX_FIELDS =
  `insert or ignore into audit_field_sets (set_hash, coordinate, effect) select distinct r.field_set, json_extract(j.value, '$.coordinate'), json_extract(j.value, '$.effect') ` +
  `${RECORDS_IN_RANGE} cross join json_each(r.fields_json) j ${IN_RANGE} ${NEW_FIELD_SETS}`;

/** The sort key of pages read newest first: time, then the record's place in its chain. */
const NEWEST_FIRST = ['recorded_at', 'instance', 'seq'];

export type { RecordFilter } from './recordFilterSql';

/** What a citizen's tracker shows: never refusals, and a deferred agency's reads only once old enough. */
export interface CitizenFilter {
  nationalId: string;
  from: string | null;
  to: string | null;
  deferredAgencies: readonly string[];
  /** A deferred agency's reads are shown when they happened at or before this instant (ISO). */
  deferredUntil: string;
  /** Only this agency's reads, or this purpose's; left out, every one. */
  agencyCode?: string | null;
  purpose?: string | null;
  /** Only this record (instance and seq), to tell whether a citizen may see it. */
  record?: { instance: string; seq: number } | null;
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

/** Given a record row as either engine returns it, returns it with its numbers as numbers. */
export const normalizeAuditRecord = normalize;

/** The audit trail's queries: with sqlBatches.ts (how its INSERTs and transactions travel), the only module of the audit trail that holds SQL. */
export class AuditRepository {
  /** Where batches of records are written, and where their index rows are when they follow: MySQL only, opened at first use. */
  private readonly writer: MysqlBatchWriter;
  private readonly indexer: MysqlBatchWriter;

  /** roundTripCharacters: see MYSQL_ROUND_TRIP_CHARACTERS, the default. */
  constructor(
    private readonly db: Knex,
    private readonly roundTripCharacters = MYSQL_ROUND_TRIP_CHARACTERS,
  ) {
    this.writer = new MysqlBatchWriter(db, roundTripCharacters);
    this.indexer = new MysqlBatchWriter(db, roundTripCharacters);
  }

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
   * Given the records of one batch (one instance, consecutive seqs) and whether to index them too, writes them:
   * all of them are durable when it resolves, or none. With withIndex (for an instance whose index has reached
   * the batch's first record), their index rows and the index head are written in the same transaction;
   * otherwise they follow (indexRecords). On MySQL the batch is one round trip as a rule (see
   * MysqlBatchWriter); a write that hangs is cut after statementTimeoutMs.
   */
  async appendBatch(records: readonly AuditRecordRow[], statementTimeoutMs: number, withIndex = false): Promise<void> {
    if (records.length === 0) return;
    // Prepared on MySQL: a record's JSON columns travel as they are rather than escaped into the SQL text.
    const statements = insertStatements('audit_records', RECORD_COLUMNS, records, this.roundTripCharacters, isMysql(this.db));
    if (withIndex) statements.push(...this.indexStatements(records[0]!.instance, records[0]!.seq, records[records.length - 1]!.seq));
    // WAL with synchronous NORMAL may lose the last commits at a power cut; an audit record must not.
    if (!isMysql(this.db)) await this.db.raw('PRAGMA synchronous = FULL');
    await this.commit(this.writer, statements, statementTimeoutMs);
  }

  /**
   * Given a MySQL connection of the audit's own, statements, a timeout per round trip and whether to read
   * committed rows only, runs the statements in one transaction: over that connection on MySQL, in a knex
   * transaction on SQLite.
   */
  private async commit(writer: MysqlBatchWriter, statements: readonly Statement[], timeoutMs: number, readCommitted = false): Promise<void> {
    if (isMysql(this.db)) {
      await writer.commit(statements, timeoutMs, readCommitted);
      return;
    }
    await this.db.transaction(async (transaction) => {
      for (const { sql, values } of statements) await transaction.raw(sql, values);
    });
  }

  /** Given an instance and a range of its seqs, returns the statements that index those records (notifications included) and move the head. */
  private indexStatements(instance: string, fromSeq: number, toSeq: number): Statement[] {
    const mysql = isMysql(this.db);
    const range = [instance, fromSeq, toSeq];
    return [
      statement(mysql ? MYSQL_INDEX_CITIZENS : SQLITE_INDEX_CITIZENS, range),
      statement(mysql ? MYSQL_INDEX_FIELDS : SQLITE_INDEX_FIELDS, range),
      // The citizens who asked to be told of new accesses: their notifications go with the index rows.
      statement(notificationOutboxStatement(this.db), [...range, 1]),
      statement(mysql ? MYSQL_MOVE_INDEX_HEAD : SQLITE_MOVE_INDEX_HEAD, [instance, toSeq]),
    ];
  }

  /**
   * Given an instance, returns the seq up to which its records are indexed (0 for none); every record's, in a
   * database that predates index heads, where a record and its index rows were written together.
   */
  async indexHead(instance: string): Promise<number> {
    if (!(await this.db.schema.hasTable('audit_index_heads'))) return Number.POSITIVE_INFINITY;
    const row = await this.db('audit_index_heads').where('instance', instance).first('indexed_seq');
    return row ? Number(row.indexed_seq) : 0;
  }

  /**
   * Given an instance and a range of its seqs, writes the citizen and field index rows of those records, derived
   * by the database from the records' JSON columns, and moves the instance's index head to the range's end, in
   * one transaction (on MySQL one round trip, on a connection of its own, so that batches of records are never
   * held up). A record indexed twice breaks the index tables' primary keys, which rolls the later writer back:
   * when another writer (a reader's catch-up) indexed part of the range first, returns the head it left, else
   * the range's end. Reads committed records without locking them, so the batch being written meanwhile goes on.
   */
  async indexRecords(instance: string, fromSeq: number, toSeq: number, statementTimeoutMs = INDEX_TIMEOUT_MS): Promise<number> {
    if (toSeq < fromSeq) return this.indexHead(instance);
    const statements = this.indexStatements(instance, fromSeq, toSeq);
    try {
      await this.commit(this.indexer, statements, statementTimeoutMs, true);
      return toSeq;
    } catch (error) {
      const head = await this.indexHead(instance);
      if (head >= fromSeq) return head;
      throw error;
    }
  }

  /** Indexes the records of every instance that are not indexed yet (indexRecords); for a reader in another process. */
  async indexEveryInstance(): Promise<void> {
    for (const instance of await this.instances()) {
      const last = await this.lastRecord(instance);
      let head = await this.indexHead(instance);
      while (last && head < last.seq) head = await this.indexRecords(instance, head + 1, last.seq);
    }
  }

  /**
   * Given what to call when it is lost, opens the connection batches are written on now rather than at the
   * first batch (MySQL; nothing on SQLite, whose file cannot go away): a writer that learns of a lost server
   * from it refuses records at once rather than after a failed write. Rejects when the server cannot be reached.
   */
  async watchWriter(onLost: () => void): Promise<void> {
    if (!isMysql(this.db)) return;
    this.writer.onLost = onLost;
    await this.writer.open();
  }

  /**
   * Given an instance and its chain's last seq, lowers the instance's index head to it when it stands above (a
   * chain removed while its head stayed): records written from then on would otherwise never be indexed.
   * Returns the head, lowered or not.
   */
  async indexHeadWithin(instance: string, lastSeq: number): Promise<number> {
    const head = await this.indexHead(instance);
    if (head <= lastSeq || head === Number.POSITIVE_INFINITY) return head;
    await this.db('audit_index_heads').where('instance', instance).where('indexed_seq', '>', lastSeq).update({ indexed_seq: lastSeq });
    return lastSeq;
  }

  /** Closes the connections that batches and index rows are written on, if they are open. */
  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.indexer.close()]);
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

  /** Given an instance and a range of seqs, returns the index rows of those records: their citizens, and the rows of the field sets they name. */
  async indexRows(instance: string, fromSeq: number, toSeq: number): Promise<{ citizens: AuditCitizenRow[]; fieldSets: AuditFieldSetRow[] }> {
    const [citizens, fieldSets] = await Promise.all([
      this.db<AuditCitizenRow>('audit_citizens').where('instance', instance).whereBetween('seq', [fromSeq, toSeq]),
      this.db<AuditFieldSetRow>('audit_field_sets').whereIn(
        'set_hash',
        this.db('audit_records').distinct('field_set').where('instance', instance).whereBetween('seq', [fromSeq, toSeq]).whereNotNull('field_set'),
      ),
    ]);
    return { citizens: citizens.map((row) => ({ ...row, seq: Number(row.seq) })), fieldSets };
  }

  /** Returns the chart over time's query on the same database. */
  timeline(): TimelineRepository {
    return new TimelineRepository(this.db);
  }

  /** Given a query on audit_records aliased r, narrows it by the filter. */
  private narrow<T extends object>(query: Knex.QueryBuilder<T>, filter: RecordFilter): Knex.QueryBuilder<T> {
    return narrowRecords(this.db, query, filter);
  }

  /** Given a filter, the key of the last record seen and a limit, returns records newest first. */
  async recordsNewestFirst(filter: RecordFilter, before: CursorKey | null, limit: number): Promise<AuditRecordRow[]> {
    const query = this.narrow(this.db<AuditRecordRow>('audit_records as r').select('r.*'), filter);
    const rows = await beforeKey(
      query,
      NEWEST_FIRST.map((column) => `r.${column}`),
      before,
    ).limit(limit);
    return rows.map(normalize);
  }

  /** Given a filter, the key of the last record seen and a limit, returns records oldest first (an export). */
  async recordsOldestFirst(filter: RecordFilter, after: CursorKey | null, limit: number): Promise<AuditRecordRow[]> {
    const query = this.narrow(this.db<AuditRecordRow>('audit_records as r').select('r.*'), filter);
    const rows = await afterKey(
      query,
      NEWEST_FIRST.map((column) => `r.${column}`),
      after,
    ).limit(limit);
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
    if (filter.agencyCode) query.where('r.agency_code', filter.agencyCode);
    if (filter.purpose) query.where('r.purpose', filter.purpose);
    if (filter.record) query.where('c.instance', filter.record.instance).where('c.seq', filter.record.seq);
    if (filter.deferredAgencies.length > 0) {
      query.where((shown) =>
        shown.whereNotIn('r.agency_code', filter.deferredAgencies).orWhereNull('r.agency_code').orWhere('c.recorded_at', '<=', filter.deferredUntil),
      );
    }
    const rows = await beforeKey(
      query,
      NEWEST_FIRST.map((column) => `c.${column}`),
      before,
    ).limit(limit);
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
    const query = this.db('audit_records as r')
      .join('audit_field_sets as f', 'f.set_hash', 'r.field_set')
      .select(
        'r.agency_code as agencyCode',
        'f.coordinate as coordinate',
        effectCount('ALLOW', 'allowed'),
        effectCount('MASK', 'masked'),
        effectCount('DENY', 'denied'),
      )
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
