/**
 * What a ticket's timeline says of its clocks: each clock met or breached (or still running, and when it is due),
 * read the same way from a recorded timeline and from a replayed one, so the two compare.
 */
import type { BusinessCalendar } from '../calendar';
import type { Metric } from '../policy';
import type { ClockStretch } from './replay';

export type ClockResult = 'met' | 'breached' | 'running' | 'paused' | 'stopped';

export interface ClockOutcome {
  metric: Metric;
  /** 1 for first response and resolution; the n-th next response. */
  cycle: number;
  result: ClockResult;
  /** The deadline the clock had when it stopped or breached, or has now; null while paused. */
  dueAt: string | null;
}

interface OutcomeEvent {
  type: string;
  metric?: string;
  dueAt?: string | null;
  detail?: Record<string, unknown>;
}

/** The open clocks of a ticket as of now: from a snapshot or a projection row's clocks. */
export interface OpenClock {
  metric: string;
  dueAt: string | null;
  stopped: boolean;
  paused: boolean;
}

/**
 * Each clock's outcome, in timeline order. A next-response clock leaves no event when it starts; its cycle is told
 * by its ending (answered, or breached and then answered once).
 */
export function clockOutcomes(events: OutcomeEvent[], open: OpenClock[]): ClockOutcome[] {
  const out: ClockOutcome[] = [];
  const current = new Map<Metric, ClockOutcome>();
  const cycles: Record<Metric, number> = { first_response: 0, next_response: 0, resolution: 0 };
  const entry = (metric: Metric): ClockOutcome => {
    let o = current.get(metric);
    if (!o) {
      cycles[metric] += metric === 'next_response' || cycles[metric] === 0 ? 1 : 0;
      o = { metric, cycle: cycles[metric], result: 'running', dueAt: null };
      current.set(metric, o);
      out.push(o);
    }
    return o;
  };
  for (const e of events) {
    const metric = e.metric as Metric | undefined;
    if (!metric || !(metric in cycles)) continue;
    if (e.type === 'breached') {
      const o = entry(metric);
      o.result = 'breached';
      o.dueAt = e.dueAt ?? o.dueAt;
    } else if (e.type === 'responded' || e.type === 'resolved') {
      const o = entry(metric);
      if (o.result !== 'breached') {
        o.result = e.detail?.met === false ? 'breached' : 'met';
        o.dueAt = e.dueAt ?? null;
      }
      current.delete(metric);
    } else if (e.type === 'reopened' && metric === 'resolution') {
      // A reopened resolution clock goes on with the time it had: the same clock, judged again when it stops.
      const last = [...out].reverse().find((o) => o.metric === 'resolution');
      if (last) current.set('resolution', last);
    }
  }
  for (const c of open) {
    const metric = c.metric as Metric;
    if (!(metric in cycles) || c.stopped) continue;
    const o = current.get(metric) ?? entry(metric);
    if (o.result === 'breached') continue;
    o.result = c.paused ? 'paused' : 'running';
    o.dueAt = c.dueAt;
  }
  // Clocks stopped without an outcome (closed before any answer) say so.
  for (const o of current.values())
    if (o.result === 'running' && !open.some((c) => c.metric === o.metric && !c.stopped)) o.result = 'stopped';
  return out;
}

/**
 * Equal to the second: a recorded instant and a replayed one of the same deadline (a customer's message is stored
 * a few milliseconds before the workflow takes it, so a next response's replayed deadline may be that much early).
 */
export const sameSecond = (a: string | null, b: string | null): boolean =>
  a === b || (a !== null && b !== null && Math.abs(Date.parse(a) - Date.parse(b)) < 1000);

/** How the clock's deadline was counted: the business time used before its last stretch, then that stretch's periods. */
export function explainStretch(stretch: ClockStretch | undefined, cal: BusinessCalendar): string[] {
  if (!stretch) return ['the clock never ran'];
  const left = Math.max(0, stretch.targetMinutes - stretch.usedMinutes);
  const before =
    stretch.usedMinutes > 0
      ? [
          `Used:      ${round(stretch.usedMinutes)} of ${stretch.targetMinutes} min before ${cal.formatLocal(new Date(stretch.runningSince))}`,
        ]
      : [];
  if (stretch.clock === '24x7') {
    const due = new Date(Date.parse(stretch.runningSince) + Math.round(left * 60_000));
    return [
      ...before,
      `Target:    ${stretch.targetMinutes} min around the clock`,
      `Deadline:  ${cal.formatLocal(due)} = ${due.toISOString()}`,
    ];
  }
  return [
    ...before,
    `Target:    ${stretch.targetMinutes} business min`,
    ...cal.explain(new Date(stretch.runningSince), left).lines,
  ];
}

const round = (n: number) => Math.round(n * 1000) / 1000;
