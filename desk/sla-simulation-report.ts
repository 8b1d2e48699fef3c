/**
 * A what-if's answer from the replays of its tickets: attainment per clock, priority and organization (current
 * against proposed), the clocks whose outcome changes with both deadlines explained, and the open tickets' due
 * instants if they were re-timed to the proposal now. Its field names are a contract (README, OpenAPI).
 */
import { createCalendar } from '../domain/calendar';
import type { Metric } from '../domain/policy';
import {
  clockOutcomes,
  explainStretch,
  type ClockOutcome,
  type ClockResult,
  type ReplayResult,
  type ReplayTerms,
} from '../domain/sla-replay';
import { retime, snapshot } from '../domain/ticket-sla';
import { isTerminal } from '../domain/ticket';

export interface ReplayedTicket {
  id: string;
  organizationId: string | null;
  current: ReplayResult;
  proposed: ReplayResult;
  proposedTerms: ReplayTerms;
}

export interface Tally {
  met: number;
  breached: number;
  /** met / (met + breached); null when no clock ended either way. */
  attainment: number | null;
}

export interface AttainmentLine {
  clock: Metric;
  priority: string;
  organization: string | null;
  current: Tally;
  proposed: Tally;
}

export interface ClockSide {
  outcome: ClockResult;
  dueAt: string | null;
  /** How the deadline was counted (its last running stretch: the business time already used, the open periods). */
  explanation: string[];
}

export interface ChangedClock {
  clock: Metric;
  cycle: number;
  current: ClockSide;
  proposed: ClockSide;
}

export interface ChangedTicket {
  id: string;
  organization: string | null;
  priority: string;
  clocks: ChangedClock[];
}

export interface OpenTicket {
  id: string;
  organization: string | null;
  status: string;
  clocks: {
    clock: Metric;
    dueAt: string | null;
    proposedDueAt: string | null;
    /** The same instants as the ticket's customers read them (their agreement's zone, to the minute). */
    dueAtText: string | null;
    proposedDueAtText: string | null;
  }[];
}

/** One row of the CSV: a clock of a ticket, current and proposed. */
export interface ClockRow {
  id: string;
  organization: string | null;
  priority: string;
  clock: Metric;
  cycle: number;
  current: ClockOutcome;
  proposed: ClockOutcome | null;
}

const counted = (r: ClockResult | undefined): r is 'met' | 'breached' => r === 'met' || r === 'breached';

export function summarise(tickets: ReplayedTicket[], asOf: Date) {
  const lines = new Map<string, AttainmentLine>();
  const changed: ChangedTicket[] = [];
  const open: OpenTicket[] = [];
  const rows: ClockRow[] = [];
  for (const t of tickets) {
    const priority = t.current.snapshot.priority;
    const current = clockOutcomes(t.current.events, t.current.snapshot.clocks);
    const proposed = clockOutcomes(t.proposed.events, t.proposed.snapshot.clocks);
    const clocks: ChangedClock[] = [];
    for (const c of current) {
      const p = proposed.find((o) => o.metric === c.metric && o.cycle === c.cycle) ?? null;
      rows.push({
        id: t.id,
        organization: t.organizationId,
        priority,
        clock: c.metric,
        cycle: c.cycle,
        current: c,
        proposed: p,
      });
      const key = `${c.metric}|${priority}|${t.organizationId ?? ''}`;
      const line = lines.get(key) ?? {
        clock: c.metric,
        priority,
        organization: t.organizationId,
        current: { met: 0, breached: 0, attainment: null },
        proposed: { met: 0, breached: 0, attainment: null },
      };
      lines.set(key, line);
      if (counted(c.result)) line.current[c.result] += 1;
      if (counted(p?.result)) line.proposed[p.result] += 1;
      if (p && c.result !== p.result && (counted(c.result) || counted(p.result)))
        clocks.push({ clock: c.metric, cycle: c.cycle, current: side(c, t.current), proposed: side(p, t.proposed) });
    }
    if (clocks.length) changed.push({ id: t.id, organization: t.organizationId, priority, clocks });
    if (!isTerminal(t.current.state.status)) {
      const retimed = retimedNow(t, asOf);
      // A resolved ticket's clocks have stopped: there is nothing to re-time until it reopens.
      if (retimed.clocks.length) open.push(retimed);
    }
  }
  const attainment = [...lines.values()].map((l) => ({
    ...l,
    current: withRate(l.current),
    proposed: withRate(l.proposed),
  }));
  attainment.sort(
    (a, b) =>
      (a.organization ?? '').localeCompare(b.organization ?? '') ||
      a.priority.localeCompare(b.priority) ||
      a.clock.localeCompare(b.clock),
  );
  return { attainment, changed, open, rows };
}

const withRate = (t: Tally): Tally => ({
  ...t,
  attainment: t.met + t.breached ? Math.round((t.met / (t.met + t.breached)) * 10_000) / 10_000 : null,
});

function side(o: ClockOutcome, r: ReplayResult): ClockSide {
  return { outcome: o.result, dueAt: o.dueAt, explanation: explainStretch(r.stretches[o.metric], r.cal) };
}

/** A dry run of re-timing: the ticket as it stands now, moved to the proposal (keeping the business time it used). */
function retimedNow(t: ReplayedTicket, asOf: Date): OpenTicket {
  const state = structuredClone(t.current.state);
  const newCal = createCalendar(t.proposedTerms.calendar);
  retime(state, t.proposedTerms.policy, t.proposedTerms.calendar, asOf, t.current.cal, newCal);
  const after = snapshot(state, asOf, newCal);
  return {
    id: t.id,
    organization: t.organizationId,
    status: t.current.snapshot.status,
    clocks: t.current.snapshot.clocks
      .filter((c) => c.metric !== 'vendor' && !c.stopped)
      .map((c) => {
        const proposedDueAt = after.clocks.find((a) => a.metric === c.metric)?.dueAt ?? null;
        return {
          clock: c.metric as Metric,
          dueAt: c.dueAt,
          proposedDueAt,
          dueAtText: c.dueAt ? t.current.cal.formatLocal(new Date(c.dueAt)) : null,
          proposedDueAtText: proposedDueAt ? newCal.formatLocal(new Date(proposedDueAt)) : null,
        };
      }),
  };
}
