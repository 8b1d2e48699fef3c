import { describe, expect, it } from 'vitest';
import type { CalendarSpec, CalendarWindow } from '../../domain/calendar';
import { ALWAYS_OPEN_CALENDAR, SLA_CALENDAR, createCalendar } from '../../domain/calendar';
import { CalendarError, DomainError } from '../../domain/errors';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();
const sla = (holidays: string[] = []) => createCalendar({ ...SLA_CALENDAR, holidays });
const calendar = (windows: CalendarWindow[], timezone = 'UTC', holidays: string[] = []) =>
  createCalendar({ timezone, windows, holidays });

describe('the SLA calendar (Sun–Thu 22:00–06:00, UTC-5)', () => {
  it.each([
    // Thanksgiving closes the Thursday shift: Sun, Mon, Tue shifts → Wed 06:00 EST.
    ['Thu 07:00 on a holiday Thursday', '2026-11-26T12:00:00Z', 1440, ['2026-11-26'], '2026-12-02T11:00:00.000Z'],
    // An ordinary Thursday: its own 22:00 shift counts, then Sun and Mon → Tue 06:00 EST.
    ['Thu 07:00 on an ordinary Thursday', '2026-11-19T12:00:00Z', 1440, [], '2026-11-24T11:00:00.000Z'],
    ['received inside a shift (Mon 23:00)', '2026-11-24T04:00:00Z', 1440, [], '2026-11-27T04:00:00.000Z'],
    ['received at a close (Tue 06:00)', '2026-11-24T11:00:00Z', 60, [], '2026-11-25T04:00:00.000Z'],
    ['received at an open (Sun 22:00)', '2026-11-23T03:00:00Z', 60, [], '2026-11-23T04:00:00.000Z'],
    ['a deadline may be exactly a close', '2026-11-23T03:00:00Z', 480, [], '2026-11-23T11:00:00.000Z'],
    ['one minute more moves to the next shift', '2026-11-23T03:00:00Z', 481, [], '2026-11-24T03:01:00.000Z'],
    ['zero minutes is the start itself', '2026-11-21T15:16:17.189Z', 0, [], '2026-11-21T15:16:17.189Z'],
    ['Friday to Saturday: no shift opens, weekend skipped', '2026-11-27T12:00:00Z', 30, [], '2026-11-30T03:30:00.000Z'],
    [
      "urgent resolution 8h from Wed 05:00 (1h left in Tuesday's shift)",
      '2026-11-25T10:00:00Z',
      480,
      [],
      '2026-11-26T10:00:00.000Z',
    ],
  ])('%s', (_name, start, minutes, holidays, expected) => {
    expect(iso(sla(holidays).deadline(at(start), minutes))).toBe(expected);
  });

  it('is open overnight, across local midnight, and closed on Friday and Saturday nights', () => {
    const cal = sla();
    expect(cal.isOpen(at('2026-11-23T03:00:00Z'))).toBe(true); // Sun 22:00 (open is inclusive)
    expect(cal.isOpen(at('2026-11-23T05:00:00Z'))).toBe(true); // Mon 00:00
    expect(cal.isOpen(at('2026-11-23T10:59:59.999Z'))).toBe(true); // Mon 05:59:59.999
    expect(cal.isOpen(at('2026-11-23T11:00:00Z'))).toBe(false); // Mon 06:00 (close is exclusive)
    expect(cal.isOpen(at('2026-11-28T05:00:00Z'))).toBe(false); // Sat 00:00
    expect(cal.isOpen(at('2026-11-29T04:00:00Z'))).toBe(false); // Sat 23:00
  });

  it('nextOpen and nextClose', () => {
    const cal = sla();
    expect(iso(cal.nextOpen(at('2026-11-27T12:00:00Z')))).toBe('2026-11-30T03:00:00.000Z');
    expect(iso(cal.nextOpen(at('2026-11-23T04:00:00.5Z')))).toBe('2026-11-23T04:00:00.500Z');
    expect(iso(cal.nextClose(at('2026-11-23T04:00:00Z')))).toBe('2026-11-23T11:00:00.000Z');
    expect(iso(cal.nextClose(at('2026-11-23T11:00:00Z')))).toBe('2026-11-24T11:00:00.000Z');
  });

  it('counts business minutes in [a, b), fractional with seconds, 0 when b <= a', () => {
    const cal = sla();
    expect(cal.elapsed(at('2026-11-22T12:00:00Z'), at('2026-11-29T12:00:00Z'))).toBe(5 * 480);
    expect(cal.elapsed(at('2026-11-23T03:00:00Z'), at('2026-11-23T03:00:30Z'))).toBe(0.5);
    expect(cal.elapsed(at('2026-11-23T03:00:00Z'), at('2026-11-23T03:00:00.001Z'))).toBeCloseTo(1 / 60_000, 15);
    expect(cal.elapsed(at('2026-11-23T05:00:00Z'), at('2026-11-23T04:00:00Z'))).toBe(0);
  });

  it('keeps milliseconds exact', () => {
    const cal = sla();
    expect(iso(cal.deadline(at('2026-11-23T03:00:30.250Z'), 1))).toBe('2026-11-23T03:01:30.250Z');
    expect(iso(cal.deadline(at('2026-11-23T10:59:59.999Z'), 0.0005))).toBe('2026-11-24T03:00:00.029Z');
    expect(iso(cal.deadline(at('2026-11-23T03:00:00Z'), 1.5))).toBe('2026-11-23T03:01:30.000Z');
  });

  it('a holiday closes the shift that opens on that date, not the one that opened the evening before', () => {
    const monday = sla(['2026-11-30']);
    expect(monday.isOpen(at('2026-11-30T05:00:00Z'))).toBe(true); // Mon 00:00, in Sunday's shift
    expect(monday.isOpen(at('2026-12-01T04:00:00Z'))).toBe(false); // Mon 23:00, Monday's shift closed
    const sunday = sla(['2026-11-29']);
    expect(sunday.isOpen(at('2026-11-30T05:00:00Z'))).toBe(false);
    expect(sunday.elapsed(at('2026-11-29T00:00:00Z'), at('2026-12-06T00:00:00Z'))).toBe(4 * 480);
  });

  it('formats local times for people: to the minute (due times rounded up), the zone by its name', () => {
    expect(sla().formatLocal(at('2026-12-02T11:00:00Z'))).toBe('Wed 2026-12-02 06:00 EST');
    expect(sla().formatLocal(at('2026-12-02T11:00:07.5Z'))).toBe('Wed 2026-12-02 06:01 EST');
    expect(sla().formatLocal(at('2026-12-02T11:00:07.5Z'), 'down')).toBe('Wed 2026-12-02 06:00 EST');
    const ny = calendar([{ day: 'sunday', open: '00:00', close: '00:00' }], 'America/New_York');
    // The repeated hour of the fall-back: the same wall time, told apart by the zone's name.
    expect(ny.formatLocal(at('2026-11-01T05:30:00Z'))).toBe('Sun 2026-11-01 01:30 EDT');
    expect(ny.formatLocal(at('2026-11-01T06:30:00Z'))).toBe('Sun 2026-11-01 01:30 EST');
    expect(
      calendar([{ day: 'monday', open: '09:00', close: '17:00' }], 'UTC+05:45').formatLocal(at('2026-01-01T00:00:00Z')),
    ).toBe('Thu 2026-01-01 05:45 5 h 45 min ahead of UTC');
  });

  it('explains a deadline window by window, holidays included', () => {
    const explanation = sla(['2026-11-26']).explain(at('2026-11-26T12:00:00Z'), 1440);
    expect(explanation.deadline).toBe('2026-12-02T11:00:00.000Z');
    expect(explanation.deadlineLocal).toBe('Wed 2026-12-02 06:00 UTC-5');
    expect(explanation.startIsOpen).toBe(false);
    expect(explanation.periods.map((p) => [p.fromLocal, p.toLocal, p.minutes, p.totalMinutes])).toEqual([
      ['Sun 2026-11-29 22:00 UTC-5', 'Mon 2026-11-30 06:00 UTC-5', 480, 480],
      ['Mon 2026-11-30 22:00 UTC-5', 'Tue 2026-12-01 06:00 UTC-5', 480, 960],
      ['Tue 2026-12-01 22:00 UTC-5', 'Wed 2026-12-02 06:00 UTC-5', 480, 1440],
    ]);
    expect(explanation.skippedHolidays).toEqual([{ date: '2026-11-26', windows: ['22:00–06:00'] }]);
    expect(explanation.lines).toEqual([
      'Time zone: UTC-5',
      'Start:     Thu 2026-11-26 07:00 (closed; next open Sun 2026-11-29 22:00)',
      'Needs:     1440 min (24h) of business time',
      '  -  holiday Thu 2026-11-26: 22:00–06:00 closed',
      '  1. Sun 2026-11-29 22:00 → Mon 2026-11-30 06:00   480 min   total 480',
      '  2. Mon 2026-11-30 22:00 → Tue 2026-12-01 06:00   480 min   total 960',
      '  3. Tue 2026-12-01 22:00 → Wed 2026-12-02 06:00   480 min   total 1440',
      'Deadline:  Wed 2026-12-02 06:00 UTC-5 = 2026-12-02T11:00:00.000Z (at the close)',
    ]);
  });

  it('explains a start inside a shift and a deadline inside one', () => {
    const explanation = sla().explain(at('2026-11-24T04:00:00Z'), 500);
    expect(explanation.startIsOpen).toBe(true);
    expect(explanation.periods.map((p) => p.minutes)).toEqual([420, 80]);
    expect(explanation.lines.at(-1)).toBe('Deadline:  Tue 2026-11-24 23:20 UTC-5 = 2026-11-25T04:20:00.000Z');
  });
});

describe('window shapes', () => {
  it('00:00–00:00 is a whole day', () => {
    const cal = calendar([{ day: 'monday', open: '00:00', close: '00:00' }]);
    expect(cal.elapsed(at('2026-11-23T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(1440);
    expect(iso(cal.nextClose(at('2026-11-22T12:00:00Z')))).toBe('2026-11-24T00:00:00.000Z');
  });

  it('a close of 24:00 ends at the next midnight', () => {
    const cal = calendar([{ day: 'monday', open: '20:00', close: '24:00' }]);
    expect(cal.elapsed(at('2026-11-23T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(240);
  });

  it('a close before the open ends on the next day', () => {
    const cal = calendar([{ day: 'saturday', open: '23:00', close: '01:00' }]);
    expect(iso(cal.deadline(at('2026-11-28T00:00:00Z'), 120))).toBe('2026-11-29T01:00:00.000Z');
  });

  it('touching windows make one period, overlapping windows count once', () => {
    const touching = calendar([
      { day: 'monday', open: '08:00', close: '12:00' },
      { day: 'monday', open: '12:00', close: '17:00' },
    ]);
    expect(iso(touching.nextClose(at('2026-11-23T09:00:00Z')))).toBe('2026-11-23T17:00:00.000Z');
    expect(touching.explain(at('2026-11-23T07:00:00Z'), 540).periods).toHaveLength(1);
    const overlapping = calendar([
      { day: 'monday', open: '08:00', close: '12:00' },
      { day: 'monday', open: '10:00', close: '14:00' },
      { day: 'monday', open: '09:00', close: '11:00' },
    ]);
    expect(overlapping.elapsed(at('2026-11-23T00:00:00Z'), at('2026-11-24T00:00:00Z'))).toBe(360);
    expect(iso(overlapping.deadline(at('2026-11-23T00:00:00Z'), 360))).toBe('2026-11-23T14:00:00.000Z');
  });

  it('an overnight window joins a morning window that starts at its close', () => {
    const cal = calendar([
      { day: 'sunday', open: '22:00', close: '06:00' },
      { day: 'monday', open: '06:00', close: '08:00' },
    ]);
    expect(iso(cal.nextClose(at('2026-11-22T23:00:00Z')))).toBe('2026-11-23T08:00:00.000Z');
  });

  it('a 24/7 calendar counts wall time and never closes', () => {
    const cal = createCalendar(ALWAYS_OPEN_CALENDAR);
    expect(iso(cal.deadline(at('2026-11-23T09:17:03.004Z'), 10_000))).toBe('2026-11-30T07:57:03.004Z');
    expect(cal.elapsed(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(365 * 1440);
    expect(() => cal.nextClose(at('2026-01-01T00:00:00Z'))).toThrow(expect.objectContaining({ code: 'never_closes' }));
  });

  it('windows spanning a bucket boundary (weeks are cached per UTC week) stay whole', () => {
    // 1970-01-01 was a Thursday, so UTC weeks start on Thursdays at 00:00 UTC.
    const cal = calendar([{ day: 'wednesday', open: '20:00', close: '04:00' }]);
    expect(iso(cal.nextClose(at('2026-11-25T21:00:00Z')))).toBe('2026-11-26T04:00:00.000Z');
    expect(iso(cal.deadline(at('2026-11-25T21:00:00Z'), 300))).toBe('2026-11-26T02:00:00.000Z');
    expect(cal.explain(at('2026-11-25T00:00:00Z'), 480).periods).toHaveLength(1);
  });
});

describe('daylight saving time (real elapsed time inside windows)', () => {
  const overnight = (timezone: string, day: CalendarWindow['day']) =>
    calendar([{ day, open: '22:00', close: '06:00' }], timezone);
  const windowLength = (spec: ReturnType<typeof calendar>, from: string) =>
    spec.elapsed(at(from), new Date(at(from).getTime() + 3 * 86_400_000));

  it.each([
    ['America/New_York spring forward: 7h', 'America/New_York', 'saturday', '2026-03-07T12:00:00Z', 420],
    ['America/New_York fall back: 9h', 'America/New_York', 'saturday', '2026-10-31T12:00:00Z', 540],
    ['Europe/London spring forward', 'Europe/London', 'saturday', '2026-03-28T12:00:00Z', 420],
    ['Europe/London fall back', 'Europe/London', 'saturday', '2026-10-24T12:00:00Z', 540],
    ['Australia/Lord_Howe spring forward 30 min', 'Australia/Lord_Howe', 'saturday', '2026-10-02T12:00:00Z', 450],
    ['Australia/Lord_Howe fall back 30 min', 'Australia/Lord_Howe', 'saturday', '2026-04-03T12:00:00Z', 510],
    ['UTC-5 has no DST', 'UTC-5', 'saturday', '2026-03-07T12:00:00Z', 480],
  ] as const)('%s', (_name, zone, day, from, minutes) => {
    expect(windowLength(overnight(zone, day), from)).toBe(minutes);
  });

  it('a window opening in the spring-forward gap opens later by the gap', () => {
    const cal = calendar([{ day: 'sunday', open: '02:30', close: '05:00' }], 'America/New_York');
    expect(iso(cal.nextOpen(at('2026-03-08T00:00:00Z')))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(cal.elapsed(at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toBe(90);
    expect(cal.formatLocal(cal.nextOpen(at('2026-03-08T00:00:00Z')))).toBe('Sun 2026-03-08 03:30 EDT');
  });

  it('a window entirely inside the gap moves with it; one that would end before its moved open is empty', () => {
    const moved = calendar([{ day: 'sunday', open: '02:00', close: '02:30' }], 'America/New_York');
    expect(iso(moved.nextOpen(at('2026-03-08T00:00:00Z')))).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    expect(moved.elapsed(at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toBe(30);
    const empty = calendar([{ day: 'sunday', open: '02:30', close: '03:00' }], 'America/New_York');
    expect(empty.elapsed(at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toBe(0);
    expect(iso(empty.nextOpen(at('2026-03-08T00:00:00Z')))).toBe('2026-03-15T06:30:00.000Z');
  });

  it('ambiguous fall-back times take the earlier instant', () => {
    const cal = calendar([{ day: 'sunday', open: '01:30', close: '02:00' }], 'America/New_York');
    expect(iso(cal.nextOpen(at('2026-11-01T00:00:00Z')))).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(cal.elapsed(at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'))).toBe(90); // until 02:00 EST
    const early = calendar([{ day: 'sunday', open: '01:00', close: '01:30' }], 'America/New_York');
    expect(early.elapsed(at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'))).toBe(30);
    expect(iso(early.nextClose(at('2026-11-01T00:00:00Z')))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('explains DST periods with the offset in force', () => {
    const lines = overnight('America/New_York', 'saturday').explain(at('2026-03-07T12:00:00Z'), 420).lines;
    expect(lines).toContain('  1. Sat 2026-03-07 22:00 UTC-5 → Sun 2026-03-08 06:00 UTC-4   420 min   total 420');
  });
});

describe('parseCalendar / createCalendar validation', () => {
  const valid: CalendarSpec = {
    timezone: 'UTC-5',
    windows: [{ day: 'monday', open: '09:00', close: '17:00' }],
    holidays: [],
  };
  const fieldOf = (input: unknown): string | undefined => {
    try {
      createCalendar(input as CalendarSpec);
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarError);
      return (error as CalendarError).field ?? '(none)';
    }
    return undefined;
  };

  it.each([
    ['unknown zone', 'timezone', { ...valid, timezone: 'Mars/Olympus_Mons' }],
    ['offset beyond 14h', 'timezone', { ...valid, timezone: 'UTC+15' }],
    ['malformed offset', 'timezone', { ...valid, timezone: 'UTC+5:3' }],
    ['empty zone', 'timezone', { ...valid, timezone: '' }],
    ['24:30', 'windows[0].close', { ...valid, windows: [{ day: 'monday', open: '09:00', close: '24:30' }] }],
    ['24:00 as an open', 'windows[0].open', { ...valid, windows: [{ day: 'monday', open: '24:00', close: '01:00' }] }],
    [
      '9:00 without a leading zero',
      'windows[0].open',
      { ...valid, windows: [{ day: 'monday', open: '9:00', close: '17:00' }] },
    ],
    [
      'unknown day',
      'windows[1].day',
      { ...valid, windows: [valid.windows[0], { day: 'funday', open: '09:00', close: '17:00' }] },
    ],
    ['no windows: no open time', 'windows', { ...valid, windows: [] }],
    ['windows not an array', 'windows', { ...valid, windows: 'always' }],
    ['window not an object', 'windows[0]', { ...valid, windows: [null] }],
    [
      'unknown window field',
      'windows[0].note',
      { ...valid, windows: [{ day: 'monday', open: '09:00', close: '17:00', note: 1 }] },
    ],
    ['impossible holiday', 'holidays[1]', { ...valid, holidays: ['2026-01-01', '2026-02-30'] }],
    ['holiday in another format', 'holidays[0]', { ...valid, holidays: ['12/25/2026'] }],
    ['unknown top-level field', 'zone', { ...valid, zone: 'UTC' }],
    ['not an object', '(none)', 'UTC-5 9-5'],
  ])('%s → field %s', (_name, field, input) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('accepts every zone form and normalises days and holidays', () => {
    for (const timezone of [
      'UTC',
      'UTC-5',
      'UTC+6',
      'UTC+05:45',
      'UTC-09:30',
      'America/New_York',
      'Australia/Lord_Howe',
    ]) {
      expect(fieldOf({ ...valid, timezone })).toBeUndefined();
    }
    const cal = createCalendar({
      ...valid,
      windows: [{ day: 'Monday' as 'monday', open: '09:00', close: '17:00' }],
      holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
    });
    expect(cal.spec.windows[0]?.day).toBe('monday');
    expect(cal.spec.holidays).toEqual(['2026-01-01', '2026-12-25']);
  });

  it('refuses to search forever when holidays cover every window', () => {
    const mondays: string[] = [];
    for (let day = Date.UTC(2026, 0, 5); day < Date.UTC(2040, 0, 1); day += 7 * 86_400_000) {
      mondays.push(new Date(day).toISOString().slice(0, 10));
    }
    const cal = createCalendar({ ...valid, holidays: mondays });
    const started = performance.now();
    expect(() => cal.deadline(at('2026-01-01T00:00:00Z'), 60)).toThrow(
      expect.objectContaining({ code: 'no_open_time' }),
    );
    expect(() => cal.nextOpen(at('2026-01-01T00:00:00Z'))).toThrow(/no open time in the 10 years after/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // Long before the holidays run out, but past them it opens again.
    expect(iso(cal.deadline(at('2039-12-01T00:00:00Z'), 60))).toBe('2040-01-02T15:00:00.000Z');
  });

  it('rejects invalid instants and minutes with typed errors', () => {
    const cal = createCalendar(valid);
    expect(() => cal.deadline(new Date(Number.NaN), 1)).toThrow(DomainError);
    expect(() => cal.deadline(at('2026-01-01T00:00:00Z'), -1)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => cal.deadline(at('2026-01-01T00:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(DomainError);
    expect(() => cal.isOpen(at('1800-01-01T00:00:00Z'))).toThrow(expect.objectContaining({ code: 'out_of_range' }));
  });

  it('memoizes calendars by content', () => {
    expect(createCalendar({ ...valid })).toBe(createCalendar({ ...valid }));
  });

  it('reads local wall times in the calendar zone', () => {
    const ny = createCalendar({ ...valid, timezone: 'America/New_York' });
    expect(iso(ny.fromLocal('2026-03-08T02:30'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(ny.fromLocal('2026-11-01T01:30:15.5'))).toBe('2026-11-01T05:30:15.500Z');
    expect(() => ny.fromLocal('2026-11-01 01:30')).toThrow(DomainError);
  });
});
