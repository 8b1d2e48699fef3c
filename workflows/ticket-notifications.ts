import type { EscalateInput, NotifyInput } from '../activities/ticket-activities';
import { formatUtcMinute, type BusinessCalendar } from '../domain/calendar';
import type { Effect, TicketSlaState } from '../domain/ticket-sla';
import { escalateTicket, MAIL_ACTIVITY, notify } from './ticket-effects';

/** What the ticket workflow hands its mail activities for each `notify` effect (workflows/ticket.ts). */

export type NotifyEffect = Extract<Effect, { type: 'notify' }>;

function dueTimes(e: NotifyEffect, cal: BusinessCalendar) {
  const due = e.dueAt ? new Date(e.dueAt) : undefined;
  return {
    dueLocal: due ? cal.formatLocal(due) : undefined,
    dueUtc: due ? formatUtcMinute(due) : undefined,
  };
}

/** The line operators read on the activity in the Temporal UI, e.g. "breach (first response) to L1". */
export function notificationSummary(e: NotifyEffect): string {
  return `${e.kind.replace('_', ' ')}${e.metric ? ` (${e.metric.replace('_', ' ')})` : ''}${e.level ? ` to ${e.level}` : ''}`;
}

function isEscalation(e: NotifyEffect): e is NotifyEffect & { audience: { kind: 'level'; level: string } } {
  return e.kind === 'escalation' && e.audience.kind === 'level';
}

function escalateInput(e: NotifyEffect & { audience: { kind: 'level'; level: string } }, s: TicketSlaState, cal: BusinessCalendar): EscalateInput {
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

/**
 * One regular activity per mail, as tickets did before `patched('mail-in-local-activity')`: their histories
 * replay through here. An escalation to a level went through `escalateTicket`, everything else `notify`.
 */
export function sendByActivity(e: NotifyEffect, s: TicketSlaState, cal: BusinessCalendar): Promise<unknown> {
  const options = { ...MAIL_ACTIVITY, summary: notificationSummary(e) };
  if (isEscalation(e)) return escalateTicket.executeWithOptions(options, [escalateInput(e, s, cal)]);
  return notify.executeWithOptions(options, [notifyInput(e, s, cal)]);
}
