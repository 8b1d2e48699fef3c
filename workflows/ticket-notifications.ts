import type { EscalateInput, NotifyInput } from '../activities/ticket-activities';
import type { BusinessCalendar } from '../domain/calendar';
import type { Effect, TicketSlaState } from '../domain/ticket-sla';

/** What the ticket workflow hands its mail activities for each `notify` effect (workflows/ticket.ts). */

export type NotifyEffect = Extract<Effect, { type: 'notify' }>;

function dueTimes(e: NotifyEffect, cal: BusinessCalendar) {
  const due = e.dueAt ? new Date(e.dueAt) : undefined;
  return {
    dueLocal: due ? cal.formatLocal(due) : undefined,
    dueUtc: due ? `${due.toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined,
  };
}

/** The line operators read on the activity in the Temporal UI, e.g. "breach (first response) to L1". */
export function notificationSummary(e: NotifyEffect): string {
  return `${e.kind.replace('_', ' ')}${e.metric ? ` (${e.metric.replace('_', ' ')})` : ''}${e.level ? ` to ${e.level}` : ''}`;
}

/** An escalation to a level goes through `escalateTicket`, so operators see escalations by their activity type. */
export function isEscalation(e: NotifyEffect): e is NotifyEffect & { audience: { kind: 'level'; level: string } } {
  return e.kind === 'escalation' && e.audience.kind === 'level';
}

export function escalateInput(e: NotifyEffect & { audience: { kind: 'level'; level: string } }, s: TicketSlaState, cal: BusinessCalendar): EscalateInput {
  return { key: e.key, ticketId: s.ticketId, level: e.audience.level, metric: e.metric, subject: s.subject, ...dueTimes(e, cal), reason: e.reason };
}

export function notifyInput(e: NotifyEffect, s: TicketSlaState, cal: BusinessCalendar): NotifyInput {
  const audience = e.audience.kind === 'customer' ? { kind: 'customer' as const, email: s.customer.email } : e.audience;
  return {
    key: e.key,
    ticketId: s.ticketId,
    kind: e.kind,
    audience,
    facts: { subject: s.subject, metric: e.metric, level: e.level, ...dueTimes(e, cal), reason: e.reason, body: e.body },
  };
}
