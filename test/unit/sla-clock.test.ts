import { describe, expect, it } from 'vitest';
import { SLA_CALENDAR, createCalendar } from '../../domain/calendar';
import {
  dueAt,
  pauseClock,
  remainingMinutes,
  resumeClock,
  retarget,
  startClock,
  stopClock,
  usedMinutes,
  warningAt,
} from '../../domain/sla-clock';

const cal = createCalendar(SLA_CALENDAR); // Sun–Thu 22:00–06:00 UTC-5
const at = (iso: string) => new Date(iso);
// Local (UTC-5) Sunday 2026-11-22 22:00 is 2026-11-23T03:00Z.
const SUNDAY_OPEN = '2026-11-23T03:00:00.000Z';

describe('SLA clocks', () => {
  it('a business clock started while closed is due after the business minutes', () => {
    const clock = startClock('first_response', { minutes: 1440, clock: 'business' }, at('2026-11-19T12:00:00Z'));
    expect(clock).toEqual({
      metric: 'first_response',
      targetMinutes: 1440,
      clock: 'business',
      usedMinutes: 0,
      runningSince: '2026-11-19T12:00:00.000Z',
      stoppedAt: null,
    });
    expect(dueAt(clock, at('2026-11-19T12:00:00Z'), cal)?.toISOString()).toBe('2026-11-24T11:00:00.000Z');
    expect(warningAt(clock, 0.75, at('2026-11-19T12:00:00Z'), cal)?.toISOString()).toBe('2026-11-24T05:00:00.000Z');
  });

  it('pausing keeps the business minutes used; resuming continues from them', () => {
    let clock = startClock('resolution', { minutes: 480, clock: 'business' }, at(SUNDAY_OPEN));
    clock = pauseClock(clock, at('2026-11-23T05:00:00Z'), cal); // 2h used
    expect(clock.usedMinutes).toBe(120);
    expect(clock.runningSince).toBeNull();
    expect(dueAt(clock, at('2026-11-23T06:00:00Z'), cal)).toBeNull();
    expect(warningAt(clock, 0.75, at('2026-11-23T06:00:00Z'), cal)).toBeNull();
    expect(usedMinutes(clock, at('2026-11-25T00:00:00Z'), cal)).toBe(120);
    clock = resumeClock(clock, at('2026-11-24T03:00:00Z')); // Mon 22:00
    expect(dueAt(clock, at('2026-11-24T03:00:00Z'), cal)?.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(remainingMinutes(clock, at('2026-11-24T04:00:00Z'), cal)).toBe(300);
  });

  it('pause, resume and stop are idempotent; stop folds the running time', () => {
    const started = startClock('resolution', { minutes: 480, clock: 'business' }, at(SUNDAY_OPEN));
    expect(resumeClock(started, at('2026-11-23T04:00:00Z'))).toBe(started);
    const paused = pauseClock(started, at('2026-11-23T04:00:00Z'), cal);
    expect(pauseClock(paused, at('2026-11-23T05:00:00Z'), cal)).toBe(paused);
    const stopped = stopClock(resumeClock(paused, at('2026-11-23T05:00:00Z')), at('2026-11-23T05:30:00Z'), cal);
    expect(stopped).toMatchObject({ usedMinutes: 90, runningSince: null, stoppedAt: '2026-11-23T05:30:00.000Z' });
    expect(stopClock(stopped, at('2026-11-23T06:00:00Z'), cal)).toBe(stopped);
    expect(resumeClock(stopped, at('2026-11-23T06:00:00Z'))).toBe(stopped);
    expect(dueAt(stopped, at('2026-11-23T06:00:00Z'), cal)).toBeNull();
  });

  it('retarget keeps the used minutes (priority change mid-ticket)', () => {
    let clock = startClock('resolution', { minutes: 2400, clock: 'business' }, at(SUNDAY_OPEN));
    clock = retarget(clock, { minutes: 480, clock: 'business' }, at('2026-11-23T07:00:00Z'), cal); // 4h used
    expect(clock).toMatchObject({ targetMinutes: 480, usedMinutes: 240, runningSince: '2026-11-23T07:00:00.000Z' });
    expect(dueAt(clock, at('2026-11-23T07:00:00Z'), cal)?.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    // Retargeting below the used minutes: already breached, due at once.
    const tighter = retarget(clock, { minutes: 60, clock: 'business' }, at('2026-11-23T08:00:00Z'), cal);
    expect(dueAt(tighter, at('2026-11-23T08:00:00Z'), cal)?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(remainingMinutes(tighter, at('2026-11-23T08:00:00Z'), cal)).toBe(-240);
    // A paused clock stays paused.
    const paused = retarget(
      pauseClock(clock, at('2026-11-23T08:00:00Z'), cal),
      { minutes: 600, clock: 'business' },
      at('2026-11-23T09:00:00Z'),
      cal,
    );
    expect(paused).toMatchObject({ usedMinutes: 300, runningSince: null });
  });

  it('24x7 clocks count wall time', () => {
    const clock = startClock('resolution', { minutes: 90, clock: '24x7' }, at('2026-11-27T12:00:00.250Z'));
    expect(dueAt(clock, at('2026-11-27T12:00:00Z'), cal)?.toISOString()).toBe('2026-11-27T13:30:00.250Z');
    expect(usedMinutes(clock, at('2026-11-27T12:30:00.250Z'), cal)).toBe(30);
    const paused = pauseClock(clock, at('2026-11-27T12:45:00.250Z'), cal);
    expect(paused.usedMinutes).toBe(45);
    const resumed = resumeClock(paused, at('2026-11-28T00:00:00Z'));
    expect(dueAt(resumed, at('2026-11-28T00:00:00Z'), cal)?.toISOString()).toBe('2026-11-28T00:45:00.000Z');
  });

  it('stays exact to the millisecond through many pauses', () => {
    let clock = startClock('resolution', { minutes: 60, clock: 'business' }, at(SUNDAY_OPEN));
    let t = at(SUNDAY_OPEN).getTime();
    for (let i = 0; i < 50; i++) {
      t += 1_234;
      clock = pauseClock(clock, new Date(t), cal);
      t += 5_000;
      clock = resumeClock(clock, new Date(t));
    }
    // 50 × 1.234 s used; the rest of the hour follows on from t, inside the same shift.
    const expected = t + 60 * 60_000 - 50 * 1_234;
    expect(dueAt(clock, new Date(t), cal)?.getTime()).toBe(expected);
  });

  it('survives JSON round trips (continue-as-new)', () => {
    const clock = pauseClock(
      startClock('next_response', { minutes: 120, clock: 'business' }, at(SUNDAY_OPEN)),
      at('2026-11-23T03:30:00Z'),
      cal,
    );
    expect(JSON.parse(JSON.stringify(clock))).toEqual(clock);
  });
});
