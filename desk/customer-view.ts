import { isInternalKind } from '../domain/thread';
import type { ThreadMessage, SlaEventRecord, TicketStateProjection, TicketContent } from '../domain/entities';
import type { LiveSession, TicketSnapshot } from '../domain/ticket-sla';
import type { Principal } from './principal';

/**
 * The one projection of a ticket for its customer. Every read a customer can make (the API's ticket, list, thread
 * and timeline, the private ticket page, the portal) goes through here. It is an allow-list: a field reaches a
 * customer only if it is named below, so a field added to the ticket later stays with agents until someone decides
 * otherwise. Customers learn that an agent has their ticket (`assigned`), never which one: no staff id, name or
 * address, on a ticket, a message, an event or a live session.
 */

/** Picks the named keys that are present; nothing else survives. */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

export const CUSTOMER_TICKET_FIELDS = [
  'id',
  'subject',
  'description',
  'errorMessage',
  'category',
  'priority',
  'channel',
  'liveSupportTool',
  'customerId',
  'organizationId',
  'customerEmail',
  'customerName',
  'receivedAt',
  'slaVersion',
  'unverified',
  'refusedFiles',
  // The calendar and policy versions, so its pages can show its times in its own zone (the API leaves them out).
  'pinned',
] as const satisfies readonly (keyof TicketContent)[];

export const CUSTOMER_SNAPSHOT_FIELDS = [
  'ticketId',
  'status',
  'priority',
  'category',
  'customerId',
  'escalationLevel',
  'slaState',
  'awaitingScopeReview',
  'scopeReviewDueAt',
  'nextDeadline',
  'receivedAt',
  'policyVersion',
  'clocks',
  'version',
  'agreement',
  'calendar',
  'policy',
] as const satisfies readonly (keyof TicketSnapshot)[];

/** A live session as its customer reads it: when, how, the link, how it went; not the agent who booked it. */
export const CUSTOMER_LIVE_FIELDS = [
  'seq',
  'status',
  'tool',
  'preferredTimes',
  'startsAt',
  'durationMinutes',
  'link',
  'outcome',
] as const satisfies readonly (keyof LiveSession)[];

export const CUSTOMER_LIST_FIELDS = [
  'id',
  'version',
  'status',
  'priority',
  'category',
  'customerId',
  'organizationId',
  'subject',
  'escalationLevel',
  'slaState',
  'nextDeadline',
  'scopeReviewDueAt',
  'clocks',
  'receivedAt',
  'updatedAt',
] as const satisfies readonly (keyof TicketStateProjection)[];

export type CustomerSnapshot = Pick<TicketSnapshot, (typeof CUSTOMER_SNAPSHOT_FIELDS)[number]> & {
  /** An agent has the ticket (who is for agents to know). */
  assigned: boolean;
  /** What the ticket waits on, in its pause reason's words ("Waiting on you"); never which vendor. */
  waitingOn: string | null;
  live: Partial<LiveSession> | null;
  /** A customer acts through messages, not agent actions: always empty. */
  availableActions: [];
};

export type CustomerListItem = Pick<TicketStateProjection, (typeof CUSTOMER_LIST_FIELDS)[number]> & {
  assigned: boolean;
};

/**
 * The ticket's own clocks: a vendor's (who support waits on, and its terms) and a level's (an agreement among
 * staff) are for agents to know.
 */
export const customerClocks = <C extends { metric: string }>(clocks: C[]): C[] =>
  clocks.filter((c) => c.metric !== 'vendor' && c.metric !== 'level');

export function customerSnapshot(sla: TicketSnapshot): CustomerSnapshot {
  return {
    ...pick(sla, CUSTOMER_SNAPSHOT_FIELDS),
    clocks: customerClocks(sla.clocks),
    assigned: Boolean(sla.assignee),
    waitingOn: sla.pause?.label ?? null,
    live: sla.live ? pick(sla.live, CUSTOMER_LIVE_FIELDS) : null,
    availableActions: [],
  };
}

export const customerTicket = (t: TicketContent): TicketContent => pick(t, CUSTOMER_TICKET_FIELDS) as TicketContent;

export const customerListItem = (p: TicketStateProjection): CustomerListItem => ({
  ...pick(p, CUSTOMER_LIST_FIELDS),
  clocks: Array.isArray(p.clocks) ? customerClocks(p.clocks as { metric: string }[]) : p.clocks,
  assigned: Boolean(p.assignee),
});

/** How support signs its messages to a customer: the desk, not the person. */
export const SUPPORT_AUTHOR = 'Support';

/**
 * A message as its customer reads it. Their own carry their id and name; support's are signed by the desk with the
 * role `support`. The mail a message came in (its original text, the proof of its sender) stays with agents.
 */
export function customerMessage(m: ThreadMessage): ThreadMessage {
  const own = m.authorRole === 'customer';
  return {
    id: m.id,
    ticketId: m.ticketId,
    ...(own ? { authorId: m.authorId } : {}),
    authorRole: own ? 'customer' : 'support',
    authorName: own ? m.authorName : SUPPORT_AUTHOR,
    body: m.body,
    kind: m.kind,
    internal: false,
    channel: m.channel,
    createdAt: m.createdAt,
  } as ThreadMessage;
}

export function customerThread(messages: ThreadMessage[]): ThreadMessage[] {
  return messages.filter((m) => !m.internal && !isInternalKind(m.kind)).map(customerMessage);
}

/**
 * What each event's detail may show a customer. An escalation's or a reclassification's reason, who reclassified,
 * who had the ticket and who has it now, a live session's notes: agents' only. An event type missing here shows
 * its type and times, no detail.
 */
export const CUSTOMER_EVENT_DETAIL: Record<string, readonly string[]> = {
  received: ['channel', 'priority', 'category'],
  acknowledged: ['outOfScope', 'reviewDueAt'],
  assigned: [],
  priority_changed: ['from', 'to'],
  escalated: ['manual', 'escalationDueAt'],
  reclassified: ['from', 'to', 'outOfScope'],
  warning: ['warningAt'],
  responded: ['businessMinutesUsed', 'targetMinutes', 'met'],
  resolved: ['businessMinutesUsed', 'targetMinutes', 'met'],
  paused: ['businessMinutesUsed'],
  // What the ticket waited on, in the reason's words; not the vendor, the agent's reason or the vendor's record.
  pause_ended: ['label', 'since', 'endedBy', 'businessMinutesPaused'],
  closed: ['reason'],
  retimed: ['fromPolicyVersion', 'toPolicyVersion', 'fromAgreement', 'toAgreement', 'toPolicy', 'toCalendar'],
  live_session: ['status', 'tool', 'preferredTimes', 'link', 'durationMinutes', 'minutesBefore'],
  out_of_scope: ['category', 'reason'],
};

/**
 * Events about a vendor's clock (whom support waits on and how that third party does) and what a breach made the
 * desk do (raise the priority, reassign) are for agents to know; so is every event of a level's clock.
 */
const AGENTS_ONLY_EVENTS: readonly string[] = ['vendor_warning', 'vendor_breached', 'breach_action'];

export function customerTimeline<E extends Pick<SlaEventRecord, 'type' | 'detail'> & { metric?: string | null }>(
  events: E[],
): E[] {
  return events
    .filter((e) => !AGENTS_ONLY_EVENTS.includes(e.type) && e.metric !== 'level')
    .map((e) => {
      if (!e.detail) return e;
      const allowed = CUSTOMER_EVENT_DETAIL[e.type] ?? [];
      const detail = Object.fromEntries(Object.entries(e.detail).filter(([key]) => allowed.includes(key)));
      const { detail: _all, ...rest } = e;
      return (Object.keys(detail).length ? { ...rest, detail } : rest) as E;
    });
}

const isCustomer = (caller: Principal) => caller.role === 'customer';

/** The thread as the caller may see it: everything for agents and admins, the customer projection for customers. */
export const threadFor = (caller: Principal, messages: ThreadMessage[]) =>
  isCustomer(caller) ? customerThread(messages) : messages;

export const timelineFor = <E extends Pick<SlaEventRecord, 'type' | 'detail'> & { metric?: string | null }>(
  caller: Principal,
  events: E[],
) => (isCustomer(caller) ? customerTimeline(events) : events);

export const snapshotFor = (caller: Principal, sla: TicketSnapshot): TicketSnapshot | CustomerSnapshot =>
  isCustomer(caller) ? customerSnapshot(sla) : sla;

export const ticketFor = (caller: Principal, t: TicketContent): TicketContent =>
  isCustomer(caller) ? customerTicket(t) : t;

/** An SLA version read by a customer: its terms, not which staff member wrote them (`createdBy`). */
export function slaVersionFor<V extends { createdBy?: string }>(caller: Principal, v: V): V {
  if (!isCustomer(caller)) return v;
  const { createdBy: _who, ...rest } = v;
  return rest as V;
}

export const listItemFor = (caller: Principal, p: TicketStateProjection): TicketStateProjection | CustomerListItem =>
  isCustomer(caller) ? customerListItem(p) : p;
