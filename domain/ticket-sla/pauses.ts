/**
 * Pauses for a reason: `pending` names what the ticket waits on (the policy's `pauses`), which decides the clocks
 * that stop, whether the customer is told, and how long at most the wait may last. A pause ends when the customer
 * writes, when the ticket is resolved or closed, or by itself after the reason's `maxMinutes` (business minutes on
 * the ticket's calendar), which resumes the clocks and tells the assignee.
 */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import { DEFAULT_PAUSE_REASON, pausesOf } from '../policy-pauses';
import type { Metric } from '../policy';
import type { PausedTimeRow, PausedTotal, PauseSnapshot, TicketSlaState, TimedEvent, VendorTerms } from './types';
import { Recorder, isRunning, round } from './core';
import { startVendorClock, vendorOutcome } from './vendor-clock';
import { firstWarningFraction } from './reminders';

export interface PauseInput {
  waitingOn?: string;
  vendor?: string;
  /** What the customer is asked for or told; goes to them only when the reason tells the customer. */
  reason?: string;
  messageId?: string;
  /** The vendor's terms (desk/vendors.ts), when `vendor` names a known one: its clock runs during the wait. */
  vendorTerms?: VendorTerms;
}

/** Why `pending` with this reason cannot be taken, or null: the reason must be one of the ticket's own policy. */
export function pauseRefusal(s: Pick<TicketSlaState, 'policy'>, input: PauseInput): string | null {
  const reasons = pausesOf(s.policy);
  const waitingOn = input.waitingOn ?? DEFAULT_PAUSE_REASON;
  if (!reasons[waitingOn]) return `unknown waitingOn "${waitingOn}"; use one of: ${Object.keys(reasons).join(', ')}`;
  if (input.vendor !== undefined && waitingOn !== 'vendor') return 'vendor is given only with waitingOn "vendor"';
  return null;
}

/** The agent set the ticket pending: the reason's running clocks pause, each on the timeline. */
export function startPause(s: TicketSlaState, r: Recorder, input: PauseInput, now: Date, cal: BusinessCalendar): void {
  const waitingOn = input.waitingOn ?? DEFAULT_PAUSE_REASON;
  const reason = pausesOf(s.policy)[waitingOn]!;
  const paused: Metric[] = [];
  for (const metric of reason.clocks) {
    const c = s.clocks[metric];
    if (!isRunning(c)) continue;
    const due = clock.dueAt(c, now, cal);
    const stopped = clock.pauseClock(c, now, cal);
    s.clocks[metric] = stopped;
    paused.push(metric);
    r.event('paused', now, {
      metric,
      dueAt: due?.toISOString(),
      detail: { businessMinutesUsed: round(stopped.usedMinutes), waitingOn },
    });
  }
  const seq = Object.values(s.pausedTime ?? {}).reduce((n, t) => n + t.pauses, 0) + 1;
  s.pause = {
    waitingOn,
    label: reason.label,
    seq,
    since: now.toISOString(),
    clocks: paused,
    tellCustomer: reason.tellCustomer,
    ...(input.vendor ? { vendor: input.vendor } : {}),
    ...(reason.maxMinutes ? { endsAt: cal.deadline(now, reason.maxMinutes).toISOString() } : {}),
    ...(waitingOn === 'vendor' && input.vendorTerms
      ? { vendorClock: startVendorClock(input.vendorTerms, now, firstWarningFraction(s.policy)) }
      : {}),
  };
  // The reason is what the customer is asked for: it goes to them, or they could not answer it.
  if (input.reason && reason.tellCustomer) {
    r.notify({
      key: `${s.ticketId}:awaiting_customer:${input.messageId ?? s.eventSeq}`,
      kind: 'awaiting_customer',
      audience: { kind: 'customer' },
      body: input.reason,
    });
  }
}

export type PauseEnd = 'customer_reply' | 'max_minutes' | 'resolved' | 'closed' | 'out_of_scope';

/**
 * The pause ends: its time is added to its reason's total and recorded on the timeline (`pause_ended`), and with
 * `resume` its clocks count again from now.
 */
export function endPause(
  s: TicketSlaState,
  r: Recorder,
  now: Date,
  cal: BusinessCalendar,
  endedBy: PauseEnd,
  resume: boolean,
): void {
  const p = s.pause;
  if (!p) return;
  s.pause = undefined;
  if (resume) {
    for (const metric of p.clocks) {
      const c = s.clocks[metric];
      if (!c || clock.isStopped(c) || clock.isRunning(c)) continue;
      s.clocks[metric] = clock.resumeClock(c, now);
      const due = clock.dueAt(s.clocks[metric], now, cal);
      r.event('resumed', now, { metric, dueAt: due?.toISOString(), detail: { waitingOn: p.waitingOn } });
    }
  }
  const { businessMinutes, minutes } = lasted(p.since, now, cal);
  const total = s.pausedTime?.[p.waitingOn] ?? { pauses: 0, businessMinutes: 0, minutes: 0 };
  s.pausedTime = {
    ...s.pausedTime,
    [p.waitingOn]: {
      pauses: total.pauses + 1,
      businessMinutes: round(total.businessMinutes + businessMinutes),
      minutes: round(total.minutes + minutes),
    },
  };
  r.event('pause_ended', now, {
    detail: {
      waitingOn: p.waitingOn,
      label: p.label,
      since: p.since,
      endedBy,
      businessMinutesPaused: businessMinutes,
      minutesPaused: minutes,
      clocks: p.clocks.join(','),
      ...(p.vendor ? { vendor: p.vendor } : {}),
      ...(p.vendorClock ? vendorOutcome(p.vendorClock, now) : {}),
    },
  });
}

function lasted(since: string, now: Date, cal: BusinessCalendar) {
  const from = new Date(since);
  return {
    businessMinutes: round(cal.elapsed(from, now)),
    minutes: round(Math.max(0, now.getTime() - from.getTime()) / 60_000),
  };
}

/** The instant the current pause ends by itself, if its reason has a maximum. */
export function pauseExpiryEvent(s: TicketSlaState, cal: BusinessCalendar): TimedEvent | null {
  if (!s.pause?.endsAt || s.status !== 'pending_customer') return null;
  const at = new Date(s.pause.endsAt);
  return { kind: 'pause_expired', at, describe: () => `${s.pause!.label}: pause ends ${cal.formatLocal(at)}` };
}

/**
 * The pause reached its reason's maximum: the clocks count again and the ticket is open; the assignee (else the
 * current level's contacts) is told, so the ticket is not forgotten.
 */
export function expirePause(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar): void {
  const p = s.pause;
  if (!p) return;
  // Under a scope review the clocks wait for its decision (scope.ts backInScope resumes them), as after an answer.
  if (s.awaitingScopeReview) s.scopePaused = [...new Set([...(s.scopePaused ?? []), ...p.clocks])];
  endPause(s, r, now, cal, 'max_minutes', !s.awaitingScopeReview);
  s.status = 'open';
  r.notify({
    key: `${s.ticketId}:pause_expired:${p.seq}`,
    kind: 'pause_expired',
    audience: s.assignee ? { kind: 'agent', agent: s.assignee } : { kind: 'level', level: s.escalationLevel },
    reason: p.label,
    ...(p.endsAt ? { dueAt: p.endsAt } : {}),
  });
}

export function pauseSnapshot(s: TicketSlaState): PauseSnapshot | null {
  const p = s.pause;
  if (!p) return null;
  return {
    waitingOn: p.waitingOn,
    label: p.label,
    since: p.since,
    clocks: p.clocks,
    vendor: p.vendor ?? null,
    endsAt: p.endsAt ?? null,
  };
}

/** Paused time per reason, the running pause counted up to `now`. */
export function pausedTimeRows(s: TicketSlaState, now: Date, cal: BusinessCalendar): PausedTimeRow[] {
  return pausedTimeAt(s.pausedTime, s.pause ?? null, now, cal);
}

/** The same from what a ticket's row keeps: the ended pauses' totals and the running pause (a page read at `now`). */
export function pausedTimeAt(
  ended: Record<string, PausedTotal> | undefined,
  running: { waitingOn: string; since: string } | null,
  now: Date,
  cal: BusinessCalendar,
): PausedTimeRow[] {
  const totals = new Map(Object.entries(ended ?? {}).map(([id, t]) => [id, { ...t }]));
  if (running) {
    const lasting = lasted(running.since, now, cal);
    const t = totals.get(running.waitingOn) ?? { pauses: 0, businessMinutes: 0, minutes: 0 };
    totals.set(running.waitingOn, {
      pauses: t.pauses + 1,
      businessMinutes: round(t.businessMinutes + lasting.businessMinutes),
      minutes: round(t.minutes + lasting.minutes),
    });
  }
  return [...totals].map(([waitingOn, t]) => ({ waitingOn, ...t }));
}
