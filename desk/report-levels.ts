import type { SlaEventRecord } from '../domain/entities';
import type { Store } from '../store';
import type { PinnedTermsLookup } from './pinned-terms';
import type { ReportFilter } from './report-types';

/**
 * Time held per escalation level, from the timeline: a ticket is held by L1 from its receipt, by each level from
 * the `escalated` event that reached it, until the next escalation, its resolution or its close (a reopening starts
 * a new hold of the level it is at). A report counts the holds that ended in its period, in business minutes on each
 * ticket's own calendar and in wall minutes, with the level clocks' outcomes in the period (`responded` of metric
 * `level`: met or missed; `breached`).
 */
export interface LevelHeldRow {
  level: string;
  holds: number;
  businessMinutes: number;
  minutes: number;
  medianBusinessMinutes: number | null;
  met: number;
  missed: number;
  breached: number;
}

type Event = Omit<SlaEventRecord, 'key'>;
const ENDS = ['escalated', 'resolved', 'closed', 'out_of_scope'];
/** Tickets whose timelines are read at once: each is one indexed query. */
const CONCURRENCY = 8;
const round = (n: number) => Math.round(n * 1000) / 1000;

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.5 * sorted.length) - 1]!;
}

/** The holds of one ticket's timeline: level, start and end. */
function holdsOf(events: Event[]): { level: string; from: Date; to: Date }[] {
  const holds: { level: string; from: Date; to: Date }[] = [];
  let level = 'L1';
  let since: Date | null = null;
  for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (e.type === 'received') since = e.at;
    else if (e.type === 'reopened') since = e.at;
    else if (e.type === 'escalated' && e.level) {
      if (since) holds.push({ level, from: since, to: e.at });
      level = e.level;
      since = e.at;
    } else if (ENDS.includes(e.type) && (e.type !== 'resolved' || e.metric === 'resolution')) {
      if (since) holds.push({ level, from: since, to: e.at });
      since = null;
    }
  }
  return holds;
}

export async function levelsIn(
  deps: { store: Store; pinnedTerms: PinnedTermsLookup },
  f: ReportFilter,
): Promise<LevelHeldRow[]> {
  const { store } = deps;
  const inPeriod = await store.slaEvents.between(f.from, f.to, [...ENDS, 'responded', 'breached']);
  const facts = await store.ticketStates.factsOf([...new Set(inPeriod.map((e) => e.ticketId))]);
  const kept = (e: Event) => {
    const t = facts.get(e.ticketId);
    if (!t) return false;
    if (f.organizationId !== undefined && (t.organizationId ?? 'none') !== f.organizationId) return false;
    return f.customerId === undefined || t.customerId === f.customerId;
  };
  const rows = new Map<string, LevelHeldRow & { held: number[] }>();
  const row = (level: string) => {
    const r = rows.get(level) ?? {
      level,
      holds: 0,
      businessMinutes: 0,
      minutes: 0,
      medianBusinessMinutes: null,
      met: 0,
      missed: 0,
      breached: 0,
      held: [],
    };
    rows.set(level, r);
    return r;
  };
  for (const e of inPeriod.filter((x) => kept(x) && x.metric === 'level' && x.level)) {
    if (e.type === 'breached') row(e.level!).breached += 1;
    else if (e.type === 'responded') row(e.level!)[(e.detail as { met?: boolean })?.met ? 'met' : 'missed'] += 1;
  }
  const ids = [...new Set(inPeriod.filter((e) => kept(e) && ENDS.includes(e.type)).map((e) => e.ticketId))];
  const contents = await store.tickets.many(ids);
  const [terms, fallback] = await Promise.all([
    deps.pinnedTerms.ofTickets([...contents.values()]),
    deps.pinnedTerms.ofDefault(),
  ]);
  for (let i = 0; i < ids.length; i += CONCURRENCY) {
    const batch = ids.slice(i, i + CONCURRENCY);
    const timelines = await Promise.all(batch.map((id) => store.slaEvents.forTicket(id)));
    batch.forEach((id, j) => {
      const cal = (terms.get(id) ?? fallback).calendar;
      for (const h of holdsOf(timelines[j]!)) {
        if (h.to < f.from || h.to >= f.to) continue;
        const r = row(h.level);
        const business = cal.elapsed(h.from, h.to);
        r.holds += 1;
        r.businessMinutes = round(r.businessMinutes + business);
        r.minutes = round(r.minutes + (h.to.getTime() - h.from.getTime()) / 60_000);
        r.held.push(round(business));
      }
    });
  }
  return [...rows.values()]
    .sort((a, b) => a.level.localeCompare(b.level))
    .map(({ held, ...r }) => ({ ...r, medianBusinessMinutes: median(held) }));
}
