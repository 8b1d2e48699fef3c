/** Building blocks shared by the intake, the actions and the timers: clocks, recorder, closure. */
import * as clock from '../sla-clock';
import { customerScope, type AgreementScope } from '../agreement';
import type { BusinessCalendar } from '../calendar';
import type { Metric, Priority, SlaPolicy } from '../policy';
import type { SlaClockState } from '../sla-clock';
import type { TicketFacts } from '../ticket';
import {
  METRICS,
  type Effect,
  type SlaEvent,
  type SlaEventType,
  type TicketIntake,
  type TicketSlaState,
} from './types';

/** The agreement's scope; tickets opened before agreements carry only the customer's `trainingIncluded`. */
export function scopeOf(t: Pick<TicketIntake, 'terms' | 'customer'>): AgreementScope {
  return t.terms?.scope ?? customerScope(t.customer.trainingIncluded);
}

export function escalationLadder(policy: SlaPolicy): string[] {
  return ['L1', ...policy.escalation.map((s) => s.level)];
}

/** The facts the lifecycle's rules (domain/ticket.ts `refusal`) judge an action by, from this ticket's own policy. */
export function ticketFacts(s: TicketSlaState): TicketFacts {
  return {
    status: s.status,
    awaitingScopeReview: s.awaitingScopeReview,
    escalationLevel: s.escalationLevel,
    escalationLadder: escalationLadder(s.policy),
    priority: s.priority,
    category: s.category,
  };
}

export function targetsFor(policy: SlaPolicy, priority: Priority) {
  const t = policy.targets[priority];
  return { first_response: t.firstResponse, next_response: t.nextResponse, resolution: t.resolution };
}

export class Recorder {
  readonly effects: Effect[] = [];
  constructor(private readonly s: TicketSlaState) {}
  event(type: SlaEventType, at: Date, extra: Omit<SlaEvent, 'key' | 'type' | 'at'> = {}): void {
    this.s.eventSeq += 1;
    this.effects.push({
      type: 'event',
      event: { key: `${this.s.ticketId}:${this.s.eventSeq}`, type, at: at.toISOString(), ...extra },
    });
  }
  notify(n: Omit<Extract<Effect, { type: 'notify' }>, 'type'>): void {
    this.effects.push({ type: 'notify', ...n });
  }
}

export function touch(s: TicketSlaState): void {
  s.version += 1;
}

export function startClocks(s: TicketSlaState, now: Date): void {
  const targets = targetsFor(s.policy, s.priority);
  s.clocks.first_response = clock.startClock('first_response', targets.first_response, now);
  s.clocks.resolution = clock.startClock('resolution', targets.resolution, now);
  s.cycles.first_response = 1;
  s.cycles.resolution = 1;
}

/** The clock's own predicates, narrowed for a metric that may have no clock yet. */
export function isRunning(c: SlaClockState | undefined): c is SlaClockState {
  return !!c && !clock.isStopped(c) && clock.isRunning(c);
}

export function isActive(c: SlaClockState | undefined): c is SlaClockState {
  return !!c && !clock.isStopped(c);
}

export function respond(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar): void {
  s.agentHasReplied = true;
  for (const metric of ['first_response', 'next_response'] as const) {
    if (isActive(s.clocks[metric])) stopClock(s, r, metric, now, cal, 'responded');
  }
}

export function stopClock(
  s: TicketSlaState,
  r: Recorder,
  metric: Metric,
  now: Date,
  cal: BusinessCalendar,
  type: 'responded' | 'resolved',
): void {
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

export function pauseResolution(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar): void {
  const c = s.clocks.resolution;
  if (!isRunning(c)) return;
  const due = clock.dueAt(c, now, cal);
  s.clocks.resolution = clock.pauseClock(c, now, cal);
  r.event('paused', now, {
    metric: 'resolution',
    dueAt: due?.toISOString(),
    detail: { businessMinutesUsed: round(s.clocks.resolution.usedMinutes) },
  });
}

export function resumeResolution(
  s: TicketSlaState,
  r: Recorder,
  now: Date,
  cal: BusinessCalendar,
  type: 'resumed' | 'reopened',
): void {
  const c = s.clocks.resolution;
  if (!c) return;
  const wasStopped = c.stoppedAt !== null;
  if (!wasStopped && c.runningSince !== null) return;
  const reopened: SlaClockState = wasStopped ? { ...c, stoppedAt: null, runningSince: null } : c;
  s.clocks.resolution = clock.resumeClock(reopened, now);
  const due = clock.dueAt(s.clocks.resolution, now, cal);
  r.event(type, now, { metric: 'resolution', dueAt: due?.toISOString() });
}

export function reopen(s: TicketSlaState, r: Recorder, now: Date): void {
  s.status = 'open';
  s.resolvedAt = undefined;
  const c = s.clocks.resolution;
  if (c) s.clocks.resolution = clock.resumeClock({ ...c, stoppedAt: null, runningSince: null }, now);
  r.event('reopened', now, { metric: 'resolution' });
}

export function close(s: TicketSlaState, r: Recorder, now: Date, cal: BusinessCalendar, reason: string): void {
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (isActive(c)) s.clocks[metric] = clock.stopClock(c, now, cal);
  }
  s.status = 'closed';
  s.awaitingScopeReview = false;
  r.event('closed', now, { detail: { reason } });
}

export function changePriority(
  s: TicketSlaState,
  r: Recorder,
  priority: Priority,
  now: Date,
  cal: BusinessCalendar,
): void {
  const from = s.priority;
  s.priority = priority;
  retargetAll(s, now, cal);
  r.event('priority_changed', now, { detail: { from, to: priority } });
}

export function retargetAll(s: TicketSlaState, now: Date, cal: BusinessCalendar): void {
  const targets = targetsFor(s.policy, s.priority);
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (isActive(c)) s.clocks[metric] = clock.retarget(c, targets[metric], now, cal);
  }
}

export const firedKey = (metric: Metric, cycle: number, kind: string) => `${metric}:${cycle}:${kind}`;

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
