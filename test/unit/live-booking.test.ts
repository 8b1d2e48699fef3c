import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, SLA_CALENDAR, createCalendar } from '../../domain/calendar';
import { bookingRefusal, receive } from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/** A live session must lie wholly inside open time: on the SLA's shifts, and on a calendar that never closes. */

const booking = (startsAt: string, durationMinutes: number) => ({
  startsAt,
  durationMinutes,
  link: 'https://meet.example/abc',
  agent: 'sam',
});

describe('booking a live session', () => {
  // Monday 2027-03-01 04:00Z (Sunday 23:00 EST), inside the Sunday night shift that closes at 11:00Z.
  const now = new Date('2027-03-01T04:00:00Z');

  it('refuses a session running past the close of support, and takes one that ends at it', () => {
    const cal = createCalendar(SLA_CALENDAR);
    const { state } = receive(intakeFor({ receivedAt: now, calendar: SLA_CALENDAR }), cal);
    expect(bookingRefusal(state, booking('2027-03-01T10:30:00Z', 60), now, cal)).toBe(
      'a 60-minute session from Mon 2027-03-01 05:30 EST would run past the close of support at Mon 2027-03-01 06:00 EST',
    );
    expect(bookingRefusal(state, booking('2027-03-01T10:30:00Z', 30), now, cal)).toBeNull();
  });

  it('takes any future slot on a calendar open around the clock, where there is no close to run past', () => {
    const cal = createCalendar(ALWAYS_OPEN_CALENDAR);
    const { state } = receive(intakeFor({ receivedAt: now, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    expect(bookingRefusal(state, booking('2027-03-06T23:45:00Z', 90), now, cal)).toBeNull();
    expect(bookingRefusal(state, booking('2027-03-01T03:00:00Z', 30), now, cal)).toBe(
      'the session must start in the future',
    );
  });
});
