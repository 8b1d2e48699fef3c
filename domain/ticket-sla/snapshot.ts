/** The live view of a ticket's SLA that queries, projections and the API show. */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import { METRICS, type TicketSlaState, type ClockSnapshot, type SlaState, type TicketSnapshot } from './types';
import { availableActions, isTerminal } from '../ticket';
import { firedKey, round, ticketFacts } from './core';
import { pausedTimeRows, pauseSnapshot } from './pauses';
import { vendorClockSnapshot } from './vendor-clock';
import { reminderView } from './reminders';
import { levelClockSnapshot } from './level-clock';

export function snapshot(s: TicketSlaState, now: Date, cal: BusinessCalendar): TicketSnapshot {
  const clocks: ClockSnapshot[] = [];
  let slaState: SlaState = 'ok';
  let next: Date | null = null;
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (!c) continue;
    const cycle = s.cycles[metric];
    const breached = s.fired.includes(firedKey(metric, cycle, 'breach'));
    const stopped = c.stoppedAt !== null;
    const due = stopped ? null : clock.dueAt(c, now, cal);
    // With reminders: warned once any went out; warns from the earliest (domain/ticket-sla/reminders.ts).
    const reminded = s.policy.reminders ? reminderView(s, metric, c, now, cal) : null;
    const warned = reminded ? reminded.warned : s.fired.includes(firedKey(metric, cycle, 'warning'));
    const warn = stopped ? null : reminded ? reminded.warningAt : clock.warningAt(c, s.policy.warningAt, now, cal);
    if (!stopped) {
      if (breached) slaState = 'breached';
      else if (warned && slaState === 'ok') slaState = 'warning';
      if (due && (!next || due < next)) next = due;
    }
    const used = clock.usedMinutes(c, now, cal);
    clocks.push({
      metric,
      clock: c.clock,
      targetMinutes: c.targetMinutes,
      usedMinutes: round(used),
      remainingMinutes: round(c.targetMinutes - used),
      dueAt: due ? due.toISOString() : null,
      warningAt: warn ? warn.toISOString() : null,
      paused: !stopped && c.runningSince === null,
      stopped,
      stoppedAt: c.stoppedAt,
      breached,
      cycle,
    });
  }
  // The vendor's clock is shown but is not the ticket's: it sets neither its SLA state nor its next deadline.
  const vendorClock = vendorClockSnapshot(s, now);
  if (vendorClock) clocks.push(vendorClock);
  // Nor is a level's (an agreement among staff): shown to agents, moving none of the customer's deadlines.
  const levelClock = levelClockSnapshot(s, now, cal);
  if (levelClock) clocks.push(levelClock);
  return {
    ticketId: s.ticketId,
    status: s.status,
    priority: s.priority,
    category: s.category,
    customerId: s.customer.id,
    assignee: s.assignee ?? null,
    escalationLevel: s.escalationLevel,
    slaState,
    awaitingScopeReview: s.awaitingScopeReview,
    scopeReviewDueAt: s.scopeReviewDueAt ?? null,
    nextDeadline: next ? (next as Date).toISOString() : null,
    receivedAt: s.receivedAt,
    policyVersion: s.policy.version,
    clocks,
    live: s.live ?? null,
    version: s.version,
    agreement: s.terms
      ? { id: s.terms.agreement, version: s.terms.version }
      : { id: 'default', version: s.policy.version },
    calendar: s.terms?.calendar ?? null,
    policy: { id: s.policy.id, version: s.policy.version },
    availableActions: actionsNow(s),
    pause: pauseSnapshot(s),
    pausedTime: pausedTimeRows(s, now, cal),
  };
}

/** What an agent may do now, by the lifecycle's own rules and this ticket's escalation ladder (its policy, not the newest). */
function actionsNow(s: TicketSlaState) {
  return isTerminal(s.status) ? [] : availableActions(ticketFacts(s));
}
