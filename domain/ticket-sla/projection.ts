/**
 * The row lists, searches and ticket pages read for a ticket, derived from its state after a change; and the
 * snapshot a page shows, counted from that row to the reader's `now` (no workflow is asked).
 */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import type { Priority } from '../policy';
import type { SlaClockState } from '../sla-clock';
import type { AgentAction, TicketStatus } from '../ticket';
import { round } from './core';
import { pausedTimeAt } from './pauses';
import { levelClockAt } from './level-clock';
import type {
  ClockSnapshot,
  LiveSession,
  PausedTotal,
  PauseSnapshot,
  SlaState,
  TicketSlaState,
  TicketSnapshot,
} from './types';

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
  /**
   * The rest of the snapshot, so a ticket's page is read from this row. Absent on rows written before it was carried
   * (the desk then asks the workflow once more).
   */
  awaitingScopeReview?: boolean;
  live?: LiveSession | null;
  agreement?: TicketSnapshot['agreement'];
  calendar?: TicketSnapshot['calendar'];
  policy?: TicketSnapshot['policy'];
  availableActions?: AgentAction[];
  /** The clocks themselves (minutes used before the running stretch, its start): a read counts on to its own now. */
  clockStates?: SlaClockState[];
  /** What the ticket waits on, and the time paused per reason by ended pauses (a read adds the running one's). */
  pause?: PauseSnapshot | null;
  pausedTotals?: Record<string, PausedTotal>;
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
    awaitingScopeReview: snap.awaitingScopeReview,
    live: snap.live,
    agreement: snap.agreement,
    calendar: snap.calendar,
    policy: snap.policy,
    availableActions: snap.availableActions,
    clockStates: Object.values(s.clocks).filter((c): c is SlaClockState => Boolean(c)),
    pause: snap.pause,
    pausedTotals: s.pausedTime ?? {},
  };
}

/** The parts of a row `snapshotAt` reads; a row from before they were carried lacks them. */
export type FullProjection = TicketProjection &
  Required<Pick<TicketProjection, 'awaitingScopeReview' | 'policy' | 'availableActions' | 'clockStates'>>;

export const carriesSnapshot = (p: TicketProjection): p is FullProjection =>
  p.awaitingScopeReview !== undefined &&
  p.policy !== undefined &&
  p.availableActions !== undefined &&
  p.clockStates !== undefined;

/**
 * The snapshot a query would answer, from the row of the ticket's last change, at `now`: only a running clock's
 * used and remaining minutes move between changes, and whether its warning or breach instant has passed (the
 * workflow fires each at that instant; a read in between, or while no worker runs, shows what the clock says now).
 * `cal` is the ticket's own calendar.
 */
export function snapshotAt(p: FullProjection, now: Date, cal: BusinessCalendar): TicketSnapshot {
  const passed = (at: string | null) => at !== null && Date.parse(at) <= now.getTime();
  let slaState = p.slaState as SlaState;
  let next: string | null = null;
  const clocks = p.clocks.map((c): ClockSnapshot => {
    if (c.stopped) return c;
    // A level's clock counts on, but it is the staff's: it moves neither the SLA state nor the next deadline.
    if (c.metric === 'level') return levelClockAt(c, now, cal);
    if (c.dueAt && (next === null || Date.parse(c.dueAt) < Date.parse(next))) next = c.dueAt;
    const state = p.clockStates.find((s) => s.metric === c.metric);
    if (c.paused || !state) return c;
    const used = clock.usedMinutes(state, now, cal);
    const breached = c.breached || passed(c.dueAt);
    if (breached) slaState = 'breached';
    else if (slaState === 'ok' && passed(c.warningAt)) slaState = 'warning';
    return { ...c, usedMinutes: round(used), remainingMinutes: round(c.targetMinutes - used), breached };
  });
  return {
    ticketId: p.id,
    status: p.status as TicketStatus,
    priority: p.priority as Priority,
    category: p.category,
    customerId: p.customerId,
    assignee: p.assignee ?? null,
    escalationLevel: p.escalationLevel,
    slaState,
    awaitingScopeReview: p.awaitingScopeReview,
    scopeReviewDueAt: p.scopeReviewDueAt ?? null,
    nextDeadline: next,
    receivedAt: p.receivedAt,
    policyVersion: p.policy.version,
    clocks,
    live: p.live ?? null,
    version: p.version,
    agreement: p.agreement ?? { id: 'default', version: p.policy.version },
    calendar: p.calendar ?? null,
    policy: p.policy,
    availableActions: p.availableActions,
    pause: p.pause ?? null,
    pausedTime: pausedTimeAt(p.pausedTotals, p.pause ?? null, now, cal),
  };
}
