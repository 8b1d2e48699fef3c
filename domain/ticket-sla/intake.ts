/** A new ticket: the acknowledgement, the clocks, and the scope check. */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import { isOutOfScope } from '../policy';
import type { Effect, TicketIntake, TicketSlaState } from './types';
import { Recorder, touch, startClocks, scopeOf } from './core';

/** A new ticket: the acknowledgement, the clocks, and the scope check. */
export function receive(intake: TicketIntake, cal: BusinessCalendar): { state: TicketSlaState; effects: Effect[] } {
  const now = new Date(intake.receivedAt);
  const s: TicketSlaState = {
    ...intake,
    status: 'new',
    escalationLevel: 'L1',
    awaitingScopeReview: false,
    clocks: {},
    cycles: { first_response: 0, next_response: 0, resolution: 0 },
    fired: [],
    breachedAt: {},
    agentHasReplied: false,
    version: 1,
    eventSeq: 0,
  };
  const r = new Recorder(s);
  r.event('received', now, {
    detail: { channel: intake.channel, priority: intake.priority, category: intake.category },
  });
  if (isOutOfScope(intake.category, scopeOf(intake), intake.policy)) {
    s.awaitingScopeReview = true;
    Object.assign(s, reviewTimes(now, cal, intake.policy.reviewWindowMinutes));
    r.notify({
      key: ACKNOWLEDGEMENT_KEY(s.ticketId),
      kind: 'out_of_scope',
      audience: { kind: 'customer' },
      reason: scopeReason(intake.category),
      dueAt: s.scopeReviewDueAt,
      category: intake.category,
    });
  } else {
    startClocks(s, now);
    const due = clock.dueAt(s.clocks.first_response!, now, cal)!;
    r.notify({
      key: ACKNOWLEDGEMENT_KEY(s.ticketId),
      kind: 'acknowledgement',
      audience: { kind: 'customer' },
      metric: 'first_response',
      dueAt: due.toISOString(),
    });
  }
  return { state: s, effects: r.effects };
}

/** The receipt's notification key; the workflow calls `acknowledged` once that mail is out. */
export const ACKNOWLEDGEMENT_KEY = (ticketId: string) => `${ticketId}:acknowledgement`;

export function acknowledged(s: TicketSlaState, now: Date, cal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  if (s.status === 'new') s.status = 'acknowledged';
  const first = s.clocks.first_response;
  const due = first && first.stoppedAt === null ? clock.dueAt(first, now, cal) : null;
  if (s.awaitingScopeReview)
    r.event('acknowledged', now, { detail: { outOfScope: true, reviewDueAt: s.scopeReviewDueAt ?? '' } });
  else r.event('acknowledged', now, { metric: 'first_response', dueAt: due?.toISOString() });
  touch(s);
  return r.effects;
}

/**
 * How far into a scope review the customer and the assignee are reminded that it is about to close the ticket:
 * at three quarters of the review window, counted in business time, so the last quarter of it (two business hours
 * of the default's one-shift window) is left to answer or accept, and a reminder never lands while support is closed.
 */
export const SCOPE_REVIEW_REMINDER_SHARE = 0.75;

/** A scope review starting now: when it ends, and when its reminder goes out. */
export function reviewTimes(now: Date, cal: BusinessCalendar, windowMinutes: number) {
  return {
    scopeReviewDueAt: cal.deadline(now, windowMinutes).toISOString(),
    scopeReviewRemindAt: cal.deadline(now, Math.floor(windowMinutes * SCOPE_REVIEW_REMINDER_SHARE)).toISOString(),
  };
}

export function scopeReason(category: string): string {
  switch (category) {
    case 'training':
      return 'training on product usage is not included in your agreed service scope';
    case 'custom-development':
      return 'custom development or modifications are not covered by support';
    case 'third-party':
      return 'support for third-party products or services is not covered';
    default:
      return `the category "${category}" is outside the support scope`;
  }
}
