/**
 * A ticket's inputs as its timeline recorded them: what people did (agents' actions, customers' messages) at the
 * instant the workflow took them, apart from what its timers decided (warnings, breaches, escalations, auto-close,
 * the end of a pause at its maximum). Replaying these facts through the ticket's own domain code under other terms
 * is a what-if; under the terms it was pinned to, it reproduces the timeline.
 */
import type { Priority } from '../policy';
import type { AgentAction, Channel } from '../ticket';

/** One timeline event as the store holds it (`seq`: its place in the ticket's own order, from its key). */
export interface RecordedEvent {
  type: string;
  at: string;
  seq: number;
  metric?: string;
  dueAt?: string;
  level?: string;
  detail?: Record<string, unknown>;
}

export type ReplayFact =
  | { at: string; kind: 'acknowledged' }
  | { at: string; kind: 'customer_reply' }
  | {
      at: string;
      kind: 'action';
      action: AgentAction;
      priority?: Priority;
      category?: string;
      agent?: string;
      waitingOn?: string;
      reason?: string;
    }
  /** An admin moved the ticket to other terms (its recorded versions; the pinned replay applies them, a what-if does not). */
  | { at: string; kind: 'retimed'; detail: Record<string, unknown> };

export interface ReplayTicket {
  ticketId: string;
  receivedAt: string;
  priority: Priority;
  category: string;
  channel: Channel;
  organizationId?: string;
  facts: ReplayFact[];
}

/** Customer messages within this long before an event the reply caused are that reply (the message is stored first). */
const REPLY_LEAD_MS = 5_000;
const AUTO_CLOSE_REASON = 'closed automatically after the quiet period';

/**
 * The facts of one ticket from its timeline and its customers' messages (their `createdAt`). Events the same
 * change wrote share one instant; each group is one input. A customer's message that changed no clock (a next
 * response's start) left no event: its stored instant stands for the workflow's, a few milliseconds earlier.
 */
export function factsFromTimeline(
  events: RecordedEvent[],
  customerMessages: string[],
  /** When agents accepted the ticket out of a scope review: the timeline has no event of it (its notice is logged). */
  accepted: string[] = [],
): ReplayTicket | null {
  const ordered = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.seq - b.seq);
  const received = ordered.find((e) => e.type === 'received');
  if (!received) return null;
  const ticketFacts: ReplayFact[] = [];
  const messages = customerMessages.map(Date.parse).filter((t) => t > Date.parse(received.at));
  const usedMessages = new Set<number>();
  const claimMessage = (at: number) => {
    const i = messages.findIndex((m, k) => !usedMessages.has(k) && m <= at && at - m <= REPLY_LEAD_MS);
    if (i >= 0) usedMessages.add(i);
    return i >= 0;
  };
  const pauseStarts = new Set<string>();
  for (const group of groupByInstant(ordered)) {
    const at = group[0]!.at;
    const has = (type: string, test: (e: RecordedEvent) => boolean = () => true) =>
      group.find((e) => e.type === type && test(e));
    const endedBy = has('pause_ended')?.detail?.endedBy;
    if (has('received')) continue;
    if (has('acknowledged')) ticketFacts.push({ at, kind: 'acknowledged' });
    const priority = has('priority_changed');
    if (priority)
      ticketFacts.push({ at, kind: 'action', action: 'priority', priority: priority.detail?.to as Priority });
    const reclassified = has('reclassified');
    if (reclassified)
      ticketFacts.push({ at, kind: 'action', action: 'reclassify', category: String(reclassified.detail?.to) });
    const assigned = has('assigned');
    if (assigned) ticketFacts.push({ at, kind: 'action', action: 'assign', agent: String(assigned.detail?.to) });
    if (has('escalated', (e) => e.detail?.manual === true))
      ticketFacts.push({ at, kind: 'action', action: 'escalate' });
    const retimed = has('retimed');
    if (retimed) ticketFacts.push({ at, kind: 'retimed', detail: retimed.detail ?? {} });
    const paused = has('paused');
    if (paused) {
      const waitingOn = paused.detail?.waitingOn as string | undefined;
      ticketFacts.push({ at, kind: 'action', action: 'pending', ...(waitingOn ? { waitingOn } : {}) });
      pauseStarts.add(at);
    }
    const customer =
      endedBy === 'customer_reply' ||
      (has('resumed') && !endedBy && !has('resolved')) ||
      (has('reopened') && claimMessage(Date.parse(at)));
    if (customer) {
      if (endedBy === 'customer_reply' || has('resumed')) claimMessage(Date.parse(at));
      ticketFacts.push({ at, kind: 'customer_reply' });
    } else if (has('reopened')) ticketFacts.push({ at, kind: 'action', action: 'reopen' });
    if (has('resolved') || endedBy === 'resolved') ticketFacts.push({ at, kind: 'action', action: 'resolve' });
    else if (has('responded') && !has('reclassified')) ticketFacts.push({ at, kind: 'action', action: 'reply' });
    const closed = has('closed');
    if (closed && closed.detail?.reason !== AUTO_CLOSE_REASON)
      ticketFacts.push({ at, kind: 'action', action: 'close', reason: String(closed.detail?.reason ?? '') });
  }
  // A pause that stopped no running clock wrote no `paused` event; its end says when it began and what it waited on.
  for (const e of ordered) {
    const since = e.type === 'pause_ended' ? (e.detail?.since as string | undefined) : undefined;
    if (since && !pauseStarts.has(since))
      ticketFacts.push({ at: since, kind: 'action', action: 'pending', waitingOn: String(e.detail?.waitingOn) });
  }
  messages.forEach((m, i) => {
    if (!usedMessages.has(i)) ticketFacts.push({ at: new Date(m).toISOString(), kind: 'customer_reply' });
  });
  // An acceptance goes first at its instant: a reply given during the review is recorded as a response at it.
  const acceptances: ReplayFact[] = accepted.map((at) => ({ at, kind: 'action', action: 'accept' }));
  const detail = received.detail ?? {};
  return {
    ticketId: '',
    receivedAt: received.at,
    priority: detail.priority as Priority,
    category: String(detail.category),
    channel: detail.channel as Channel,
    facts: [...acceptances, ...ticketFacts].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
  };
}

function groupByInstant(events: RecordedEvent[]): RecordedEvent[][] {
  const groups: RecordedEvent[][] = [];
  for (const e of events) {
    const last = groups[groups.length - 1];
    if (last && Date.parse(last[0]!.at) === Date.parse(e.at)) last.push(e);
    else groups.push([e]);
  }
  return groups;
}
