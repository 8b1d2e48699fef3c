export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** Index 0 is Monday, matching ISO weekday numbering minus one. */
export const WEEKDAYS: readonly Weekday[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

/** A weekly open window in local time, 'HH:MM'. A close at or before the open ends on the next local day. */
export interface CalendarWindow {
  day: Weekday;
  open: string;
  close: string;
}

export interface CalendarSpec {
  /** IANA name ('America/New_York') or fixed offset ('UTC', 'UTC-5', 'UTC+05:45'). */
  timezone: string;
  windows: CalendarWindow[];
  /** Local dates 'YYYY-MM-DD'; a holiday closes every window that opens on that date. */
  holidays: string[];
}

/** One stretch of business time consumed by a deadline, clipped to [start, deadline]. */
export interface ExplainedPeriod {
  from: string; // ISO instant (UTC)
  to: string;
  fromLocal: string;
  toLocal: string;
  minutes: number;
  totalMinutes: number;
}

export interface SkippedHoliday {
  date: string; // 'YYYY-MM-DD'
  /** Local open–close of each window that the holiday closed, e.g. '22:00–06:00'. */
  windows: string[];
}

export interface DeadlineExplanation {
  timezone: string;
  start: string;
  startLocal: string;
  startIsOpen: boolean;
  businessMinutes: number;
  deadline: string;
  deadlineLocal: string;
  periods: ExplainedPeriod[];
  skippedHolidays: SkippedHoliday[];
  /** The same facts as text a person can check by hand. */
  lines: string[];
}
