/**
 * Business time: the public surface. Pure and deterministic (no clock, no I/O), so the same module serves the
 * workflow, the API's previews and the CLI. Semantics: design §3.
 */
import { explainDeadline } from './calendar/explain';
import { formatTimeForPeople, zoneNameForHours, type MinuteRounding } from './calendar/readable-time';
import { OpenTime, assertInstant, minutesToMs } from './calendar/open-time';
import { parseCalendar } from './calendar/parse';
import type { CalendarSpec, DeadlineExplanation } from './calendar/types';
import { parseLocalDateTime } from './calendar/local-input';

export type { CalendarSpec, CalendarWindow, DeadlineExplanation, Weekday } from './calendar/types';
export { WEEKDAYS } from './calendar/types';
export { parseCalendar } from './calendar/parse';
export { SLA_CALENDAR, ALWAYS_OPEN_CALENDAR } from './calendar/defaults';
export { formatUtcMinute } from './calendar/format';
export { formatTimeForPeople, toWholeMinute, type MinuteRounding } from './calendar/readable-time';
export { describeSupportHours } from './calendar/support-hours';

export interface BusinessCalendar {
  readonly spec: CalendarSpec;
  isOpen(t: Date): boolean;
  /** t itself if open. */
  nextOpen(t: Date): Date;
  /** End of the open period containing or following t. Throws 'never_closes' for a calendar open 24/7. */
  nextClose(t: Date): Date;
  /** Earliest t with exactly N business minutes in [start, t); may equal a close. N is rounded to the ms. */
  deadline(start: Date, businessMinutes: number): Date;
  /** Business minutes in [a, b), fractional; 0 if b <= a. */
  elapsed(a: Date, b: Date): number;
  explain(start: Date, businessMinutes: number): DeadlineExplanation;
  /**
   * The time as a person reads it, in the calendar's zone: 'Wed 2026-12-02 06:00 EST', 'Sun 2026-11-01 01:30 EDT'.
   * To the minute, rounded up unless told otherwise (calendar/readable-time.ts says why).
   */
  formatLocal(t: Date, rounding?: MinuteRounding): string;
  /** The zone as people name it for recurring hours: 'EST', 'IST', 'CET/CEST', 'Sao Paulo time'. */
  zoneName(): string;
  /**
   * A local wall time 'YYYY-MM-DDTHH:MM[:SS[.sss]]' (no offset) read in the calendar's zone, with the gap/overlap
   * rules of the calendar; for CLI and preview input.
   */
  fromLocal(wallTime: string): Date;
}

class Calendar implements BusinessCalendar {
  private readonly openTime: OpenTime;

  constructor(readonly spec: CalendarSpec) {
    this.openTime = new OpenTime(spec);
  }

  isOpen(t: Date): boolean {
    return this.openTime.isOpen(instant(t, 't'));
  }

  nextOpen(t: Date): Date {
    return new Date(this.openTime.nextOpen(instant(t, 't')));
  }

  nextClose(t: Date): Date {
    return new Date(this.openTime.nextClose(instant(t, 't')));
  }

  deadline(start: Date, businessMinutes: number): Date {
    return new Date(this.openTime.deadline(instant(start, 'start'), minutesToMs(businessMinutes)));
  }

  elapsed(a: Date, b: Date): number {
    return this.openTime.elapsed(instant(a, 'a'), instant(b, 'b')) / 60_000;
  }

  explain(start: Date, businessMinutes: number): DeadlineExplanation {
    return explainDeadline(this.openTime, instant(start, 'start'), businessMinutes);
  }

  formatLocal(t: Date, rounding: MinuteRounding = 'up'): string {
    return formatTimeForPeople(this.openTime.zone, instant(t, 't'), rounding);
  }

  zoneName(): string {
    return zoneNameForHours(this.openTime.zone);
  }

  fromLocal(wallTime: string): Date {
    return new Date(parseLocalDateTime(this.openTime, wallTime));
  }
}

function instant(t: Date, name: string): number {
  const ms = t instanceof Date ? t.getTime() : Number.NaN;
  assertInstant(ms, name);
  return ms;
}

const MAX_MEMOIZED_CALENDARS = 256;
/** Keyed by the spec's JSON: equal data gives the same (pure) calendar, so the memo cannot affect results. */
const calendarMemo = new Map<string, BusinessCalendar>();

/** Validates the spec (throws CalendarError naming the field) and returns a calendar; memoized by content. */
export function createCalendar(spec: CalendarSpec): BusinessCalendar {
  const key = JSON.stringify(spec);
  const memoized = calendarMemo.get(key);
  if (memoized) return memoized;
  const calendar = new Calendar(parseCalendar(spec));
  if (calendarMemo.size >= MAX_MEMOIZED_CALENDARS) calendarMemo.clear();
  calendarMemo.set(key, calendar);
  return calendar;
}
