/**
 * Vendor clocks (underpinning contracts): while a ticket waits on a known vendor, the vendor's own target runs on
 * the vendor's calendar from the pause's start. It warns the assignee at the policy's warning fraction, and at its
 * breach tells the assignee and chases the vendor's contacts; when the wait ends, whether the vendor kept its
 * target goes on the timeline (with the pause's end), which the reports count as the vendor's attainment.
 */
import { createCalendar, type BusinessCalendar } from '../calendar';
import type { ClockSnapshot, TicketSlaState, TimedEvent, VendorClock, VendorTerms } from './types';
import type { Recorder } from './core';
import { round } from './core';
import { vendorReminderEvents } from './reminders';

const MINUTE_MS = 60_000;

function vendorCalendar(v: Pick<VendorTerms, 'calendar'>): BusinessCalendar | null {
  return v.calendar ? createCalendar(v.calendar) : null;
}

function after(cal: BusinessCalendar | null, from: Date, minutes: number): Date {
  return cal ? cal.deadline(from, minutes) : new Date(from.getTime() + Math.round(minutes * MINUTE_MS));
}

/** Minutes of the vendor's clock in [from, to): its calendar's open minutes, or wall minutes for 24x7. */
function used(v: VendorClock, to: Date): number {
  const cal = vendorCalendar(v);
  const from = new Date(v.startedAt);
  return cal ? cal.elapsed(from, to) : Math.max(0, to.getTime() - from.getTime()) / MINUTE_MS;
}

export function startVendorClock(terms: VendorTerms, now: Date, warningAt: number): VendorClock {
  const cal = vendorCalendar(terms);
  return {
    ...terms,
    startedAt: now.toISOString(),
    dueAt: after(cal, now, terms.targetMinutes).toISOString(),
    warningAt: after(cal, now, terms.targetMinutes * warningAt).toISOString(),
  };
}

/** The instant the vendor's clock reaches `fraction` of its target. */
export function vendorInstant(v: VendorClock, fraction: number): Date {
  return after(vendorCalendar(v), new Date(v.startedAt), v.targetMinutes * fraction);
}

const firedKey = (s: TicketSlaState, kind: 'warning' | 'breach') => `vendor:${s.pause?.seq ?? 0}:${kind}`;

/**
 * The vendor clock's next warning or breach, while the ticket still waits on the vendor; `withReminders`: the
 * policy's reminders (domain/ticket-sla/reminders.ts) instead of the one warning.
 */
export function vendorClockEvents(s: TicketSlaState, cal: BusinessCalendar, withReminders = false): TimedEvent[] {
  const v = s.pause?.vendorClock;
  if (!v || s.status !== 'pending_customer') return [];
  const events: TimedEvent[] = [];
  if (withReminders) events.push(...vendorReminderEvents(s, (fraction) => vendorInstant(v, fraction), cal));
  else if (!s.fired.includes(firedKey(s, 'warning'))) {
    const at = new Date(v.warningAt);
    events.push({
      kind: 'vendor_warning',
      at,
      describe: () => `${v.name} warning; due ${cal.formatLocal(new Date(v.dueAt))}`,
    });
  }
  if (!s.fired.includes(firedKey(s, 'breach'))) {
    const at = new Date(v.dueAt);
    events.push({ kind: 'vendor_breach', at, describe: () => `${v.name} deadline ${cal.formatLocal(at)}` });
  }
  return events;
}

/** The vendor's warning or breach is due: the assignee (else the current level) hears of it; a breach chases the vendor. */
export function fireVendorClock(s: TicketSlaState, r: Recorder, kind: 'vendor_warning' | 'vendor_breach', now: Date) {
  const v = s.pause?.vendorClock;
  if (!v) return;
  const breach = kind === 'vendor_breach';
  s.fired.push(firedKey(s, breach ? 'breach' : 'warning'));
  const seq = s.pause!.seq;
  r.event(breach ? 'vendor_breached' : 'vendor_warning', now, {
    dueAt: v.dueAt,
    detail: { vendor: v.id, vendorName: v.name, targetMinutes: v.targetMinutes, since: v.startedAt },
  });
  const staff = s.assignee
    ? { kind: 'agent' as const, agent: s.assignee }
    : { kind: 'level' as const, level: s.escalationLevel };
  r.notify({
    key: `${s.ticketId}:${kind}:${seq}`,
    kind,
    audience: staff,
    reason: v.name,
    dueAt: v.dueAt,
  });
  if (breach && v.contacts.length) {
    r.notify({
      key: `${s.ticketId}:vendor_chaser:${seq}`,
      kind: 'vendor_chaser',
      audience: { kind: 'emails', emails: v.contacts },
      reason: v.name,
      dueAt: v.dueAt,
    });
  }
}

/** How the vendor did, for the pause's end on the timeline. */
export function vendorOutcome(v: VendorClock, now: Date): Record<string, string | number | boolean> {
  const minutes = round(used(v, now));
  return {
    vendorName: v.name,
    vendorMinutesUsed: minutes,
    vendorTargetMinutes: v.targetMinutes,
    vendorMet: minutes <= v.targetMinutes,
  };
}

/** The vendor clock as `sla.clocks[]` shows it (`metric: "vendor"`); running until the wait ends. */
export function vendorClockSnapshot(s: TicketSlaState, now: Date): ClockSnapshot | null {
  const v = s.pause?.vendorClock;
  if (!v) return null;
  const minutes = used(v, now);
  return {
    metric: 'vendor',
    vendor: v.id,
    clock: v.calendar ? 'business' : '24x7',
    targetMinutes: v.targetMinutes,
    usedMinutes: round(minutes),
    remainingMinutes: round(v.targetMinutes - minutes),
    dueAt: v.dueAt,
    warningAt: v.warningAt,
    paused: false,
    stopped: false,
    stoppedAt: null,
    breached: s.fired.includes(firedKey(s, 'breach')),
    cycle: s.pause!.seq,
  };
}
