import type { BusinessCalendar } from '../domain/calendar';
import type { TicketSlaState, TicketSnapshot } from '../domain/ticket-sla';

/** The readable SLA summary operators see as the workflow's current details in the Temporal UI. */
export function renderTicketDetails(s: TicketSlaState, snap: TicketSnapshot, cal: BusinessCalendar): string {
  const lines = [
    `**Ticket #${s.ticketId}**: ${s.subject}`,
    `Status: ${snap.status} · Priority: ${snap.priority} · Level: ${snap.escalationLevel} · SLA: ${snap.slaState}`,
    `Customer: ${s.customer.email}${snap.assignee ? ` · Assignee: ${snap.assignee}` : ''}`,
  ];
  if (snap.awaitingScopeReview && snap.scopeReviewDueAt) {
    lines.push(
      `Out of scope (${s.category}); closes unless accepted by ${cal.formatLocal(new Date(snap.scopeReviewDueAt))}`,
    );
  }
  for (const c of snap.clocks) {
    const name = c.metric.replace('_', ' ');
    if (c.stopped)
      lines.push(
        `- ${name}: stopped after ${c.usedMinutes} of ${c.targetMinutes} min${c.breached ? ' (breached)' : ''}`,
      );
    else if (c.paused) lines.push(`- ${name}: paused, ${c.remainingMinutes} of ${c.targetMinutes} business min left`);
    else if (c.dueAt) {
      lines.push(
        `- ${name}: due ${cal.formatLocal(new Date(c.dueAt))} (${c.remainingMinutes} min left${c.breached ? ', breached' : ''})`,
      );
    }
  }
  return lines.join('\n');
}
