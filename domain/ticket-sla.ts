import type { BusinessCalendar, CalendarSpec } from './calendar';
import { isOutOfScope, type Metric, type Priority, type SlaPolicy } from './policy';
import * as clock from './sla-clock';
import type { SlaClockState } from './sla-clock';
import { nextLevel, statusAfter, statusAfterCustomerReply, type AgentAction, type Channel, type TicketStatus } from './ticket';

/**
 * The SLA decisions of one ticket as a pure state machine. The workflow owns the state, feeds it
 * messages and timer firings, and carries out the effects it returns; nothing here reads a clock.
 */

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
  /** Bumped on every change; orders projections and names timeline events. */
  version: number;
  eventSeq: number;
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
  | 'retimed';

export interface SlaEvent {
  key: string;
  type: SlaEventType;
  metric?: Metric;
  at: string;
  dueAt?: string;
  level?: string;
  detail?: Record<string, string | number | boolean>;
}

export type NotificationKind =
  | 'acknowledgement'
  | 'agent_reply'
  | 'warning'
  | 'breach'
  | 'escalation'
  | 'resolution'
  | 'auto_close'
  | 'out_of_scope'
  | 'scope_accepted';

export type Effect =
  | { type: 'event'; event: SlaEvent }
  | {
      type: 'notify';
      key: string;
      kind: NotificationKind;
      audience: { kind: 'customer' } | { kind: 'level'; level: string };
      metric?: Metric;
      level?: string;
      dueAt?: string;
      reason?: string;
      body?: string;
    };

export type TimedEventKind = 'warning' | 'breach' | 'escalate' | 'scope_review_expired' | 'auto_close';

export interface TimedEvent {
  kind: TimedEventKind;
  at: Date;
  metric?: Metric;
  level?: string;
  /** For timer summaries in the Temporal UI. */
  description: string;
}

export function escalationLadder(policy: SlaPolicy): string[] {
  return ['L1', ...policy.escalation.map((s) => s.level)];
}

function targetsFor(policy: SlaPolicy, priority: Priority) {
  const t = policy.targets[priority];
  return { first_response: t.firstResponse, next_response: t.nextResponse, resolution: t.resolution };
}

class Recorder {
  readonly effects: Effect[] = [];
  constructor(private readonly s: TicketSlaState) {}
  event(type: SlaEventType, at: Date, extra: Omit<SlaEvent, 'key' | 'type' | 'at'> = {}): void {
    this.s.eventSeq += 1;
    this.effects.push({ type: 'event', event: { key: `${this.s.ticketId}:${this.s.eventSeq}`, type, at: at.toISOString(), ...extra } });
  }
  notify(n: Omit<Extract<Effect, { type: 'notify' }>, 'type'>): void {
    this.effects.push({ type: 'notify', ...n });
  }
}

function touch(s: TicketSlaState): void {
  s.version += 1;
}

function startClocks(s: TicketSlaState, now: Date): void {
  const targets = targetsFor(s.policy, s.priority);
  s.clocks.first_response = clock.startClock('first_response', targets.first_response, now);
  s.clocks.resolution = clock.startClock('resolution', targets.resolution, now);
  s.cycles.first_response = 1;
  s.cycles.resolution = 1;
}

function isRunning(c: SlaClockState | undefined): c is SlaClockState {
  return !!c && c.stoppedAt === null && c.runningSince !== null;
}

function isActive(c: SlaClockState | undefined): c is SlaClockState {
  return !!c && c.stoppedAt === null;
}

/** A new ticket: the acknowledgement, the clocks, and the scope check. */
export function receive(intake: TicketIntake, cal: BusinessCalendar): { state: TicketSlaState; effects: Effect[] } {
  const now = new Date(intake.receivedAt);
  const s: TicketSlaState = {
    ...intake,
    status: 'new',
    escalationLevel: 'L1',
    awaitingScopeReview: false,
    clocks: {},
    cycles: { first_response: 0, next_response: 0, resolution: 0 },
    fired: [],
    breachedAt: {},
    agentHasReplied: false,
    version: 1,
    eventSeq: 0,
  };
  const r = new Recorder(s);
  r.event('received', now, { detail: { channel: intake.channel, priority: intake.priority, category: intake.category } });
  if (isOutOfScope(intake.category, { trainingIncluded: intake.customer.trainingIncluded }, intake.policy)) {
    s.awaitingScopeReview = true;
    s.scopeReviewDueAt = cal.deadline(now, intake.policy.reviewWindowMinutes).toISOString();
    r.notify({ key: ACKNOWLEDGEMENT_KEY(s.ticketId), kind: 'out_of_scope', audience: { kind: 'customer' }, reason: scopeReason(intake.category), dueAt: s.scopeReviewDueAt });
  } else {
    startClocks(s, now);
    const due = clock.dueAt(s.clocks.first_response!, now, cal)!;
    r.notify({ key: ACKNOWLEDGEMENT_KEY(s.ticketId), kind: 'acknowledgement', audience: { kind: 'customer' }, metric: 'first_response', dueAt: due.toISOString() });
  }
  return { state: s, effects: r.effects };
}

/** The receipt's notification key; the workflow calls `acknowledged` once that mail is out. */
export const ACKNOWLEDGEMENT_KEY = (ticketId: string) => `${ticketId}:acknowledgement`;

export function acknowledged(s: TicketSlaState, now: Date, cal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  if (s.status === 'new') s.status = 'acknowledged';
  const first = s.clocks.first_response;
  const due = first && first.stoppedAt === null ? clock.dueAt(first, now, cal) : null;
  if (s.awaitingScopeReview) r.event('acknowledged', now, { detail: { outOfScope: true, reviewDueAt: s.scopeReviewDueAt ?? '' } });
  else r.event('acknowledged', now, { metric: 'first_response', dueAt: due?.toISOString() });
  touch(s);
  return r.effects;
}

export function scopeReason(category: string): string {
  switch (category) {
    case 'training':
      return 'training on product usage is not included in your agreed service scope';
    case 'custom-development':
      return 'custom development or modifications are not covered by support';
    case 'third-party':
      return 'support for third-party products or services is not covered';
    default:
      return `the category "${category}" is outside the support scope`;
  }
}

export interface AgentActionInput {
  action: AgentAction;
  agent?: string;
  priority?: Priority;
  reason?: string;
  body?: string;
  messageId?: string;
}

/** Applies an agent action already validated by `refusal` (domain/ticket.ts). */
export function applyAgentAction(s: TicketSlaState, input: AgentActionInput, now: Date, cal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  const from = s.status;
  switch (input.action) {
    case 'assign':
      s.assignee = input.agent;
      break;
    case 'reply':
      respond(s, r, now, cal);
      if (input.body) {
        r.notify({ key: `${s.ticketId}:agent_reply:${input.messageId ?? s.eventSeq}`, kind: 'agent_reply', audience: { kind: 'customer' }, body: input.body });
      }
      break;
    case 'priority':
      changePriority(s, r, input.priority!, now, cal);
      break;
    case 'pending':
      pauseResolution(s, r, now, cal);
      break;
    case 'escalate': {
      const level = nextLevel(s.escalationLevel, escalationLadder(s.policy))!;
      s.escalationLevel = level;
      const reason = input.reason ? `escalated by ${input.agent ?? 'an agent'}: ${input.reason}` : `escalated by ${input.agent ?? 'an agent'}`;
      r.event('escalated', now, { level, detail: { manual: true, reason } });
      r.notify({ key: `${s.ticketId}:manual_escalation:${level}`, kind: 'escalation', audience: { kind: 'level', level }, level, reason });
      break;
    }
    case 'resolve':
      respond(s, r, now, cal);
      stopClock(s, r, 'resolution', now, cal, 'resolved');
      s.resolvedAt = now.toISOString();
      r.notify({ key: `${s.ticketId}:resolution:${s.eventSeq}`, kind: 'resolution', audience: { kind: 'customer' }, body: input.body });
      break;
    case 'reopen':
      reopen(s, r, now);
      break;
    case 'close':
      close(s, r, now, cal, input.reason ?? `closed by ${input.agent ?? 'an agent'}`);
      break;
    case 'accept': {
      s.awaitingScopeReview = false;
      s.scopeReviewDueAt = undefined;
      startClocks(s, now);
      const due = clock.dueAt(s.clocks.first_response!, now, cal)!;
      r.notify({ key: `${s.ticketId}:scope_accepted`, kind: 'scope_accepted', audience: { kind: 'customer' }, metric: 'first_response', dueAt: due.toISOString() });
      break;
    }
  }
  if (input.action !== 'reopen' && input.action !== 'close') s.status = statusAfter(input.action, from);
  touch(s);
  return r.effects;
}

function respond(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar): void {
  s.agentHasReplied = true;
  for (const metric of ['first_response', 'next_response'] as const) {
    if (isActive(s.clocks[metric])) stopClock(s, r, metric, now, cal, 'responded');
  }
}

function stopClock(s: TicketSlaState, r: Recorder, metric: Metric, now: Date, cal: BusinessCalendar, type: 'responded' | 'resolved'): void {
  const c = s.clocks[metric];
  if (!isActive(c)) return;
  const due = clock.dueAt(c, now, cal);
  const used = clock.usedMinutes(c, now, cal);
  s.clocks[metric] = clock.stopClock(c, now, cal);
  r.event(type, now, {
    metric,
    dueAt: due?.toISOString(),
    detail: { businessMinutesUsed: round(used), targetMinutes: c.targetMinutes, met: used <= c.targetMinutes },
  });
}

function pauseResolution(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar): void {
  const c = s.clocks.resolution;
  if (!isRunning(c)) return;
  const due = clock.dueAt(c, now, cal);
  s.clocks.resolution = clock.pauseClock(c, now, cal);
  r.event('paused', now, { metric: 'resolution', dueAt: due?.toISOString(), detail: { businessMinutesUsed: round(s.clocks.resolution.usedMinutes) } });
}

function resumeResolution(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar, type: 'resumed' | 'reopened'): void {
  const c = s.clocks.resolution;
  if (!c) return;
  const wasStopped = c.stoppedAt !== null;
  if (!wasStopped && c.runningSince !== null) return;
  const reopened: SlaClockState = wasStopped ? { ...c, stoppedAt: null, runningSince: null } : c;
  s.clocks.resolution = clock.resumeClock(reopened, now);
  const due = clock.dueAt(s.clocks.resolution, now, cal);
  r.event(type, now, { metric: 'resolution', dueAt: due?.toISOString() });
}

function reopen(s: TicketSlaState, r: Recorder, now: Date): void {
  s.status = 'open';
  s.resolvedAt = undefined;
  const c = s.clocks.resolution;
  if (c) s.clocks.resolution = clock.resumeClock({ ...c, stoppedAt: null, runningSince: null }, now);
  r.event('reopened', now, { metric: 'resolution' });
}

function close(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar, reason: string): void {
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (isActive(c)) s.clocks[metric] = clock.stopClock(c, now, cal);
  }
  s.status = 'closed';
  s.awaitingScopeReview = false;
  r.event('closed', now, { detail: { reason } });
}

function changePriority(s: TicketSlaState, r: Recorder, priority: Priority, now: Date, cal: BusinessCalendar): void {
  const from = s.priority;
  s.priority = priority;
  retargetAll(s, now, cal);
  r.event('priority_changed', now, { detail: { from, to: priority } });
}

function retargetAll(s: TicketSlaState, now: Date, cal: BusinessCalendar): void {
  const targets = targetsFor(s.policy, s.priority);
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (isActive(c)) s.clocks[metric] = clock.retarget(c, targets[metric], now, cal);
  }
}

/** An admin moved the ticket to a new policy or calendar version: keep the business time used. */
export function retime(s: TicketSlaState, policy: SlaPolicy, calendar: CalendarSpec, now: Date, oldCal: BusinessCalendar, newCal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  // Fold the time used so far under the old calendar before switching.
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (isRunning(c)) s.clocks[metric] = clock.resumeClock(clock.pauseClock(c, now, oldCal), now);
  }
  const fromVersion = s.policy.version;
  s.policy = policy;
  s.calendar = calendar;
  retargetAll(s, now, newCal);
  r.event('retimed', now, { detail: { fromPolicyVersion: fromVersion, toPolicyVersion: policy.version } });
  touch(s);
  return r.effects;
}

/** A customer's message: answers a pending question, reopens a resolved ticket, or starts a next-response clock. */
export function applyCustomerReply(s: TicketSlaState, now: Date, cal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  const from = s.status;
  if (from === 'closed' || from === 'out_of_scope') return [];
  if (from === 'pending_customer') resumeResolution(s, r, now, cal, 'resumed');
  if (from === 'resolved') reopen(s, r, now);
  s.status = statusAfterCustomerReply(from);
  if (s.agentHasReplied && !isActive(s.clocks.next_response) && !s.awaitingScopeReview) {
    s.cycles.next_response += 1;
    s.clocks.next_response = clock.startClock('next_response', targetsFor(s.policy, s.priority).next_response, now);
  }
  touch(s);
  return r.effects;
}

const firedKey = (metric: Metric, cycle: number, kind: string) => `${metric}:${cycle}:${kind}`;

/** The earliest timed event still to come (or overdue), or null when only a message can move the ticket. */
export function nextTimedEvent(s: TicketSlaState, now: Date, cal: BusinessCalendar): TimedEvent | null {
  const candidates: TimedEvent[] = [];
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (!isRunning(c)) continue;
    const cycle = s.cycles[metric];
    const due = clock.dueAt(c, now, cal)!;
    const label = metric.replace('_', ' ');
    if (!s.fired.includes(firedKey(metric, cycle, 'warning'))) {
      const at = clock.warningAt(c, s.policy.warningAt, now, cal)!;
      candidates.push({ kind: 'warning', at, metric, description: `${label} warning; due ${cal.formatLocal(due)}` });
    }
    if (!s.fired.includes(firedKey(metric, cycle, 'breach'))) {
      candidates.push({ kind: 'breach', at: due, metric, description: `${label} deadline ${cal.formatLocal(due)}` });
      continue;
    }
    const breachedAt = new Date(s.breachedAt[metric]!);
    const step = s.policy.escalation.find((e) => !s.fired.includes(firedKey(metric, cycle, `escalate:${e.level}`)));
    if (step) {
      const at = cal.deadline(breachedAt, step.afterBreachMinutes);
      candidates.push({ kind: 'escalate', at, metric, level: step.level, description: `${label} escalation to ${step.level} at ${cal.formatLocal(at)}` });
    }
  }
  if (s.awaitingScopeReview && s.scopeReviewDueAt) {
    const at = new Date(s.scopeReviewDueAt);
    candidates.push({ kind: 'scope_review_expired', at, description: `scope review ends ${cal.formatLocal(at)}` });
  }
  if (s.status === 'resolved' && s.resolvedAt) {
    const at = cal.deadline(new Date(s.resolvedAt), s.policy.autoCloseAfterMinutes);
    candidates.push({ kind: 'auto_close', at, description: `auto-close ${cal.formatLocal(at)}` });
  }
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime());
  return candidates[0] ?? null;
}

/** Fires a timed event that is due. `now` is when it actually fired; `event.at` when it was due. */
export function fireTimedEvent(s: TicketSlaState, e: TimedEvent, now: Date, cal: BusinessCalendar): Effect[] {
  const r = new Recorder(s);
  const dueAt = e.at.toISOString();
  switch (e.kind) {
    case 'warning': {
      const metric = e.metric!;
      s.fired.push(firedKey(metric, s.cycles[metric], 'warning'));
      const due = clock.dueAt(s.clocks[metric]!, now, cal)!.toISOString();
      r.event('warning', now, { metric, dueAt: due, detail: { warningAt: dueAt } });
      r.notify({ key: `${s.ticketId}:warning:${metric}:${s.cycles[metric]}`, kind: 'warning', audience: { kind: 'level', level: s.escalationLevel }, metric, dueAt: due });
      break;
    }
    case 'breach': {
      const metric = e.metric!;
      s.fired.push(firedKey(metric, s.cycles[metric], 'breach'));
      s.breachedAt[metric] = dueAt;
      r.event('breached', now, { metric, dueAt });
      r.notify({ key: `${s.ticketId}:breach:${metric}:${s.cycles[metric]}`, kind: 'breach', audience: { kind: 'level', level: s.escalationLevel }, metric, dueAt });
      break;
    }
    case 'escalate': {
      const metric = e.metric!;
      const level = e.level!;
      s.fired.push(firedKey(metric, s.cycles[metric], `escalate:${level}`));
      const ladder = escalationLadder(s.policy);
      if (ladder.indexOf(level) > ladder.indexOf(s.escalationLevel)) s.escalationLevel = level;
      const breachDue = s.breachedAt[metric];
      r.event('escalated', now, { metric, level, dueAt: breachDue, detail: { escalationDueAt: dueAt } });
      r.notify({ key: `${s.ticketId}:escalation:${metric}:${level}:${s.cycles[metric]}`, kind: 'escalation', audience: { kind: 'level', level }, metric, level, dueAt: breachDue });
      break;
    }
    case 'scope_review_expired':
      s.awaitingScopeReview = false;
      s.status = 'out_of_scope';
      r.event('out_of_scope', now, { dueAt, detail: { category: s.category, reason: scopeReason(s.category) } });
      break;
    case 'auto_close':
      close(s, r, now, cal, 'closed automatically after the quiet period');
      r.notify({ key: `${s.ticketId}:auto_close`, kind: 'auto_close', audience: { kind: 'customer' } });
      break;
  }
  touch(s);
  return r.effects;
}

export type SlaState = 'ok' | 'warning' | 'breached';

export interface ClockSnapshot {
  metric: Metric;
  clock: 'business' | '24x7';
  targetMinutes: number;
  usedMinutes: number;
  remainingMinutes: number;
  dueAt: string | null;
  warningAt: string | null;
  paused: boolean;
  stopped: boolean;
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
  version: number;
}

export function snapshot(s: TicketSlaState, now: Date, cal: BusinessCalendar): TicketSnapshot {
  const clocks: ClockSnapshot[] = [];
  let slaState: SlaState = 'ok';
  let next: Date | null = null;
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (!c) continue;
    const cycle = s.cycles[metric];
    const breached = s.fired.includes(firedKey(metric, cycle, 'breach'));
    const warned = s.fired.includes(firedKey(metric, cycle, 'warning'));
    const stopped = c.stoppedAt !== null;
    const due = stopped ? null : clock.dueAt(c, now, cal);
    const warn = stopped ? null : clock.warningAt(c, s.policy.warningAt, now, cal);
    if (!stopped) {
      if (breached) slaState = 'breached';
      else if (warned && slaState === 'ok') slaState = 'warning';
      if (due && (!next || due < next)) next = due;
    }
    const used = clock.usedMinutes(c, now, cal);
    clocks.push({
      metric,
      clock: c.clock,
      targetMinutes: c.targetMinutes,
      usedMinutes: round(used),
      remainingMinutes: round(c.targetMinutes - used),
      dueAt: due ? due.toISOString() : null,
      warningAt: warn ? warn.toISOString() : null,
      paused: !stopped && c.runningSince === null,
      stopped,
      breached,
      cycle,
    });
  }
  return {
    ticketId: s.ticketId,
    status: s.status,
    priority: s.priority,
    category: s.category,
    customerId: s.customer.id,
    assignee: s.assignee ?? null,
    escalationLevel: s.escalationLevel,
    slaState,
    awaitingScopeReview: s.awaitingScopeReview,
    scopeReviewDueAt: s.scopeReviewDueAt ?? null,
    nextDeadline: next ? (next as Date).toISOString() : null,
    receivedAt: s.receivedAt,
    policyVersion: s.policy.version,
    clocks,
    version: s.version,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
