import type { CalendarSpec, Weekday } from './types';
import { WEEKDAYS } from './types';

const SHIFT_DAYS: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'];

/**
 * The SLA's support hours: "Sunday to Thursday: 10:00 PM to 6:00 AM (EST)" read as five overnight shifts in
 * UTC-5 exactly as written (no daylight saving). Public holidays are added by configuration (lib/holidays.ts).
 */
export const SLA_CALENDAR: CalendarSpec = Object.freeze({
  timezone: 'UTC-5',
  windows: SHIFT_DAYS.map((day) => ({ day, open: '22:00', close: '06:00' })),
  holidays: [],
});

/** 24/7 in UTC, for clocks the policy runs on wall time. */
export const ALWAYS_OPEN_CALENDAR: CalendarSpec = Object.freeze({
  timezone: 'UTC',
  windows: WEEKDAYS.map((day) => ({ day, open: '00:00', close: '00:00' })),
  holidays: [],
});
