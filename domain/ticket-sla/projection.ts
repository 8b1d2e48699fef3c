/** The row lists and searches read for a ticket, derived from its state after a change. */
import type { ClockSnapshot, TicketSlaState, TicketSnapshot } from './types';

export interface TicketProjection {
  id: string;
  /** The state's version: the store applies a row only over an older one. */
  version: number;
  status: string;
  priority: string;
  category: string;
  customerId: string;
  /** The customer's organization, when they belong to one. */
  organizationId?: string;
  subject: string;
  assignee?: string;
  escalationLevel: string;
  slaState: string;
  nextDeadline?: string;
  scopeReviewDueAt?: string;
  /** What the ticket waits on, in its pause reason's words (the portal says it); absent when it waits on nothing named. */
  waitingOn?: string;
  clocks: ClockSnapshot[];
  receivedAt: string;
  updatedAt: string;
}

/** `snap` is the state's snapshot at `now`, the instant of the change. */
export function ticketProjection(s: TicketSlaState, snap: TicketSnapshot, now: Date): TicketProjection {
  return {
    id: s.ticketId,
    version: s.version,
    status: snap.status,
    priority: snap.priority,
    category: snap.category,
    customerId: snap.customerId,
    ...(s.organizationId ? { organizationId: s.organizationId } : {}),
    subject: s.subject,
    assignee: snap.assignee ?? undefined,
    escalationLevel: snap.escalationLevel,
    slaState: snap.slaState,
    // Under a scope review no clock runs: the review's end is the deadline lists sort and show it by.
    nextDeadline: snap.nextDeadline ?? snap.scopeReviewDueAt ?? undefined,
    scopeReviewDueAt: snap.scopeReviewDueAt ?? undefined,
    waitingOn: snap.pause?.label,
    clocks: snap.clocks,
    receivedAt: s.receivedAt,
    updatedAt: now.toISOString(),
  };
}
