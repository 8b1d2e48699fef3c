import { createCalendar, describeSupportHours, type BusinessCalendar } from '../../domain/calendar';
import type { ThreadMessage, TicketContent } from '../../domain/entities';
import { PRIORITIES, describeTargets, type MetricTarget, type Priority } from '../../domain/policy';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import type { MessageKind } from '../../domain/thread';
import type { SlaSettings } from '../../desk/tickets';

/** Plain view models for the pages: every time already formatted in the calendar's zone. */

export interface SupportStatus {
  open: boolean;
  /** When support next closes (if open) or opens (if closed); null for a calendar that never closes. */
  changeAt: string | null;
  /** First-response due time if submitted now, grouped by priorities that share it. */
  firstResponse: { priorities: Priority[]; due: string }[];
}

function dueAfter(cal: BusinessCalendar, start: Date, target: MetricTarget): Date {
  return target.clock === 'business'
    ? cal.deadline(start, target.minutes)
    : new Date(start.getTime() + target.minutes * 60_000);
}

export function supportStatus(sla: SlaSettings, now: Date): SupportStatus {
  const cal = createCalendar(sla.calendar);
  const open = cal.isOpen(now);
  let changeAt: string | null;
  try {
    changeAt = cal.formatLocal(open ? cal.nextClose(now) : cal.nextOpen(now));
  } catch {
    changeAt = null; // open around the clock: nextClose has no answer
  }
  const firstResponse: SupportStatus['firstResponse'] = [];
  for (const p of [...PRIORITIES].reverse()) {
    const due = cal.formatLocal(dueAfter(cal, now, sla.policy.targets[p].firstResponse));
    const same = firstResponse.find((f) => f.due === due);
    if (same) same.priorities.push(p);
    else firstResponse.push({ priorities: [p], due });
  }
  return { open, changeAt, firstResponse };
}

export const METRIC_LABELS: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};

export interface ClockRow {
  name: string;
  due: string;
  remaining: string;
  state: string;
}

function clockRow(cal: BusinessCalendar, c: TicketSnapshot['clocks'][number]): ClockRow {
  const state = c.stopped ? 'stopped' : c.paused ? 'paused' : c.breached ? 'overdue' : 'running';
  const minutes = Math.round(c.remainingMinutes);
  const unit = c.clock === 'business' ? 'of business time' : '';
  const span =
    Math.abs(minutes) < 60
      ? `${Math.abs(minutes)} min`
      : `${Math.floor(Math.abs(minutes) / 60)} h ${Math.abs(minutes) % 60} min`;
  return {
    name: METRIC_LABELS[c.metric] ?? c.metric,
    due: c.dueAt ? cal.formatLocal(new Date(c.dueAt), 'up') : '—',
    remaining: c.stopped ? '—' : `${span}${unit ? ` ${unit}` : ''} ${minutes >= 0 ? 'left' : 'over'}`,
    state,
  };
}

export interface TicketView {
  id: string;
  subject: string;
  description: string;
  errorMessage?: string;
  status: string;
  closed: boolean;
  receivedAt: string;
  clocks: ClockRow[];
  /** The workflow could not be asked and no projection exists yet. */
  slaUnknown: boolean;
  /** The agreement the ticket is pinned to, in words: its support hours and its targets for the ticket's priority. */
  terms: { supportHours: string; targets: string };
  /** While an agent reviews whether the request is within the agreement's scope: until when, and for which category. */
  review: { until: string; category: string } | null;
  /** What the ticket waits on, in its pause reason's words; null when it waits on nothing named. */
  waitingOn: string | null;
  thread: { author: string; fromCustomer: boolean; at: string; body: string; label?: string }[];
}

/** What support's typed texts are called on the customer's page. */
const CUSTOMER_LABEL: Partial<Record<MessageKind, string>> = {
  resolution_note: 'Resolution',
  pending_reason: 'We are waiting for your answer',
  close_reason: 'Closed',
};

export function ticketView(
  sla: SlaSettings,
  ticket: TicketContent,
  snapshot:
    | (Pick<
        TicketSnapshot,
        'status' | 'clocks' | 'priority' | 'category' | 'awaitingScopeReview' | 'scopeReviewDueAt'
      > & { waitingOn?: string | null })
    | null,
  thread: ThreadMessage[],
): TicketView {
  const cal = createCalendar(sla.calendar);
  const status = snapshot?.status ?? 'unknown';
  return {
    id: ticket.id,
    subject: ticket.subject,
    description: ticket.description,
    errorMessage: ticket.errorMessage,
    status,
    closed: status === 'closed' || status === 'out_of_scope',
    receivedAt: cal.formatLocal(new Date(ticket.receivedAt), 'down'),
    clocks: (snapshot?.clocks ?? []).map((c) => clockRow(cal, c)),
    slaUnknown: !snapshot,
    waitingOn: snapshot?.waitingOn ?? null,
    terms: {
      supportHours: describeSupportHours(sla.calendar),
      targets: describeTargets(sla.policy, snapshot?.priority ?? (ticket.priority as Priority)),
    },
    review:
      snapshot?.awaitingScopeReview && snapshot.scopeReviewDueAt
        ? { until: cal.formatLocal(new Date(snapshot.scopeReviewDueAt)), category: snapshot.category }
        : null,
    // The desk already gives a customer only what is meant for them (desk/customer-view.ts); the filter says so again here.
    thread: thread
      .filter((m) => !m.internal)
      .map((m) => ({
        author: m.authorRole === 'customer' ? 'You' : m.authorName,
        fromCustomer: m.authorRole === 'customer',
        at: cal.formatLocal(new Date(m.createdAt), 'down'),
        body: m.body,
        label: CUSTOMER_LABEL[m.kind],
      })),
  };
}
