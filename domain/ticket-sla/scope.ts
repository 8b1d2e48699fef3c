/** Scope decisions after intake: an agent's reclassification into or out of an out-of-scope category, and acceptance. */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import { isOutOfScope, type Metric } from '../policy';
import { METRICS, type TicketSlaState } from './types';
import { Recorder, isRunning, scopeOf, startClocks, stopClock } from './core';
import { reviewTimes, scopeReason } from './intake';

/**
 * The agent moved the ticket to another category. Into an out-of-scope one: the review window starts as at
 * intake (running clocks pause, the customer is told why). Out of it: the review ends and the clocks run as for an
 * in-scope ticket (see `backInScope`). A resolved ticket only changes its category: there is nothing left to review.
 */
export function reclassify(
  s: TicketSlaState,
  r: Recorder,
  category: string,
  now: Date,
  cal: BusinessCalendar,
  who: { agent?: string; reason?: string },
): void {
  const from = s.category;
  s.category = category;
  const outOfScope = isOutOfScope(category, scopeOf(s), s.policy);
  r.event('reclassified', now, {
    detail: { from, to: category, reason: who.reason ?? '', by: who.agent ?? 'an agent', outOfScope },
  });
  if (s.status === 'resolved') return;
  if (outOfScope && !s.awaitingScopeReview) startReview(s, r, now, cal, from);
  else if (!outOfScope && s.awaitingScopeReview)
    backInScope(s, r, now, cal, `${s.ticketId}:scope_accepted:r${s.eventSeq}`, from);
}

function startReview(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar, from: string): void {
  s.scopeReviews = (s.scopeReviews ?? 0) + 1;
  s.awaitingScopeReview = true;
  Object.assign(s, reviewTimes(now, cal, s.policy.reviewWindowMinutes));
  const paused: Metric[] = [];
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (!isRunning(c)) continue;
    s.clocks[metric] = clock.pauseClock(c, now, cal);
    paused.push(metric);
  }
  s.scopePaused = paused;
  r.notify({
    key: `${s.ticketId}:out_of_scope:${s.scopeReviews}`,
    kind: 'out_of_scope',
    audience: { kind: 'customer' },
    reason: scopeReason(s.category),
    dueAt: s.scopeReviewDueAt,
    category: s.category,
    fromCategory: from,
  });
}

/**
 * The ticket is in scope again (accepted, or reclassified out of an out-of-scope category). Time under review never
 * counts: clocks the review paused resume with the business time they had used; a ticket out of scope since intake
 * starts its clocks now with their full targets, counted on its calendar as at intake (outside support hours, from
 * the next opening). A first response already given stays given, also one an agent gave during the review. The
 * customer is told what was decided (accepted, or reclassified from `from`) and the response due time.
 */
export function backInScope(
  s: TicketSlaState,
  r: Recorder,
  now: Date,
  cal: BusinessCalendar,
  key: string,
  from?: string,
): void {
  s.awaitingScopeReview = false;
  s.scopeReviewDueAt = undefined;
  s.scopeReviewRemindAt = undefined;
  if (!s.clocks.first_response && !s.clocks.resolution) {
    startClocks(s, now);
    if (s.agentHasReplied) stopClock(s, r, 'first_response', now, cal, 'responded');
  }
  for (const metric of s.scopePaused ?? []) {
    const c = s.clocks[metric];
    // A clock the ticket's pause stopped (waiting on the customer, a third party, ...) stays paused until it ends.
    const waiting = s.status === 'pending_customer' && (s.pause?.clocks ?? ['resolution']).includes(metric);
    if (c && !clock.isStopped(c) && !waiting) s.clocks[metric] = clock.resumeClock(c, now);
  }
  s.scopePaused = undefined;
  const metric = METRICS.find((m) => isRunning(s.clocks[m]));
  const due = metric ? clock.dueAt(s.clocks[metric]!, now, cal) : null;
  r.notify({
    key,
    kind: 'scope_accepted',
    audience: { kind: 'customer' },
    metric,
    dueAt: due?.toISOString(),
    category: s.category,
    ...(from ? { fromCategory: from } : {}),
  });
}

/** The review window ended with nobody accepting: the clocks it paused stop for good. */
export function stopPausedClocks(s: TicketSlaState, now: Date, cal: BusinessCalendar): void {
  for (const metric of s.scopePaused ?? []) {
    const c = s.clocks[metric];
    if (c && !clock.isStopped(c)) s.clocks[metric] = clock.stopClock(c, now, cal);
  }
}
