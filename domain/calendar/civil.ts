/**
 * Civil (calendar) arithmetic on "day numbers": whole days since 1970-01-01, with no time zone attached.
 * Local dates are handled as day numbers so that holidays and weekdays never depend on a Date object's zone.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

/** Weekday index of a day number, 0 = Monday. 1970-01-01 was a Thursday (index 3). */
export function weekdayIndex(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

export function dayNumberOfMs(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' to a day number, or null when the text is not a real calendar date. */
export function parseIsoDate(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC silently rolls 02-30 over to March; a round trip rejects such dates.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return dayNumberOfMs(ms);
}

export function formatIsoDate(dayNumber: number): string {
  const date = new Date(dayNumber * DAY_MS);
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

export function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export function pad3(value: number): string {
  return value < 10 ? `00${value}` : value < 100 ? `0${value}` : String(value);
}

const CLOCK_PATTERN = /^(\d{2}):(\d{2})$/;

/** 'HH:MM' to minutes after midnight; '24:00' only when allowed (a close). Null when invalid. */
export function parseClockTime(text: string, allowEndOfDay: boolean): number | null {
  const match = CLOCK_PATTERN.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (allowEndOfDay && hours === 24 && minutes === 0) return MINUTES_PER_DAY;
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}
