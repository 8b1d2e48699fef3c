/**
 * Validation of calendar data (the JSON form used on disk, in the API and in workflows).
 * Every rejection names the offending field, e.g. "windows[2].open".
 */
import { CalendarError } from '../errors';
import { parseClockTime, parseIsoDate } from './civil';
import type { CalendarSpec, CalendarWindow, Weekday } from './types';
import { WEEKDAYS } from './types';
import { resolveZone } from './zone';

const CALENDAR_KEYS = new Set(['timezone', 'windows', 'holidays']);
const WINDOW_KEYS = new Set(['day', 'open', 'close']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(record: Record<string, unknown>, allowed: Set<string>, prefix: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) {
      throw new CalendarError(`unknown field (allowed: ${[...allowed].join(', ')})`, prefix ? `${prefix}.${key}` : key);
    }
  }
}

function parseWeekday(value: unknown, field: string): Weekday {
  const text = typeof value === 'string' ? value.toLowerCase() : value;
  const day = WEEKDAYS.find((candidate) => candidate === text);
  if (!day) throw new CalendarError(`must be one of ${WEEKDAYS.join(', ')}`, field);
  return day;
}

function parseWindow(value: unknown, index: number): CalendarWindow {
  const field = `windows[${index}]`;
  if (!isRecord(value)) throw new CalendarError('must be an object {day, open, close}', field);
  rejectUnknownKeys(value, WINDOW_KEYS, field);
  const day = parseWeekday(value.day, `${field}.day`);
  const { open, close } = value;
  if (typeof open !== 'string' || parseClockTime(open, false) === null) {
    throw new CalendarError('must be a local time "HH:MM" from 00:00 to 23:59', `${field}.open`);
  }
  if (typeof close !== 'string' || parseClockTime(close, true) === null) {
    throw new CalendarError('must be a local time "HH:MM" from 00:00 to 24:00', `${field}.close`);
  }
  return { day, open, close };
}

function parseHolidays(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new CalendarError('must be an array of "YYYY-MM-DD" dates', 'holidays');
  const dates = value.map((item: unknown, index) => {
    if (typeof item !== 'string' || parseIsoDate(item) === null) {
      throw new CalendarError('must be a real date "YYYY-MM-DD"', `holidays[${index}]`);
    }
    return item;
  });
  return [...new Set(dates)].sort();
}

/** Validates untrusted input into a CalendarSpec (holidays sorted and de-duplicated, weekdays lower-cased). */
export function parseCalendar(input: unknown): CalendarSpec {
  if (!isRecord(input)) throw new CalendarError('calendar must be an object {timezone, windows, holidays}');
  rejectUnknownKeys(input, CALENDAR_KEYS, '');
  if (typeof input.timezone !== 'string' || input.timezone === '') {
    throw new CalendarError('must be an IANA zone name or UTC±HH[:MM]', 'timezone');
  }
  resolveZone(input.timezone);
  if (!Array.isArray(input.windows)) throw new CalendarError('must be an array of {day, open, close}', 'windows');
  // Every window is at least one minute long (close <= open wraps to the next day), so any window means
  // some open time; an empty list would make every deadline search run forever.
  if (input.windows.length === 0)
    throw new CalendarError('calendar has no open time: add at least one window', 'windows');
  const windows = input.windows.map((window: unknown, index) => parseWindow(window, index));
  return { timezone: input.timezone, windows, holidays: parseHolidays(input.holidays) };
}
