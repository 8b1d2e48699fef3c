import type { CalendarSpec, CalendarWindow, Weekday } from './types';
import { WEEKDAYS } from './types';

const SHIFT_DAYS: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'];

/** Shared defaults are frozen all the way down so no caller can change them for everyone else. */
function frozenCalendar(timezone: string, windows: CalendarWindow[]): CalendarSpec {
  return Object.freeze({
    timezone,
    windows: Object.freeze(windows.map((window) => Object.freeze(window))) as CalendarWindow[],
    holidays: Object.freeze([]) as unknown as string[],
  });
}

/**
 * The SLA's support hours: "Sunday to Thursday: 10:00 PM to 6:00 AM (EST)" read as five overnight shifts in
 * UTC-5 exactly as written (no daylight saving). Public holidays are added by configuration (lib/holidays.ts).
 */
export const SLA_CALENDAR: CalendarSpec = frozenCalendar(
  'UTC-5',
  SHIFT_DAYS.map((day) => ({ day, open: '22:00', close: '06:00' })),
);

/** 24/7 in UTC, for clocks the policy runs on wall time. */
export const ALWAYS_OPEN_CALENDAR: CalendarSpec = frozenCalendar(
  'UTC',
  WEEKDAYS.map((day) => ({ day, open: '00:00', close: '00:00' })),
);
