import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, SLA_CALENDAR, describeSupportHours } from '../../domain/calendar';
import { clockTime } from '../../domain/calendar/support-hours';
import { renderMail } from '../../activities/mail-templates';

describe('describeSupportHours (domain/calendar/support-hours.ts)', () => {
  it('reads the SLA calendar as the SLA writes it', () => {
    expect(describeSupportHours(SLA_CALENDAR)).toBe('Sunday to Thursday, 10 PM to 6 AM (EST)');
    expect(describeSupportHours({ ...SLA_CALENDAR, holidays: ['2026-11-26'] })).toBe(
      'Sunday to Thursday, 10 PM to 6 AM (EST), excluding public holidays',
    );
  });

  it('says around the clock for a 24/7 calendar', () => {
    expect(describeSupportHours(ALWAYS_OPEN_CALENDAR)).toBe('every day, around the clock (UTC)');
  });

  it('names days with the same hours together and groups of different hours apart', () => {
    const windows = [
      ...(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
        day,
        open: '09:00',
        close: '17:30',
      })),
      { day: 'saturday' as const, open: '10:00', close: '14:00' },
    ];
    expect(describeSupportHours({ timezone: 'America/New_York', windows, holidays: [] })).toBe(
      'Monday to Friday, 9 AM to 5:30 PM; Saturday, 10 AM to 2 PM (EST/EDT)',
    );
  });

  it('runs over the end of the week, and lists runs apart when they are not consecutive', () => {
    const at = (days: string[]) => days.map((day) => ({ day: day as 'monday', open: '08:00', close: '12:00' }));
    expect(
      describeSupportHours({
        timezone: 'UTC+01:00',
        windows: at(['friday', 'saturday', 'sunday', 'monday']),
        holidays: [],
      }),
    ).toBe('Friday to Monday, 8 AM to 12 PM (CET)');
    expect(
      describeSupportHours({
        timezone: 'UTC',
        windows: at(['monday', 'wednesday', 'saturday', 'sunday']),
        holidays: [],
      }),
    ).toBe('Wednesday and Saturday to Monday, 8 AM to 12 PM (UTC)');
  });

  it('writes clock times as people say them', () => {
    expect(['00:00', '06:00', '12:00', '12:15', '22:00'].map(clockTime)).toEqual([
      '12 AM',
      '6 AM',
      '12 PM',
      '12:15 PM',
      '10 PM',
    ]);
  });

  it('is what the acknowledgement tells the customer, instead of a fixed text', () => {
    const facts = { ticketId: 'T1', subject: 'Login', ticketUrl: 'http://x/t', dueLocal: 'Tue', dueUtc: 'Tue UTC' };
    const mail = renderMail('acknowledgement', { ...facts, supportHours: describeSupportHours(ALWAYS_OPEN_CALENDAR) });
    expect(mail.text).toContain('Support hours are every day, around the clock (UTC).');
    expect(mail.text).not.toContain('Sunday to Thursday');
  });
});
