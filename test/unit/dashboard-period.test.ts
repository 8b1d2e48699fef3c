import { describe, expect, it } from 'vitest';
import { dashboardPeriod } from '../../api/console/dashboard-period';
import { ALWAYS_OPEN_CALENDAR, createCalendar } from '../../domain/calendar';

/** The console dashboard's period: dates are days in the calendar's zone; without bounds, the last seven days. */
const kolkata = createCalendar({ ...ALWAYS_OPEN_CALENDAR, timezone: 'Asia/Kolkata' });
const now = new Date('2026-12-07T20:18:12.237Z'); // already Tuesday 01:48 in Kolkata

describe('dashboardPeriod', () => {
  it('defaults to the last seven days by date in the zone, today included', () => {
    expect(dashboardPeriod(kolkata, now, { from: undefined, to: undefined })).toEqual({
      input: { from: '2026-12-02', to: '2026-12-08' },
      from: new Date('2026-12-01T18:30:00Z'),
      to: new Date('2026-12-08T18:30:00Z'),
    });
  });

  it("reads a date as that day's midnight in the zone, a date as 'to' including its day, an instant as itself", () => {
    expect(dashboardPeriod(kolkata, now, { from: '2026-11-01', to: '2026-11-30T12:00:00Z' })).toMatchObject({
      from: new Date('2026-10-31T18:30:00Z'),
      to: new Date('2026-11-30T12:00:00Z'),
    });
    expect(dashboardPeriod(kolkata, now, { from: '2026-11-01', to: '2026-11-30' }).to).toEqual(
      new Date('2026-11-30T18:30:00Z'),
    );
  });

  it('refuses what is neither', () => {
    expect(dashboardPeriod(kolkata, now, { from: '2026-02-30', to: 'tomorrow' })).toMatchObject({
      from: null,
      to: null,
    });
  });
});
