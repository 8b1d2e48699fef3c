/** The data of a ticket's SLA: its state, the events it records and the effects it asks for. */
import type { TicketTerms } from '../agreement';
import type { CalendarSpec } from '../calendar';
import type { Metric, Priority, SlaPolicy } from '../policy';
import type { SlaClockState } from '../sla-clock';
import type { AgentAction, Channel, LiveSupportTool, TicketStatus } from '../ticket';
import type { ActivePause, PausedTimeRow, PausedTotal, PauseSnapshot } from './pause-types';
import type { LevelClock } from './level-types';
export type * from './pause-types';
export type * from './level-types';

export const METRICS: readonly Metric[] = ['first_response', 'next_response', 'resolution'];

export interface TicketCustomer {
  id: string;
  email: string;
  name?: string;
  trainingIncluded: boolean;
}

export interface TicketIntake {
  ticketId: string;
  subject: string;
  category: string;
  priority: Priority;
  channel: Channel;
  customer: TicketCustomer;
  receivedAt: string;
  calendar: CalendarSpec;
  policy: SlaPolicy;
  /** The customer's organization; absent for customers without one. */
  organizationId?: string;
  /** The agreement the ticket is opened under. Absent in tickets opened before agreements: the default's, with the customer's `trainingIncluded` as scope. */
  terms?: TicketTerms;
}

export type LiveSessionStatus = 'requested' | 'confirmed' | 'held' | 'no_show' | 'cancelled';

export interface LiveSession {
  /** Counts sessions on this ticket, so each one's reminders have their own keys. */
  seq: number;
  status: LiveSessionStatus;
  tool: LiveSupportTool;
  preferredTimes: string[];
  startsAt?: string;
  durationMinutes?: number;
  link?: string;
  agent?: string;
  outcome?: string;
}

export interface TicketSlaState extends TicketIntake {
  status: TicketStatus;
  assignee?: string;
  escalationLevel: string;
  awaitingScopeReview: boolean;
  scopeReviewDueAt?: string;
  clocks: Partial<Record<Metric, SlaClockState>>;
  /** Each metric's clock count: next response starts a new cycle per customer follow-up. */
  cycles: Record<Metric, number>;
  /** Timed events already fired, as `${metric}:${cycle}:${kind}` keys. */
  fired: string[];
  breachedAt: Partial<Record<Metric, string>>;
  agentHasReplied: boolean;
  resolvedAt?: string;
  /** The live support session (Google Meet, TeamViewer) asked for or booked on this ticket, if any. */
  live?: LiveSession;
  /** Bumped on every change; orders projections and names timeline events. */
  version: number;
  eventSeq: number;
  /** Clocks a reclassification into an out-of-scope category paused; they resume when the ticket is back in scope. */
  scopePaused?: Metric[];
  /** Scope reviews started by reclassification (the intake's own review is not counted): keys their notices. */
  scopeReviews?: number;
  /**
   * When the customer and the assignee are reminded that the review ends (`SCOPE_REVIEW_REMINDER_SHARE` of the
   * review window in); absent for reviews started before the reminder existed.
   */
  scopeReviewRemindAt?: string;
  /** What the ticket waits on while it is pending (tickets set pending before pause reasons existed have none). */
  pause?: ActivePause;
  /** Pauses ended so far, per reason id: how many and how long (business minutes on the ticket's calendar, and wall minutes). */
  pausedTime?: Record<string, PausedTotal>;
  /** The clock of the level the ticket was escalated to, when its step has `respondWithinMinutes` (level-clock.ts). */
  levelClock?: LevelClock;
}

export type SlaEventType =
  | 'received'
  | 'acknowledged'
  | 'warning'
  | 'breached'
  | 'escalated'
  | 'responded'
  | 'paused'
  | 'resumed'
  | 'priority_changed'
  | 'resolved'
  | 'reopened'
  | 'closed'
  | 'out_of_scope'
  | 'retimed'
  | 'reclassified'
  | 'live_session'
  | 'assigned'
  | 'pause_ended'
  | 'vendor_warning'
  | 'vendor_breached'
  | 'breach_action';

/** The SLA events webhook subscribers can receive. */
export const WEBHOOK_EVENTS = [
  'warning',
  'breached',
  'escalated',
  'resolved',
] as const satisfies readonly SlaEventType[];
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEvent = (type: SlaEventType): type is WebhookEventType =>
  (WEBHOOK_EVENTS as readonly SlaEventType[]).includes(type);

export interface SlaEvent {
  key: string;
  type: SlaEventType;
  /** `level`: a level clock's event (`level` names the level). */
  metric?: Metric | 'level';
  at: string;
  dueAt?: string;
  /** `escalated`: the level reached; `warning` and `breached`: the level the ticket was at. */
  level?: string;
  detail?: Record<string, string | number | boolean>;
}

export type NotificationKind =
  | 'acknowledgement'
  | 'agent_reply'
  | 'awaiting_customer'
  | 'warning'
  | 'breach'
  | 'escalation'
  | 'resolution'
  | 'auto_close'
  | 'out_of_scope'
  | 'scope_accepted'
  | 'scope_review_reminder'
  | 'live_confirmed'
  | 'live_reminder'
  | 'assigned'
  | 'customer_reply'
  | 'pause_expired'
  | 'vendor_warning'
  | 'vendor_breach'
  | 'vendor_chaser'
  | 'level_warning'
  | 'level_breach';

/** Who a notice goes to: the customer, the contacts of an escalation level, or one agent (by user id). */
export type NoticeAudience =
  | { kind: 'customer' }
  | { kind: 'level'; level: string }
  /** `by`: the user whose action this notice is about; an agent is never mailed about their own. */
  | { kind: 'agent'; agent: string; by?: string }
  /** Addresses outside the desk (a vendor's contacts). */
  | { kind: 'emails'; emails: string[] }
  /** The admins of the ticket's organization (a policy's reminders to `organization`). */
  | { kind: 'organization'; organizationId: string };

export type Effect =
  | { type: 'event'; event: SlaEvent }
  | {
      type: 'notify';
      key: string;
      kind: NotificationKind;
      audience: NoticeAudience;
      metric?: Metric;
      level?: string;
      dueAt?: string;
      reason?: string;
      body?: string;
      /** The thread message a notice is about (a customer's message the assignee hears of). */
      messageId?: string;
      /** Scope notices: the category decided on and, for a reclassification, the one it replaced. */
      category?: string;
      fromCategory?: string;
      /** A policy's reminder: the fraction of the target it is at. */
      threshold?: number;
    };

export type TimedEventKind =
  | 'warning'
  | 'breach'
  | 'escalate'
  | 'scope_review_reminder'
  | 'scope_review_expired'
  | 'auto_close'
  | 'live_reminder'
  | 'pause_expired'
  | 'vendor_warning'
  | 'vendor_breach'
  | 'reminder'
  | 'vendor_reminder'
  | 'level_warning'
  | 'level_breach'
  | 'level_reminder';

export interface TimedEvent {
  kind: TimedEventKind;
  at: Date;
  /** For live-session reminders: how many minutes before the session this one goes out. */
  minutesBefore?: number;
  metric?: Metric;
  level?: string;
  /** For a policy's reminders: which of them (its index in `policy.reminders`). */
  reminder?: number;
  /** For timer summaries in the Temporal UI: written only for the event a timer waits on (formatting costs). */
  describe: () => string;
}

export type SlaState = 'ok' | 'warning' | 'breached';

export interface ClockSnapshot {
  /** `vendor`: the clock of the third party the ticket waits on (`vendor` names it), on the vendor's calendar. */
  metric: Metric | 'vendor' | 'level';
  vendor?: string;
  /** `level`: the clock of the escalation level named here (its `respondWithinMinutes`), on the ticket's calendar. */
  level?: string;
  clock: 'business' | '24x7';
  targetMinutes: number;
  usedMinutes: number;
  remainingMinutes: number;
  dueAt: string | null;
  warningAt: string | null;
  paused: boolean;
  stopped: boolean;
  /** When the clock stopped (its target met, or answered after its breach); null while it runs or is paused. */
  stoppedAt: string | null;
  breached: boolean;
  cycle: number;
}

export interface TicketSnapshot {
  ticketId: string;
  status: TicketStatus;
  priority: Priority;
  category: string;
  customerId: string;
  assignee: string | null;
  escalationLevel: string;
  slaState: SlaState;
  awaitingScopeReview: boolean;
  scopeReviewDueAt: string | null;
  nextDeadline: string | null;
  receivedAt: string;
  policyVersion: number;
  clocks: ClockSnapshot[];
  live: LiveSession | null;
  /** The ticket's state version (bumped on every change), not the agreement's: that is `agreement.version`. */
  version: number;
  /** The agreement, calendar and policy the ticket runs under, by name and version (calendar null for tickets opened before agreements). */
  agreement: { id: string; version: number };
  calendar: { id: string; version: number } | null;
  policy: { id: string; version: number };
  /** The agent actions valid now, by the ticket's own policy (domain/ticket.ts `availableActions`); none once finished. */
  availableActions: AgentAction[];
  /** What the ticket waits on now, or null when it is not paused for a reason. */
  pause: PauseSnapshot | null;
  /** Time paused per reason so far (the current pause up to now included), in the order reasons were first used. */
  pausedTime: PausedTimeRow[];
}
