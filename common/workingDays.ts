import fs from 'node:fs';
import path from 'node:path';

/**
 * Working days as Vietnamese administrative deadlines count them: Monday to Friday in Asia/Ho_Chi_Minh, less the
 * public holidays of a calendar, plus the Saturdays worked in exchange for a bridged day. A deadline of N working
 * days runs from the day after the day something is received (Civil Code 2015, Art. 147) and ends at that day's end.
 */

/** A day in Viet Nam's time (UTC+7, no daylight saving), written YYYY-MM-DD. */
export type LocalDate = string;

export interface WorkingCalendar {
  /** The public holidays, by date, with their names. */
  holidays: ReadonlyMap<LocalDate, string>;
  /** Saturdays or Sundays worked in exchange for a bridged day. */
  workingWeekendDays: ReadonlySet<LocalDate>;
}

const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const DEFAULT_CALENDAR_FILE = path.join(__dirname, 'calendar', 'vn-public-holidays.json');

/** Given an instant, returns the day it falls on in Viet Nam. */
export function localDateOf(instant: Date): LocalDate {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Given a day in Viet Nam, returns the last millisecond of it, as an instant. */
export function endOfLocalDay(date: LocalDate): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - VIETNAM_OFFSET_MS + DAY_MS - 1);
}

function nextDate(date: LocalDate): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Given a calendar and a day, tells whether state agencies work that day. */
export function isWorkingDay(calendar: WorkingCalendar, date: LocalDate): boolean {
  if (calendar.workingWeekendDays.has(date)) return true;
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !calendar.holidays.has(date);
}

/** Given a calendar, the instant something was received and a number of working days, returns when the time runs out. */
export function workingDayDeadline(calendar: WorkingCalendar, received: Date, workingDays: number): Date {
  let date = localDateOf(received);
  let counted = 0;
  // A calendar that never works would loop forever; ten years of days is more than any deadline needs.
  for (let guard = 0; counted < workingDays; guard += 1) {
    if (guard > 3660) throw new Error('the working calendar has no working day in ten years');
    date = nextDate(date);
    if (isWorkingDay(calendar, date)) counted += 1;
  }
  return endOfLocalDay(date);
}

/** Given the instant something was received and a number of days, returns the end of the last one in Viet Nam (days, not working days). */
export function calendarDayDeadline(received: Date, days: number): Date {
  let date = localDateOf(received);
  for (let day = 0; day < days; day += 1) date = nextDate(date);
  return endOfLocalDay(date);
}

/** Given a calendar, a deadline and now, returns the working days left before it (0 on its last day), or a negative count once it has passed. */
export function workingDaysLeft(calendar: WorkingCalendar, deadline: Date, now: Date): number {
  const today = localDateOf(now);
  const last = localDateOf(deadline);
  if (now.getTime() > deadline.getTime()) {
    let late = 0;
    for (let date = last; date < today; date = nextDate(date)) if (isWorkingDay(calendar, nextDate(date))) late += 1;
    return -Math.max(late, 1);
  }
  let left = 0;
  for (let date = today; date < last; date = nextDate(date)) if (isWorkingDay(calendar, nextDate(date))) left += 1;
  return left;
}

/** Given the calendar file's parsed content, returns the calendar, or the problems that make it unusable. */
export function parseWorkingCalendar(content: unknown, source: string): { calendar: WorkingCalendar | null; problems: string[] } {
  const problems: string[] = [];
  const holidays = new Map<LocalDate, string>();
  const workingWeekendDays = new Set<LocalDate>();
  const body = content as { holidays?: unknown; workingSaturdays?: unknown } | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.holidays)) {
    return { calendar: null, problems: [`${source} must be a JSON object with a "holidays" list`] };
  }
  for (const entry of body.holidays as unknown[]) {
    const holiday = entry as { date?: unknown; name?: unknown } | null;
    if (typeof holiday?.date !== 'string' || !LOCAL_DATE.test(holiday.date) || Number.isNaN(Date.parse(holiday.date)) || typeof holiday.name !== 'string') {
      problems.push(`${source}: each holiday needs a "date" (YYYY-MM-DD) and a "name", got ${JSON.stringify(entry)}`);
      continue;
    }
    holidays.set(holiday.date, holiday.name);
  }
  for (const date of (body.workingSaturdays ?? []) as unknown[]) {
    if (typeof date !== 'string' || !LOCAL_DATE.test(date) || Number.isNaN(Date.parse(date)))
      problems.push(`${source}: "workingSaturdays" holds dates (YYYY-MM-DD), got ${JSON.stringify(date)}`);
    else workingWeekendDays.add(date);
  }
  return { calendar: problems.length === 0 ? { holidays, workingWeekendDays } : null, problems };
}

/** Given a calendar file's path, returns its calendar, or throws an Error that names every problem. */
export function loadWorkingCalendar(file: string = DEFAULT_CALENDAR_FILE): WorkingCalendar {
  let content: unknown;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`the working calendar ${path.basename(file)} cannot be read as JSON: ${(error as Error).message}`);
  }
  const { calendar, problems } = parseWorkingCalendar(content, path.basename(file));
  if (calendar === null) throw new Error(problems.join('; '));
  return calendar;
}
