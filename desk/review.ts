/**
 * The SLA review (GET /console/review, /api/v1/reports/review): per organization and month, attainment per clock,
 * breaches by cause (which clock, at which level, and how long the breached tickets had been paused, per reason),
 * first-response and resolution times (median, p90, and how they spread), from the same outcomes the reports count.
 */
import { METRICS } from '../domain/ticket-sla';
import type { Store } from '../store';
import { createReplayReads } from '../store/replay-reads';
import { NO_ORGANIZATION, percentile, type Reports } from './reports';
import { waitingIn, type PausedTimeRow } from './report-paused';
import type { SlaOutcome } from './report-types';

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface ClockAttainment {
  clock: string;
  met: number;
  missed: number;
  breached: number;
  /** met / (met + missed), as the reports count it; null when no clock stopped. */
  attainment: number | null;
}

export interface Distribution {
  clock: 'first_response' | 'resolution';
  count: number;
  medianBusinessMinutes: number | null;
  p90BusinessMinutes: number | null;
  /** How many took up to each bound (business hours; the last is open-ended). */
  buckets: { upToHours: number | null; count: number }[];
}

export interface MonthReview {
  month: string;
  from: string;
  to: string;
  organization: string | null;
  attainment: ClockAttainment[];
  breaches: { clock: string; level: string; count: number }[];
  /** Of the tickets that breached in the month: their time paused per reason (pauses ended up to the month's end). */
  breachedPaused: { waitingOn: string; pauses: number; businessMinutes: number }[];
  /** Every pause that ended in the month, per reason. */
  paused: PausedTimeRow[];
  distributions: Distribution[];
  /** The customers' ratings of the resolutions of the month (desk/ratings.ts), as they stand now. */
  ratings: MonthRatings;
}

export interface MonthRatings {
  count: number;
  /** Mean score, to two decimals; null with no rating. */
  average: number | null;
  /** How many rated each score, 5 down to 1. */
  scores: { score: number; count: number }[];
  /** Ratings of 2 or less (the ones that notify the level's contacts). */
  low: number;
}

const BUCKET_HOURS = [1, 2, 4, 8, 16, 24, 40];

/** `2026-11` → the next month's `2026-12`. */
export function nextMonth(month: string): string {
  const [, y, m] = MONTH.exec(month)!;
  const n = Number(y) * 12 + Number(m);
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}

export function createReview(deps: { store: Store; reports: Reports }) {
  const reads = createReplayReads(deps.store.conn);

  async function month(month: string, organizationId?: string): Promise<MonthReview> {
    const { from, to } = await deps.reports.period({
      from: `${month}-01`,
      to: `${nextMonth(month)}-01`,
      ...(organizationId ? { organization: organizationId } : {}),
    });
    const filter = { from, to, ...(organizationId ? { organizationId } : {}) };
    const [outcomes, waiting, breachEvents, rated] = await Promise.all([
      deps.reports.outcomes(filter),
      waitingIn(deps.store, filter),
      deps.store.slaEvents.between(from, to, ['breached']),
      deps.store.ratings.resolvedBetween(from, to),
    ]);
    const breachedIds = new Set(outcomes.filter((o) => o.outcome === 'breached').map((o) => o.ticketId));
    const breaches = new Map<string, { clock: string; level: string; count: number }>();
    for (const e of breachEvents) {
      if (!breachedIds.has(e.ticketId)) continue; // another organization's
      const key = `${e.metric}|${e.level ?? 'L1'}`;
      const b = breaches.get(key) ?? { clock: e.metric ?? '', level: e.level ?? 'L1', count: 0 };
      b.count += 1;
      breaches.set(key, b);
    }
    return {
      month,
      from: from.toISOString(),
      to: to.toISOString(),
      organization: organizationId ?? null,
      attainment: METRICS.map((clock) => attainmentOf(clock, outcomes)),
      breaches: [...breaches.values()].sort((a, b) => a.clock.localeCompare(b.clock) || a.level.localeCompare(b.level)),
      breachedPaused: await pausedBefore(reads, [...breachedIds], to),
      paused: waiting.pausedTime,
      distributions: [distribution('first_response', outcomes), distribution('resolution', outcomes)],
      ratings: ratingsOf(
        rated.filter((r) => !organizationId || (r.organizationId ?? NO_ORGANIZATION) === organizationId),
      ),
    };
  }

  return {
    /** Each month from `fromMonth` to `toMonth` (inclusive, at most 24), of one organization (`none`: customers without one) or everyone. */
    async months(fromMonth: string, toMonth: string, organizationId?: string): Promise<MonthReview[]> {
      const out: MonthReview[] = [];
      for (let m = fromMonth; m <= toMonth && out.length < 24; m = nextMonth(m))
        out.push(await month(m, organizationId));
      return out;
    },
  };
}

function ratingsOf(rated: { score: number }[]): MonthRatings {
  const sum = rated.reduce((n, r) => n + r.score, 0);
  return {
    count: rated.length,
    average: rated.length ? Math.round((sum / rated.length) * 100) / 100 : null,
    scores: [5, 4, 3, 2, 1].map((score) => ({ score, count: rated.filter((r) => r.score === score).length })),
    low: rated.filter((r) => r.score <= 2).length,
  };
}

function attainmentOf(clock: string, outcomes: SlaOutcome[]): ClockAttainment {
  const of = (kind: string) => outcomes.filter((o) => o.metric === clock && o.outcome === kind).length;
  const met = of('met');
  const missed = of('missed');
  return { clock, met, missed, breached: of('breached'), attainment: met + missed ? met / (met + missed) : null };
}

function distribution(clock: Distribution['clock'], outcomes: SlaOutcome[]): Distribution {
  const minutes = outcomes
    .filter((o) => o.metric === clock && o.outcome !== 'breached' && o.businessMinutesUsed !== null)
    .map((o) => o.businessMinutesUsed!);
  const buckets = [...BUCKET_HOURS, null].map((upToHours, i) => {
    const low = i === 0 ? -1 : BUCKET_HOURS[i - 1]! * 60;
    const high = upToHours === null ? Infinity : upToHours * 60;
    return { upToHours, count: minutes.filter((m) => m > low && m <= high).length };
  });
  return {
    clock,
    count: minutes.length,
    medianBusinessMinutes: percentile(minutes, 0.5),
    p90BusinessMinutes: percentile(minutes, 0.9),
    buckets,
  };
}

/** The breached tickets' pauses that ended before `to`, per reason. */
async function pausedBefore(reads: ReturnType<typeof createReplayReads>, ids: string[], to: Date) {
  const timelines = await reads.timelines(ids);
  const totals = new Map<string, { waitingOn: string; pauses: number; businessMinutes: number }>();
  for (const events of timelines.values()) {
    for (const e of events) {
      if (e.type !== 'pause_ended' || Date.parse(e.at) >= to.getTime()) continue;
      const waitingOn = String(e.detail?.waitingOn ?? 'customer');
      const t = totals.get(waitingOn) ?? { waitingOn, pauses: 0, businessMinutes: 0 };
      t.pauses += 1;
      t.businessMinutes = Math.round((t.businessMinutes + Number(e.detail?.businessMinutesPaused ?? 0)) * 1000) / 1000;
      totals.set(waitingOn, t);
    }
  }
  return [...totals.values()].sort((a, b) => b.businessMinutes - a.businessMinutes);
}
