import { describe, expect, it } from 'vitest';
import { clocksTable } from '../../api/console/clocks-table';
import { createCalendar, SLA_CALENDAR } from '../../domain/calendar';
import type { ClockSnapshot } from '../../domain/ticket-sla';

/**
 * The console's clocks table counts used and remaining minutes when the page is drawn: the workflow's snapshot
 * counts to its last change, so a ticket untouched for an hour would say "Used 0 min" beside a running countdown.
 */

const cal = createCalendar(SLA_CALENDAR); // Sun–Thu 22:00–06:00 UTC-5
const clock = (over: Partial<ClockSnapshot>): ClockSnapshot => ({
  metric: 'resolution',
  clock: 'business',
  targetMinutes: 480,
  usedMinutes: 0,
  remainingMinutes: 480,
  dueAt: null,
  warningAt: null,
  paused: false,
  stopped: false,
  stoppedAt: null,
  breached: false,
  cycle: 1,
  ...over,
});
const due = (c: ClockSnapshot, now: Date) =>
  /<td data-label="Due">([\s\S]*?)<\/td>/
    .exec(clocksTable({ sla: { clocks: [c] }, cal, now }).value)?.[1]
    ?.replace(/<[^>]*>/g, '');
const used = (c: ClockSnapshot, now: Date) =>
  /<td data-label="Used" class="num used">([^<]*)<\/td>/.exec(
    clocksTable({ sla: { clocks: [c] }, cal, now }).value,
  )?.[1];

describe('the clocks table', () => {
  // Received Mon 2026-12-07 23:00 EST, in the Monday night shift: 7 business hours to its close at 06:00, the
  // eighth in Tuesday night's shift.
  const receivedAt = new Date('2026-12-08T04:00:00Z');
  const dueAt = cal.deadline(receivedAt, 480).toISOString();

  it('counts a running clock as of the drawing, not as of the snapshot', () => {
    const snap = clock({ dueAt }); // the snapshot taken at receipt: 0 used
    expect(used(snap, new Date('2026-12-08T05:30:00Z'))).toBe('1 h 30 min'); // Tue 00:30 EST
    // Support closed from 06:00 EST: the time used stops growing.
    expect(used(snap, new Date('2026-12-08T15:00:00Z'))).toBe('7 h 0 min');
  });

  it('keeps what the snapshot says of a paused or stopped clock', () => {
    expect(used(clock({ dueAt, paused: true, usedMinutes: 42 }), new Date('2026-12-08T05:30:00Z'))).toBe('42 min');
    expect(used(clock({ stopped: true, usedMinutes: 75 }), new Date('2026-12-08T09:30:00Z'))).toBe('1 h 15 min');
  });

  it('says when a stopped clock stopped, and whether within its target', () => {
    const at = '2026-12-08T05:30:17Z'; // Tue 00:30 EST
    expect(due(clock({ stopped: true, stoppedAt: at }), new Date('2026-12-08T09:30:00Z'))).toBe(
      'met Tue 2026-12-08 00:30 EST',
    );
    expect(due(clock({ stopped: true, stoppedAt: at, breached: true }), new Date('2026-12-08T09:30:00Z'))).toBe(
      'stopped late Tue 2026-12-08 00:30 EST',
    );
  });
});
