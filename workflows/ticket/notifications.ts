import type { NotifyInput } from '../../activities/ticket-activities';
import type { SlaWebhookEvent } from '../../activities/webhook-activities';
import { describeScope } from '../../domain/agreement';
import { describeSupportHours, formatUtcMinute, type BusinessCalendar } from '../../domain/calendar';
import { describeTargets } from '../../domain/policy';
import { scopeOf, type Effect, type SlaEvent, type TicketSlaState } from '../../domain/ticket-sla';

/** What the ticket workflow hands its mail and webhook activities for each `notify` effect and SLA event. */

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

export function notifyInput(e: NotifyEffect, s: TicketSlaState, cal: BusinessCalendar): NotifyInput {
  const toCustomer = e.audience.kind === 'customer';
  // An organization's agreement may name its own contacts for a level; the desk's contacts hear of the rest.
  const own = e.audience.kind === 'level' ? s.terms?.contacts?.[e.audience.level] : undefined;
  const audience =
    e.audience.kind === 'customer'
      ? { kind: 'customer' as const, email: s.customer.email }
      : own?.length
        ? { kind: 'emails' as const, emails: own }
        : e.audience;
  // Customers are told the hours, scope and targets of the agreement their ticket is pinned to, not a fixed text.
  const terms = toCustomer
    ? {
        supportHours: describeSupportHours(s.calendar),
        scope: describeScope(scopeOf(s)),
        targets: describeTargets(s.policy, s.priority),
      }
    : {};
  return {
    key: e.key,
    ticketId: s.ticketId,
    kind: e.kind,
    audience,
    facts: {
      subject: s.subject,
      priority: s.priority,
      metric: e.metric,
      level: e.level,
      ...dueTimes(e, cal),
      reason: e.reason,
      body: e.body,
      ...terms,
      ...(e.category ? { category: e.category } : {}),
      ...(e.fromCategory ? { fromCategory: e.fromCategory } : {}),
      ...(e.threshold !== undefined ? { threshold: e.threshold } : {}),
    },
    ...(e.messageId ? { messageId: e.messageId } : {}),
  };
}

export function webhookEvent(e: SlaEvent, s: TicketSlaState, cal: BusinessCalendar): SlaWebhookEvent {
  return {
    key: e.key,
    type: e.type as SlaWebhookEvent['type'],
    ticketId: s.ticketId,
    subject: s.subject,
    priority: s.priority,
    metric: e.metric,
    level: e.level,
    at: e.at,
    dueAt: e.dueAt,
    dueLocal: e.dueAt ? cal.formatLocal(new Date(e.dueAt)) : undefined,
    ...(typeof e.detail?.threshold === 'number' ? { threshold: e.detail.threshold } : {}),
  };
}
