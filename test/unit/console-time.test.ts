import { describe, expect, it } from 'vitest';
import { ticketsPerShift } from '../../api/console/dashboard';
import { currentWindow, formatMs, openWindows, remainingMs } from '../../api/console/time';
import { ALWAYS_OPEN_CALENDAR, createCalendar, SLA_CALENDAR } from '../../domain/calendar';

/** The console's business-time helpers over the SLA's overnight shifts (Sun–Thu 22:00–06:00 UTC-5). */

const cal = createCalendar(SLA_CALENDAR);
const at = (iso: string) => new Date(iso);

describe('openWindows', () => {
  it('lists the shifts between two instants, clipped to them', () => {
    // Thu 2026-12-03 12:00 EST → Tue 2026-12-08 12:00 EST: Thu night, then Sun and Mon nights.
    const wins = openWindows(cal, at('2026-12-03T17:00:00Z'), at('2026-12-08T17:00:00Z'));
    expect(wins.map((w) => [cal.formatLocal(w.from), cal.formatLocal(w.to)])).toEqual([
      ['Thu 2026-12-03 22:00 EST', 'Fri 2026-12-04 06:00 EST'],
      ['Sun 2026-12-06 22:00 EST', 'Mon 2026-12-07 06:00 EST'],
      ['Mon 2026-12-07 22:00 EST', 'Tue 2026-12-08 06:00 EST'],
    ]);
    const clipped = openWindows(cal, at('2026-12-04T05:00:00Z'), at('2026-12-04T06:00:00Z'));
    expect(clipped).toEqual([{ from: at('2026-12-04T05:00:00Z'), to: at('2026-12-04T06:00:00Z') }]);
  });

  it('is one window for a calendar that never closes', () => {
    const c = createCalendar(ALWAYS_OPEN_CALENDAR);
    expect(openWindows(c, at('2026-12-01T00:00:00Z'), at('2026-12-09T00:00:00Z'))).toHaveLength(1);
    expect(currentWindow(c, at('2026-12-01T00:00:00Z')).until).toBeNull();
  });
});

describe('remaining business time', () => {
  it('does not count the closed hours, and is negative once overdue', () => {
    // Fri 2026-12-04 12:00 EST to Sun 22:30 EST: only the half hour after Sunday's opening counts.
    expect(remainingMs(cal, 'business', at('2026-12-07T03:30:00Z'), at('2026-12-04T17:00:00Z'))).toBe(30 * 60_000);
    expect(remainingMs(cal, 'business', at('2026-12-04T17:00:00Z'), at('2026-12-07T03:30:00Z'))).toBe(-30 * 60_000);
    expect(remainingMs(cal, '24x7', at('2026-12-04T18:00:00Z'), at('2026-12-04T17:00:00Z'))).toBe(3_600_000);
    expect(formatMs(-(3 * 3600 + 5 * 60 + 9) * 1000)).toBe('3h 05m 09s');
  });
});

describe('ticketsPerShift', () => {
  it('counts a ticket received while closed toward the next shift, and lists empty shifts of the period', () => {
    const from = at('2026-12-06T05:00:00Z'); // Sun 00:00 EST
    const to = at('2026-12-09T05:00:00Z'); // Wed 00:00 EST
    const received = [
      at('2026-12-06T15:00:00Z'), // Sun 10:00, closed → Sun night
      at('2026-12-07T04:00:00Z'), // Sun 23:00, open → Sun night
      at('2026-12-07T12:00:00Z'), // Mon 07:00, closed → Mon night
    ];
    const shifts = ticketsPerShift(cal, received, from, to);
    expect(shifts.map((s) => [s.label, s.received])).toEqual([
      ['Sun 2026-12-06 22:00 EST', 2],
      ['Mon 2026-12-07 22:00 EST', 1],
      ['Tue 2026-12-08 22:00 EST', 0],
    ]);
  });

  it('includes the shift already open when the period starts, under its real opening', () => {
    const shifts = ticketsPerShift(
      cal,
      [at('2026-12-07T08:00:00Z')],
      at('2026-12-07T07:00:00Z'),
      at('2026-12-07T10:00:00Z'),
    );
    expect(shifts.map((s) => [s.label, s.received])).toEqual([['Sun 2026-12-06 22:00 EST', 1]]);
  });
});
