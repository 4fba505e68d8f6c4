import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import type { WorkingCalendar } from '../../common/workingDays';
import { isWorkingDay, loadWorkingCalendar, localDateOf, parseWorkingCalendar, workingDayDeadline, workingDaysLeft } from '../../common/workingDays';

const calendar: WorkingCalendar = loadWorkingCalendar();
const at = (iso: string) => new Date(iso);

describe('workingDays', () => {
  it('takes the day in Viet Nam, seven hours ahead of UTC', () => {
    expect(localDateOf(at('2026-12-01T16:59:59Z'))).toBe('2026-12-01');
    expect(localDateOf(at('2026-12-01T17:00:00Z'))).toBe('2026-12-02');
  });

  it('counts two working days from the day after receipt, to the end of the second', () => {
    // Received on Tuesday 1 December 2026: Wednesday and Thursday count; the time runs out at Thursday's midnight in Ha Noi.
    expect(workingDayDeadline(calendar, at('2026-12-01T03:00:00Z'), 2).toISOString()).toBe('2026-12-03T16:59:59.999Z');
  });

  it('skips the weekend', () => {
    // Received on Friday 4 December 2026: Monday and Tuesday count.
    expect(workingDayDeadline(calendar, at('2026-12-04T09:00:00Z'), 2).toISOString()).toBe('2026-12-08T16:59:59.999Z');
  });

  it('skips public holidays: a request received before Tết is due after it', () => {
    // Received Friday 13 February 2026; 14 to 22 February are Tết; Monday 23 and Tuesday 24 count.
    expect(workingDayDeadline(calendar, at('2026-02-13T02:00:00Z'), 2).toISOString()).toBe('2026-02-24T16:59:59.999Z');
    // Received Wednesday 29 April 2026: 30 April and 1 May are holidays, then the weekend.
    expect(workingDayDeadline(calendar, at('2026-04-29T02:00:00Z'), 2).toISOString()).toBe('2026-05-05T16:59:59.999Z');
  });

  it('counts a Saturday worked in exchange for a bridged day', () => {
    const parsed = parseWorkingCalendar({ holidays: [{ date: '2027-01-04', name: 'bridged Monday' }], workingSaturdays: ['2027-01-09'] }, 'test');
    expect(parsed.problems).toEqual([]);
    expect(isWorkingDay(parsed.calendar!, '2027-01-04')).toBe(false);
    expect(isWorkingDay(parsed.calendar!, '2027-01-09')).toBe(true);
    expect(workingDayDeadline(parsed.calendar!, at('2027-01-07T02:00:00Z'), 2).toISOString()).toBe('2027-01-09T16:59:59.999Z');
  });

  it('tells the working days left, and how late once the deadline has passed', () => {
    const deadline = workingDayDeadline(calendar, at('2026-12-04T09:00:00Z'), 2); // Tuesday 8 December
    expect(workingDaysLeft(calendar, deadline, at('2026-12-05T02:00:00Z'))).toBe(2);
    expect(workingDaysLeft(calendar, deadline, at('2026-12-08T10:00:00Z'))).toBe(0);
    expect(workingDaysLeft(calendar, deadline, at('2026-12-08T17:00:00Z'))).toBe(-1);
    expect(workingDaysLeft(calendar, deadline, at('2026-12-10T02:00:00Z'))).toBe(-2);
  });

  it('names every bad entry of a calendar file', () => {
    const parsed = parseWorkingCalendar({ holidays: [{ date: '2026-13-45', name: 'x' }, { date: '2026-01-01' }], workingSaturdays: ['soon'] }, 'cal.json');
    expect(parsed.calendar).toBeNull();
    expect(parsed.problems).toHaveLength(3);
    expect(parseWorkingCalendar([], 'cal.json').problems[0]).toMatch(/"holidays" list/);
  });

  it('refuses to start with a calendar file that cannot be used', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'calendar-'));
    const file = path.join(directory, 'calendar.json');
    fs.writeFileSync(file, '{ not json');
    expect(() => loadConfig({ WORKING_CALENDAR_FILE: file })).toThrow(/WORKING_CALENDAR_FILE/);
    fs.writeFileSync(file, JSON.stringify({ holidays: [{ date: '2027-01-04', name: 'bridged Monday' }] }));
    expect(loadConfig({ WORKING_CALENDAR_FILE: file }).workingCalendar.holidays.get('2027-01-04')).toBe('bridged Monday');
    fs.rmSync(directory, { recursive: true });
  });
});
