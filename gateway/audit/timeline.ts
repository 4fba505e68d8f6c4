import { badInput } from '../store/errors';

/** How the chart over time groups records: by hour for a short period, else by day of Viet Nam's calendar. */
export type TimelineBucket = 'HOUR' | 'DAY';

/** One agency's records in one bucket: all of them, and those refused in whole or in part. */
export interface TimelinePoint {
  /** The bucket's first instant (ISO, UTC): an hour, or midnight in Viet Nam (17:00 UTC the day before). */
  start: string;
  agencyCode: string | null;
  requests: number;
  denied: number;
}

/** The counts over time of the records a filter selects: every bucket of the period, and the points that have records. */
export interface AuditTimeline {
  bucket: TimelineBucket;
  from: string;
  to: string;
  /** Every bucket's start, oldest first, those without records included: the chart's axis. */
  buckets: string[];
  points: TimelinePoint[];
  /** True when the period held more points than one chart reads: narrow it. */
  truncated: boolean;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Viet Nam keeps UTC+7 all year: a day there starts at 17:00 UTC. */
export const VIETNAM_OFFSET_MS = 7 * HOUR_MS;
/** A period up to this long is counted by hour: two days make 48 bars. */
export const HOURLY_UP_TO_MS = 2 * DAY_MS;
/** The longest period counted at once: a year and a little, 400 daily bars at most. */
export const MAX_TIMELINE_DAYS = 400;
/** The period when the filter names none: the last 30 days. */
export const DEFAULT_TIMELINE_DAYS = 30;

/** Given an instant and a bucket, returns the start of the bucket that holds it. */
export function bucketStart(instantMs: number, bucket: TimelineBucket): number {
  if (bucket === 'HOUR') return Math.floor(instantMs / HOUR_MS) * HOUR_MS;
  return Math.floor((instantMs + VIETNAM_OFFSET_MS) / DAY_MS) * DAY_MS - VIETNAM_OFFSET_MS;
}

/**
 * Given the period a filter asks for (ISO instants, either left out) and now, returns the period counted and its
 * bucket: the last 30 days when none is given, by hour up to 2 days, else by day; BAD_USER_INPUT past 400 days.
 */
export function timelinePeriod(from: string | null, to: string | null, now: Date): { from: string; to: string; bucket: TimelineBucket } {
  const end = to === null ? now.getTime() : Date.parse(to);
  const start = from === null ? end - DEFAULT_TIMELINE_DAYS * DAY_MS : Date.parse(from);
  if (end - start > MAX_TIMELINE_DAYS * DAY_MS)
    throw badInput(`The chart covers at most ${MAX_TIMELINE_DAYS} days at once: narrow the period ("from" and "to")`);
  if (end <= start) throw badInput('The period is empty: "to" must come after "from"');
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString(), bucket: end - start <= HOURLY_UP_TO_MS ? 'HOUR' : 'DAY' };
}

/** Given a period and its bucket, returns the start of every bucket it touches, oldest first. */
export function bucketStarts(from: string, to: string, bucket: TimelineBucket): string[] {
  const step = bucket === 'HOUR' ? HOUR_MS : DAY_MS;
  const starts: string[] = [];
  for (let at = bucketStart(Date.parse(from), bucket); at < Date.parse(to); at += step) starts.push(new Date(at).toISOString());
  return starts;
}
