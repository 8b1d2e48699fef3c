/**
 * Pausable SLA clocks as plain serialisable data (carried through Temporal continue-as-new), with pure
 * functions over them. A clock accumulates used minutes while running; pausing folds the running stretch
 * into `usedMinutes`, so waiting on the customer or a re-timing keeps the business time already used.
 * Business clocks count calendar open time; 24x7 clocks count wall time.
 */
import type { BusinessCalendar } from './calendar';
import { DomainError } from './errors';
import type { MetricTarget, Metric, ClockKind } from './policy';

export interface SlaClockState {
  metric: Metric;
  targetMinutes: number;
  clock: ClockKind;
  /** Minutes used before `runningSince` (all of them when paused or stopped). */
  usedMinutes: number;
  /** ISO instant the current running stretch began; null when paused or stopped. */
  runningSince: string | null;
  /** ISO instant the clock was stopped for good (the metric was met or abandoned). */
  stoppedAt: string | null;
}

const MINUTE_MS = 60_000;

/** Minutes a clock of this kind counts in [from, to): the calendar's open minutes, or wall minutes for 24x7. */
export function elapsedMinutes(kind: ClockKind, from: Date, to: Date, cal: BusinessCalendar): number {
  if (kind === 'business') return cal.elapsed(from, to);
  return Math.max(0, to.getTime() - from.getTime()) / MINUTE_MS;
}

function minutesBetween(c: SlaClockState, from: Date, to: Date, cal: BusinessCalendar): number {
  return elapsedMinutes(c.clock, from, to, cal);
}

/** The instant `minutes` of this clock's kind after `from`. */
function addMinutes(c: SlaClockState, from: Date, minutes: number, cal: BusinessCalendar): Date {
  const needed = Math.max(0, minutes);
  if (c.clock === 'business') return cal.deadline(from, needed);
  return new Date(from.getTime() + Math.round(needed * MINUTE_MS));
}

function checkTarget(target: MetricTarget): void {
  if (!Number.isFinite(target.minutes) || target.minutes <= 0) {
    throw new DomainError('invalid_argument', 'must be a number of minutes > 0', 'target.minutes');
  }
}

export function isRunning(c: SlaClockState): boolean {
  return c.runningSince !== null;
}

export function isStopped(c: SlaClockState): boolean {
  return c.stoppedAt !== null;
}

export function startClock(metric: Metric, target: MetricTarget, now: Date): SlaClockState {
  checkTarget(target);
  return {
    metric,
    targetMinutes: target.minutes,
    clock: target.clock,
    usedMinutes: 0,
    runningSince: now.toISOString(),
    stoppedAt: null,
  };
}

/** Folds the running stretch into usedMinutes. Paused or stopped clocks are returned unchanged. */
export function pauseClock(c: SlaClockState, now: Date, cal: BusinessCalendar): SlaClockState {
  if (c.runningSince === null) return c;
  return { ...c, usedMinutes: usedMinutes(c, now, cal), runningSince: null };
}

/** Running or stopped clocks are returned unchanged. */
export function resumeClock(c: SlaClockState, now: Date): SlaClockState {
  if (c.runningSince !== null || c.stoppedAt !== null) return c;
  return { ...c, runningSince: now.toISOString() };
}

/** Stops for good; idempotent (a second stop keeps the first stop's time and minutes). */
export function stopClock(c: SlaClockState, now: Date, cal: BusinessCalendar): SlaClockState {
  if (c.stoppedAt !== null) return c;
  return { ...pauseClock(c, now, cal), stoppedAt: now.toISOString() };
}

/**
 * A new target (priority change, policy re-timing, calendar change): the minutes used so far are kept, measured
 * with the calendar in force until now; a running clock keeps running from now.
 */
export function retarget(c: SlaClockState, target: MetricTarget, now: Date, cal: BusinessCalendar): SlaClockState {
  checkTarget(target);
  const running = c.runningSince !== null;
  return {
    ...c,
    targetMinutes: target.minutes,
    clock: target.clock,
    usedMinutes: usedMinutes(c, now, cal),
    runningSince: running ? now.toISOString() : null,
  };
}

export function usedMinutes(c: SlaClockState, now: Date, cal: BusinessCalendar): number {
  if (c.runningSince === null) return c.usedMinutes;
  return c.usedMinutes + minutesBetween(c, new Date(c.runningSince), now, cal);
}

/** Negative once the target is exceeded (by that many minutes). */
export function remainingMinutes(c: SlaClockState, now: Date, cal: BusinessCalendar): number {
  return c.targetMinutes - usedMinutes(c, now, cal);
}

/**
 * The instant the used minutes reach the target; null when paused or stopped. Does not depend on `now`
 * (a running clock's future is fixed); if the target was already reached before the clock last resumed,
 * that resume instant is returned (in the past: the breach is due at once).
 */
export function dueAt(c: SlaClockState, _now: Date, cal: BusinessCalendar): Date | null {
  if (c.runningSince === null) return null;
  return addMinutes(c, new Date(c.runningSince), c.targetMinutes - c.usedMinutes, cal);
}

/** The instant the used minutes reach fraction × target; null when paused or stopped; may be in the past. */
export function warningAt(c: SlaClockState, fraction: number, _now: Date, cal: BusinessCalendar): Date | null {
  if (c.runningSince === null) return null;
  return addMinutes(c, new Date(c.runningSince), fraction * c.targetMinutes - c.usedMinutes, cal);
}
