import type { Priority } from './policy';

/** The ticket's lifecycle as data: the workflow enforces it, the API previews it. */

export const TICKET_STATUSES = [
  'new',
  'acknowledged',
  'open',
  'pending_customer',
  'resolved',
  'closed',
  'out_of_scope',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const CHANNELS = ['api', 'web', 'email', 'live'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LIVE_SUPPORT_TOOLS = ['google-meet', 'teamviewer'] as const;
export type LiveSupportTool = (typeof LIVE_SUPPORT_TOOLS)[number];

export const AGENT_ACTIONS = [
  'assign',
  'reply',
  'priority',
  'pending',
  'escalate',
  'resolve',
  'reopen',
  'close',
  'accept',
  'reclassify',
] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

export const TERMINAL_STATUSES: readonly TicketStatus[] = ['closed', 'out_of_scope'];
/** Statuses in which agents work a ticket; `new` until the acknowledgement has gone out. */
const WORKING: readonly TicketStatus[] = ['new', 'acknowledged', 'open', 'pending_customer'];

/** Which statuses each agent action may be taken from. */
export const ACTION_ALLOWED_FROM: Record<AgentAction, readonly TicketStatus[]> = {
  assign: [...WORKING, 'resolved'],
  reply: [...WORKING, 'resolved'],
  priority: WORKING,
  pending: ['new', 'acknowledged', 'open'],
  escalate: WORKING,
  resolve: WORKING,
  reopen: ['resolved'],
  close: [...WORKING, 'resolved'],
  // An agent may have replied during the review (which opens the ticket) before accepting it.
  accept: ['new', 'acknowledged', 'open'],
  // Any time the ticket is not finished, also while it waits for a scope review (that is what it may end).
  reclassify: [...WORKING, 'resolved'],
};

/**
 * What agents may do while a ticket waits for its scope review: decide it (accept, reclassify, close) and work it
 * meanwhile (reply to the customer, assign it); its SLA clocks wait for the decision.
 */
const DURING_SCOPE_REVIEW: readonly AgentAction[] = ['accept', 'close', 'reclassify', 'reply', 'assign'];

export interface TicketFacts {
  status: TicketStatus;
  /** true while an out-of-scope ticket waits for an agent to accept it. */
  awaitingScopeReview: boolean;
  escalationLevel: string;
  escalationLadder: readonly string[];
  priority: Priority;
  /** The ticket's category (a reclassification to the same one is refused); absent when unknown. */
  category?: string;
}

/** Why an action is refused, or null when it is allowed. Pure, so validators stay synchronous. */
export function refusal(
  action: AgentAction,
  facts: TicketFacts,
  arg?: { priority?: Priority; category?: string },
): string | null {
  if (!ACTION_ALLOWED_FROM[action].includes(facts.status)) {
    return `cannot ${action} a ticket that is ${facts.status.replace('_', ' ')}`;
  }
  if (action === 'accept' && !facts.awaitingScopeReview) return 'the ticket is not awaiting a scope review';
  if (!DURING_SCOPE_REVIEW.includes(action) && facts.awaitingScopeReview) {
    return `the ticket is under scope review until an agent accepts it; accept, reclassify or close it first`;
  }
  if (action === 'escalate' && nextLevel(facts.escalationLevel, facts.escalationLadder) === null) {
    return `the ticket is already at the top escalation level (${facts.escalationLevel})`;
  }
  if (action === 'priority' && arg?.priority === facts.priority) return `the priority is already ${facts.priority}`;
  if (action === 'reclassify' && arg?.category !== undefined && arg.category === facts.category)
    return `the category is already ${facts.category}`;
  return null;
}

/** The status an agent action leads to. */
export function statusAfter(action: AgentAction, from: TicketStatus): TicketStatus {
  switch (action) {
    case 'reply':
      return from === 'acknowledged' || from === 'new' ? 'open' : from;
    case 'pending':
      return 'pending_customer';
    case 'resolve':
      return 'resolved';
    case 'reopen':
      return 'open';
    case 'close':
      return 'closed';
    default:
      return from;
  }
}

/** The status a customer's message leads to: it answers a pending question or reopens a resolved ticket. */
export function statusAfterCustomerReply(from: TicketStatus): TicketStatus {
  if (from === 'pending_customer' || from === 'resolved') return 'open';
  return from;
}

export function nextLevel(current: string, ladder: readonly string[]): string | null {
  const i = ladder.indexOf(current);
  return i >= 0 && i + 1 < ladder.length ? ladder[i + 1]! : null;
}

export function isTerminal(status: TicketStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * The agent actions `refusal` allows now, in AGENT_ACTIONS order: what a page offers and the API lists.
 * `priority` counts as allowed when some other priority could be chosen.
 */
export function availableActions(facts: TicketFacts): AgentAction[] {
  return AGENT_ACTIONS.filter((a) => refusal(a, facts) === null);
}
