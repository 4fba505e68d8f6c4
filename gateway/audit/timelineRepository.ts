import type { Knex } from 'knex';
import { isMysql } from '../../db/connection';
import type { RecordFilter } from './recordFilterSql';
import { narrowRecords } from './recordFilterSql';
import type { TimelineBucket, TimelinePoint } from './timeline';

/** The most points one chart reads: buckets times agencies, far above 400 days of a province's agencies. */
export const MAX_TIMELINE_POINTS = 50_000;

/**
 * Given the engine and a bucket, returns the SQL of a record's bucket key: its UTC hour ("2026-03-03T08"), or its
 * day on Viet Nam's clock ("2026-03-03"), from the recorded_at text.
 */
function bucketKey(db: Knex, bucket: TimelineBucket): string {
  if (bucket === 'HOUR') return 'substr(r.recorded_at, 1, 13)';
  return isMysql(db)
    ? "date_format(date_add(cast(substr(r.recorded_at, 1, 19) as datetime), interval 7 hour), '%Y-%m-%d')"
    : "date(substr(r.recorded_at, 1, 19), '+7 hours')";
}

/** Given a bucket key as the database gave it, returns the bucket's first instant (ISO, UTC). */
function startOf(key: string, bucket: TimelineBucket): string {
  return bucket === 'HOUR' ? `${key}:00:00.000Z` : new Date(Date.parse(`${key}T00:00:00+07:00`)).toISOString();
}

/**
 * The chart over time: one GROUP BY over the records of a period (the recorded_at index, and on MySQL/MariaDB
 * only the months' partitions the period touches), by bucket and agency.
 */
export class TimelineRepository {
  constructor(private readonly db: Knex) {}

  /** Given a filter with its period, a bucket and the outcomes counted as denied, returns per bucket and agency the records and the denied ones. */
  async countsOverTime(
    filter: RecordFilter,
    bucket: TimelineBucket,
    deniedOutcomes: readonly string[],
  ): Promise<{ points: TimelinePoint[]; truncated: boolean }> {
    const key = bucketKey(this.db, bucket);
    const query = this.db('audit_records as r')
      .select(this.db.raw(`${key} as bucket_key`), 'r.agency_code as agencyCode')
      .count({ requests: '*' })
      .select(this.db.raw(`sum(case when r.outcome in (${deniedOutcomes.map(() => '?').join(', ')}) then 1 else 0 end) as denied`, [...deniedOutcomes]))
      .groupByRaw(`${key}, r.agency_code`)
      .orderByRaw(`${key}, r.agency_code`)
      .limit(MAX_TIMELINE_POINTS + 1);
    const rows = (await narrowRecords(this.db, query, filter)) as Array<{ bucket_key: unknown; agencyCode: unknown; requests: unknown; denied: unknown }>;
    return {
      truncated: rows.length > MAX_TIMELINE_POINTS,
      points: rows.slice(0, MAX_TIMELINE_POINTS).map((row) => ({
        start: startOf(String(row.bucket_key), bucket),
        agencyCode: row.agencyCode === null ? null : String(row.agencyCode),
        requests: Number(row.requests),
        denied: Number(row.denied ?? 0),
      })),
    };
  }
}
