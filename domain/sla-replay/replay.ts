/**
 * Replays a ticket's recorded facts through the same domain code its workflow runs (receive, actions, customer
 * replies, timed events), firing each timer at its own instant, as a workflow whose timers are never late would.
 */
import { createCalendar, type BusinessCalendar, type CalendarSpec } from '../calendar';
import type { AgreementScope } from '../agreement';
import { isTerminal, refusal } from '../ticket';
import type { SlaPolicy, Metric } from '../policy';
import type { SlaClockState } from '../sla-clock';
import { DEFAULT_PAUSE_REASON, pausesOf } from '../policy-pauses';
import { ticketFacts } from '../ticket-sla/core';
import { receive, acknowledged } from '../ticket-sla/intake';
import { applyAgentAction, applyCustomerReply, retime } from '../ticket-sla/actions';
import { nextTimedEvent, fireTimedEvent } from '../ticket-sla/timers';
import { snapshot } from '../ticket-sla/snapshot';
import { METRICS, type Effect, type SlaEvent, type TicketSlaState, type TicketSnapshot } from '../ticket-sla/types';
import type { ReplayFact, ReplayTicket } from './facts';

export interface ReplayTerms {
  policy: SlaPolicy;
  calendar: CalendarSpec;
  /** The agreement's scope, which decides whether a category is out of scope. */
  scope: AgreementScope;
}

export interface ReplayOptions {
  /** Timers fire up to this instant (a ticket still open is read as of it). */
  asOf: Date;
  /** What a recorded re-timing moved the ticket to; absent for a what-if, whose terms stand from receipt on. */
  retimeTo?: (detail: Record<string, unknown>) => ReplayTerms | null;
  /** The calendar of these terms, when the caller has it built already (a what-if over many tickets builds it once). */
  cal?: BusinessCalendar;
}

/** The last stretch a clock ran: where its due instant was counted from. */
export interface ClockStretch {
  runningSince: string;
  usedMinutes: number;
  targetMinutes: number;
  clock: 'business' | '24x7';
}

export interface ReplayResult {
  ticketId: string;
  events: SlaEvent[];
  /** The ticket as of `asOf`: its state (a dry run of a re-timing goes on from it) and its snapshot. */
  state: TicketSlaState;
  snapshot: TicketSnapshot;
  stretches: Partial<Record<Metric, ClockStretch>>;
  /** The calendar the ticket ended on (a re-timing may have changed it). */
  cal: BusinessCalendar;
  /** Why the replay may differ from what happened (an action its terms refuse, terms no longer known); none when exact. */
  caveats: string[];
}

const customerOf = (scope: AgreementScope) => ({
  id: 'replay',
  email: 'replay@invalid',
  trainingIncluded: scope.training,
});

export function replayTicket(t: ReplayTicket, terms: ReplayTerms, opts: ReplayOptions): ReplayResult {
  let cal = opts.cal ?? createCalendar(terms.calendar);
  const caveats: string[] = [];
  const { state: s, effects } = receive(
    {
      ticketId: t.ticketId,
      subject: '',
      category: t.category,
      priority: t.priority,
      channel: t.channel,
      customer: customerOf(terms.scope),
      receivedAt: t.receivedAt,
      calendar: terms.calendar,
      policy: terms.policy,
      ...(t.organizationId ? { organizationId: t.organizationId } : {}),
      terms: { agreement: 'replay', version: 1, calendar: { id: 'replay', version: 1 }, scope: terms.scope },
    },
    cal,
  );
  const events: SlaEvent[] = [];
  const stretches: Partial<Record<Metric, ClockStretch>> = {};
  const take = (out: Effect[]) => {
    for (const e of out) if (e.type === 'event') events.push(e.event);
    noteStretches(s, stretches);
  };
  take(effects);
  const fireUntil = (until: Date, inclusive: boolean) => {
    for (let e = nextTimedEvent(s, until, cal); e && !isTerminal(s.status); e = nextTimedEvent(s, until, cal)) {
      const at = e.at.getTime();
      if (inclusive ? at > until.getTime() : at >= until.getTime()) break;
      take(fireTimedEvent(s, e, e.at, cal));
    }
  };
  for (const fact of t.facts) {
    const at = new Date(fact.at);
    // A reply at the very instant of its deadline meets it: facts go before timers due at their instant.
    fireUntil(at, false);
    if (isTerminal(s.status)) break;
    if (fact.kind === 'retimed') {
      if (!opts.retimeTo) continue;
      const to = opts.retimeTo(fact.detail);
      if (!to) {
        caveats.push(`re-timed at ${fact.at} to terms no longer stored`);
        continue;
      }
      const newCal = createCalendar(to.calendar);
      take(retime(s, to.policy, to.calendar, at, cal, newCal));
      cal = newCal;
      continue;
    }
    take(applyFact(s, fact, at, cal, caveats));
  }
  fireUntil(opts.asOf, true);
  return { ticketId: t.ticketId, events, state: s, snapshot: snapshot(s, opts.asOf, cal), stretches, cal, caveats };
}

function applyFact(
  s: TicketSlaState,
  fact: Exclude<ReplayFact, { kind: 'retimed' }>,
  at: Date,
  cal: BusinessCalendar,
  caveats: string[],
): Effect[] {
  if (fact.kind === 'acknowledged') return acknowledged(s, at, cal);
  if (fact.kind === 'customer_reply') return applyCustomerReply(s, at, cal);
  const { action, kind: _kind, at: _at, ...args } = fact;
  if (action === 'pending' && !pausesOf(s.policy)[args.waitingOn ?? DEFAULT_PAUSE_REASON]) {
    // Terms without the recorded reason: the wait still happened; it counts as waiting on the customer.
    caveats.push(`pause reason "${args.waitingOn}" is not in these terms: counted as "${DEFAULT_PAUSE_REASON}"`);
    args.waitingOn = DEFAULT_PAUSE_REASON;
  }
  const why = refusal(action, ticketFacts(s), args);
  if (why) {
    caveats.push(`${action} at ${fact.at} not replayed: ${why}`);
    return [];
  }
  return applyAgentAction(s, { action, ...args }, at, cal);
}

function noteStretches(s: TicketSlaState, out: Partial<Record<Metric, ClockStretch>>): void {
  for (const metric of METRICS) {
    const c: SlaClockState | undefined = s.clocks[metric];
    if (c?.runningSince)
      out[metric] = {
        runningSince: c.runningSince,
        usedMinutes: c.usedMinutes,
        targetMinutes: c.targetMinutes,
        clock: c.clock,
      };
  }
}
