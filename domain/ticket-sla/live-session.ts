/**
 * Live support (the SLA's third channel): a customer asks for a session with a preferred tool and
 * times; an agent books a slot inside support hours, which counts as a response; reminders go out
 * on their own timers before it; the outcome is recorded.
 */
import type { BusinessCalendar } from '../calendar';
import { isTerminal, type LiveSupportTool } from '../ticket';
import { Recorder, respond, touch } from './core';
import type { Effect, LiveSession, TicketSlaState, TimedEvent } from './types';

/** Minutes before the session at which the customer and the agents are reminded. */
export const LIVE_REMINDERS_MINUTES_BEFORE: readonly number[] = [60, 10];
export const LIVE_OUTCOMES = ['held', 'no_show', 'cancelled'] as const;
export type LiveOutcome = (typeof LIVE_OUTCOMES)[number];

export interface LiveBooking {
  startsAt: string;
  durationMinutes: number;
  link: string;
  tool?: LiveSupportTool;
  agent?: string;
}

const reminderKey = (live: LiveSession, minutesBefore: number) => `live:${live.seq}:reminder:${minutesBefore}`;

export function requestLiveSession(
  s: TicketSlaState,
  input: { tool: LiveSupportTool; preferredTimes: string[] },
  now: Date,
): Effect[] {
  const r = new Recorder(s);
  s.live = { seq: (s.live?.seq ?? 0) + 1, status: 'requested', tool: input.tool, preferredTimes: input.preferredTimes };
  r.event('live_session', now, {
    detail: { status: 'requested', tool: input.tool, preferredTimes: input.preferredTimes.join(', ') },
  });
  touch(s);
  return r.effects;
}

/** Why a booking is refused, or null. The slot must lie wholly inside one open period of the calendar. */
export function bookingRefusal(s: TicketSlaState, b: LiveBooking, now: Date, cal: BusinessCalendar): string | null {
  if (isTerminal(s.status)) return `cannot book a live session on a ticket that is ${s.status.replace('_', ' ')}`;
  const start = new Date(b.startsAt);
  if (Number.isNaN(start.getTime())) return 'startsAt is not a valid instant';
  if (start.getTime() <= now.getTime()) return 'the session must start in the future';
  if (!cal.isOpen(start)) {
    return `${cal.formatLocal(start)} is outside support hours; the next opening is ${cal.formatLocal(cal.nextOpen(start))}`;
  }
  const end = new Date(start.getTime() + b.durationMinutes * 60_000);
  // Open all the way through, asked without looking for the close: a 24x7 calendar has none to find.
  if (cal.elapsed(start, end) < b.durationMinutes) {
    return `a ${b.durationMinutes}-minute session from ${cal.formatLocal(start)} would run past the close of support at ${cal.formatLocal(cal.nextClose(start))}`;
  }
  return null;
}

/** A confirmed session answers the customer: it stops the response clocks like an agent's reply. */
export function confirmLiveSession(s: TicketSlaState, b: LiveBooking, now: Date, cal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  const tool = b.tool ?? s.live?.tool ?? 'google-meet';
  const seq = s.live?.status === 'requested' ? s.live.seq : (s.live?.seq ?? 0) + 1;
  s.live = {
    seq,
    status: 'confirmed',
    tool,
    preferredTimes: s.live?.preferredTimes ?? [],
    startsAt: b.startsAt,
    durationMinutes: b.durationMinutes,
    link: b.link,
    agent: b.agent,
  };
  respond(s, r, now, cal);
  if (s.status === 'new' || s.status === 'acknowledged') s.status = 'open';
  r.event('live_session', now, {
    dueAt: b.startsAt,
    detail: { status: 'confirmed', tool, link: b.link, durationMinutes: b.durationMinutes },
  });
  r.notify({
    key: `${s.ticketId}:live:${seq}:confirmed`,
    kind: 'live_confirmed',
    audience: { kind: 'customer' },
    dueAt: b.startsAt,
    body: `${tool} ${b.link}`,
  });
  touch(s);
  return r.effects;
}

export function recordLiveOutcome(s: TicketSlaState, outcome: LiveOutcome, now: Date, notes?: string): Effect[] {
  const r = new Recorder(s);
  if (!s.live) return [];
  s.live = { ...s.live, status: outcome, outcome: notes };
  r.event('live_session', now, { dueAt: s.live.startsAt, detail: { status: outcome, ...(notes ? { notes } : {}) } });
  touch(s);
  return r.effects;
}

export function liveOutcomeRefusal(s: TicketSlaState, outcome: LiveOutcome): string | null {
  if (!s.live) return 'no live session was requested or booked on this ticket';
  if (outcome === 'cancelled')
    return s.live.status === 'requested' || s.live.status === 'confirmed'
      ? null
      : `the live session is already ${s.live.status}`;
  return s.live.status === 'confirmed'
    ? null
    : `only a confirmed session can be recorded as ${outcome}; it is ${s.live.status}`;
}

/** The reminders still to send for a confirmed session, as timed events. */
export function liveReminderEvents(s: TicketSlaState, cal: BusinessCalendar): TimedEvent[] {
  const live = s.live;
  if (!live || live.status !== 'confirmed' || !live.startsAt) return [];
  const start = new Date(live.startsAt).getTime();
  return LIVE_REMINDERS_MINUTES_BEFORE.filter((m) => !s.fired.includes(reminderKey(live, m))).map((m) => ({
    kind: 'live_reminder' as const,
    at: new Date(start - m * 60_000),
    minutesBefore: m,
    describe: () => `live session reminder ${m} min before ${cal.formatLocal(new Date(start))}`,
  }));
}

export function fireLiveReminder(s: TicketSlaState, e: TimedEvent, now: Date): Effect[] {
  const r = new Recorder(s);
  const live = s.live!;
  s.fired.push(reminderKey(live, e.minutesBefore!));
  // A reminder whose moment passed while the session was being booked is not worth sending late.
  if (now.getTime() < new Date(live.startsAt!).getTime()) {
    const base = {
      kind: 'live_reminder' as const,
      dueAt: live.startsAt,
      body: `${live.tool} ${live.link ?? ''}`.trim(),
    };
    r.notify({
      ...base,
      key: `${s.ticketId}:live:${live.seq}:reminder:${e.minutesBefore}:customer`,
      audience: { kind: 'customer' },
    });
    r.notify({
      ...base,
      key: `${s.ticketId}:live:${live.seq}:reminder:${e.minutesBefore}:agents`,
      audience: { kind: 'level', level: 'L1' },
    });
    r.event('live_session', now, {
      dueAt: live.startsAt,
      detail: { status: 'reminded', minutesBefore: e.minutesBefore! },
    });
  }
  touch(s);
  return r.effects;
}
