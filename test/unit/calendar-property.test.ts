/**
 * Property tests against an independent brute-force oracle: it steps minute by minute and decides "open"
 * for each minute from the calendar data directly, converting local wall times with luxon's tz engine
 * (not the implementation's Intl code) under the design's gap/overlap rules.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { CalendarSpec, CalendarWindow, Weekday } from '../../domain/calendar';
import { WEEKDAYS, createCalendar } from '../../domain/calendar';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const DAY_NAMES: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

// ---- the oracle ----

class Oracle {
  private readonly conversions = new Map<string, number>();
  private readonly holidays: Set<string>;

  constructor(private readonly spec: CalendarSpec) {
    this.holidays = new Set(spec.holidays);
  }

  private offsetAt(ms: number): number {
    return DateTime.fromMillis(ms, { zone: this.spec.timezone }).offset * MINUTE;
  }

  /** Instant of local wall time (UTC date `day` + `minutes`): earliest match, or forward by the gap. */
  private wallTime(day: number, minutes: number): number {
    const key = `${day}:${minutes}`;
    const cached = this.conversions.get(key);
    if (cached !== undefined) return cached;
    const local = day * DAY + minutes * MINUTE;
    const candidates = new Set<number>();
    for (let k = -8; k <= 8; k++) candidates.add(this.offsetAt(local + k * 6 * HOUR));
    const matches = [...candidates].map((offset) => local - offset).filter((t) => this.offsetAt(t) === local - t);
    const instant = matches.length > 0 ? Math.min(...matches) : local - this.offsetAt(local - DAY);
    this.conversions.set(key, instant);
    return instant;
  }

  private toMinutes(text: string): number {
    const [hours, minutes] = text.split(':').map(Number) as [number, number];
    return hours * 60 + minutes;
  }

  /** Is the whole minute starting at `t` (a multiple of MINUTE) open? */
  isOpenMinute(t: number): boolean {
    const utcDay = Math.floor(t / DAY);
    for (let day = utcDay - 2; day <= utcDay + 1; day++) {
      const date = new Date(day * DAY);
      if (this.holidays.has(date.toISOString().slice(0, 10))) continue;
      const weekday = DAY_NAMES[date.getUTCDay()];
      for (const window of this.spec.windows) {
        if (window.day !== weekday) continue;
        const open = this.toMinutes(window.open);
        const close = this.toMinutes(window.close);
        const start = this.wallTime(day, open);
        const end = this.wallTime(day, close <= open ? close + 1440 : close);
        if (start <= t && t < end) return true;
      }
    }
    return false;
  }

  deadline(start: number, minutes: number, maxSteps = 200_000): number {
    let remaining = Math.round(minutes * MINUTE);
    if (remaining === 0) return start;
    let t = start;
    const firstBoundary = Math.ceil(start / MINUTE) * MINUTE;
    if (firstBoundary > start) {
      if (this.isOpenMinute(firstBoundary - MINUTE)) {
        if (firstBoundary - start >= remaining) return start + remaining;
        remaining -= firstBoundary - start;
      }
      t = firstBoundary;
    }
    for (let step = 0; step < maxSteps; step++, t += MINUTE) {
      if (!this.isOpenMinute(t)) continue;
      if (remaining <= MINUTE) return t + remaining;
      remaining -= MINUTE;
    }
    throw new Error('oracle gave up');
  }

  elapsedMs(a: number, b: number): number {
    let total = 0;
    if (b <= a) return 0;
    for (let t = Math.floor(a / MINUTE) * MINUTE; t < b; t += MINUTE) {
      if (this.isOpenMinute(t)) total += Math.min(t + MINUTE, b) - Math.max(t, a);
    }
    return total;
  }
}

// ---- generators ----

const ZONES = [
  'UTC',
  'UTC-5',
  'UTC+05:45',
  'UTC+14',
  'UTC-12',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
];

/** Offset transitions of a zone in 2024–2028, found with luxon, so starts cluster around DST changes. */
function transitions(zone: string): number[] {
  const found: number[] = [];
  let previous = DateTime.fromMillis(Date.UTC(2024, 0, 1), { zone }).offset;
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2029, 0, 1); t += 30 * MINUTE) {
    const offset = DateTime.fromMillis(t, { zone }).offset;
    if (offset !== previous) found.push(t);
    previous = offset;
  }
  return found.length > 0 ? found : [Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1)];
}
const TRANSITIONS = new Map(ZONES.map((zone) => [zone, transitions(zone)]));

// Times of day around DST changes (01:00–03:00) and midnight are over-represented.
const clockMinute = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.constantFrom(0, 30, 60, 90, 120, 150, 180, 1320, 1380, 1410),
);
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const windowArb: fc.Arbitrary<CalendarWindow> = fc
  .record({ day: fc.constantFrom(...WEEKDAYS), open: clockMinute, close: clockMinute, endOfDay: fc.boolean() })
  .map(({ day, open, close, endOfDay }) => ({
    day,
    open: hhmm(open),
    close: endOfDay && close === 0 ? '24:00' : hhmm(close),
  }));

interface Case {
  spec: CalendarSpec;
  start: number;
}

function caseArb(zones: string[]): fc.Arbitrary<Case> {
  const zoneAndMark = fc
    .constantFrom(...zones)
    .chain((timezone) => fc.constantFrom(...(TRANSITIONS.get(timezone) ?? [])).map((mark) => ({ timezone, mark })));
  return zoneAndMark.chain(({ timezone, mark }) => {
    // Windows on the transition's local weekday that open or close around its wall time hit gaps and overlaps.
    const local = DateTime.fromMillis(mark, { zone: timezone });
    const markDay = DAY_NAMES[local.weekday % 7] as Weekday;
    const markMinute = local.hour * 60 + local.minute;
    const nearMark = fc.integer({ min: -4, max: 4 }).map((k) => (((markMinute + k * 30) % 1440) + 1440) % 1440);
    const transitionWindow = fc
      .record({
        day: fc.constantFrom(markDay, DAY_NAMES[(local.weekday + 6) % 7] as Weekday),
        open: fc.oneof(nearMark, clockMinute),
        close: fc.oneof(nearMark, clockMinute),
      })
      .map(({ day, open, close }) => ({ day, open: hhmm(open), close: hhmm(close) }));
    const start = fc.tuple(fc.integer({ min: -6 * DAY, max: 3 * DAY }), fc.boolean()).map(([shift, wholeMinute]) => {
      const t = mark + shift;
      return wholeMinute ? Math.floor(t / MINUTE) * MINUTE : t;
    });
    return fc
      .record({
        windows: fc.array(fc.oneof(windowArb, transitionWindow), { minLength: 1, maxLength: 5 }),
        holidayShifts: fc.uniqueArray(fc.integer({ min: -7, max: 14 }), { maxLength: 6 }),
        start,
      })
      .map(({ windows, holidayShifts, start: t }) => ({
        start: t,
        spec: {
          timezone,
          windows,
          holidays: holidayShifts.map((shift) => new Date(t + shift * DAY).toISOString().slice(0, 10)),
        },
      }));
  });
}

/** Up to two weeks of the calendar's weekly open time, so the oracle's minute loop stays short. */
function minutesFor(spec: CalendarSpec, fraction: number, fractionalMs: number): number {
  const weekly = spec.windows.reduce((sum, w) => {
    const [oh, om] = w.open.split(':').map(Number) as [number, number];
    const [ch, cm] = w.close.split(':').map(Number) as [number, number];
    const open = oh * 60 + om;
    const close = ch * 60 + cm;
    return sum + (close <= open ? close + 1440 - open : close - open);
  }, 0);
  const whole = Math.floor(Math.min(weekly, 1440 * 7) * 2 * fraction);
  return whole + fractionalMs / MINUTE;
}

// 50 runs per property keeps the unit suite fast; PROPERTY_RUNS=500 is the thorough setting (passes, ~2 min).
const RUNS = Number(process.env.PROPERTY_RUNS ?? 50);

describe.each([
  ['fixed offsets', ZONES.slice(0, 5)],
  ['America/New_York', ['America/New_York']],
  ['Europe/London', ['Europe/London']],
  ['Australia/Lord_Howe', ['Australia/Lord_Howe']],
])('calendar vs the minute-stepping oracle: %s', (_name, zones) => {
  it('deadline agrees to the millisecond', () => {
    fc.assert(
      fc.property(
        caseArb(zones),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 59_999 }),
        (c, fraction, ms) => {
          const minutes = minutesFor(c.spec, fraction, ms % 3 === 0 ? 0 : ms);
          const expected = new Oracle(c.spec).deadline(c.start, minutes);
          expect(createCalendar(c.spec).deadline(new Date(c.start), minutes).getTime()).toBe(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('elapsed agrees to the millisecond', () => {
    fc.assert(
      fc.property(caseArb(zones), fc.integer({ min: -DAY, max: 7 * DAY }), (c, length) => {
        const end = c.start + length;
        const expected = new Oracle(c.spec).elapsedMs(c.start, end) / MINUTE;
        expect(createCalendar(c.spec).elapsed(new Date(c.start), new Date(end))).toBeCloseTo(expected, 9);
      }),
      { numRuns: RUNS },
    );
  });

  it('isOpen, nextOpen and nextClose agree with the oracle', () => {
    fc.assert(
      fc.property(caseArb(zones), (c) => {
        const oracle = new Oracle(c.spec);
        const cal = createCalendar(c.spec);
        const minute = Math.floor(c.start / MINUTE) * MINUTE;
        expect(cal.isOpen(new Date(c.start))).toBe(oracle.isOpenMinute(minute));
        let open = c.start;
        while (!oracle.isOpenMinute(Math.floor(open / MINUTE) * MINUTE))
          open = Math.floor(open / MINUTE) * MINUTE + MINUTE;
        expect(cal.nextOpen(new Date(c.start)).getTime()).toBe(open);
        let close = Math.floor(open / MINUTE) * MINUTE;
        while (oracle.isOpenMinute(close)) close += MINUTE;
        expect(cal.nextClose(new Date(c.start)).getTime()).toBe(close);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('deadline and elapsed are inverse', () => {
  const zones = ZONES;
  it('elapsed(start, deadline(start, N)) = N', () => {
    fc.assert(
      fc.property(caseArb(zones), fc.integer({ min: 0, max: 20_000 * MINUTE }), (c, ms) => {
        const cal = createCalendar(c.spec);
        const minutes = ms / MINUTE;
        const due = cal.deadline(new Date(c.start), minutes);
        expect(Math.round(cal.elapsed(new Date(c.start), due) * MINUTE)).toBe(ms);
        // Earliest: one millisecond less is not enough.
        if (ms > 0)
          expect(Math.round(cal.elapsed(new Date(c.start), new Date(due.getTime() - 1)) * MINUTE)).toBe(ms - 1);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('deadline(a, elapsed(a, b)) is the last open instant at or before b', () => {
    fc.assert(
      fc.property(caseArb(zones), fc.integer({ min: 0, max: 30 * DAY }), (c, length) => {
        const cal = createCalendar(c.spec);
        const a = new Date(c.start);
        const b = new Date(c.start + length);
        const used = cal.elapsed(a, b);
        const due = cal.deadline(a, used);
        expect(due.getTime()).toBeLessThanOrEqual(b.getTime());
        expect(cal.elapsed(due, b)).toBe(0);
        expect(Math.round(cal.elapsed(a, due) * MINUTE)).toBe(Math.round(used * MINUTE));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('splitting a deadline at any point gives the same instant', () => {
    fc.assert(
      fc.property(
        caseArb(zones),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        (c, first, second) => {
          const cal = createCalendar(c.spec);
          const middle = cal.deadline(new Date(c.start), first);
          expect(cal.deadline(middle, second).getTime()).toBe(
            cal.deadline(new Date(c.start), first + second).getTime(),
          );
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });
});
