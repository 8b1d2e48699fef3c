import { csvCell } from './reports-csv';
import type { MonthReview } from './review';

/**
 * The review as CSV: one row per month, organization and clock. Breaches by level and paused time by reason are
 * `key:value` lists in their cells (`L1:3;L2:1`), so one sheet holds a month's whole review.
 */
export const REVIEW_COLUMNS = [
  'month',
  'organization_id',
  'clock',
  'met',
  'missed',
  'breached',
  'attainment',
  'median_business_minutes',
  'p90_business_minutes',
  'breaches_by_level',
  'breached_tickets_paused_business_minutes_by_reason',
  'rating_average',
] as const;

const list = (pairs: [string, number][]) => pairs.map(([k, v]) => `${k}:${v}`).join(';');

export function reviewCsv(months: MonthReview[]): string {
  const lines = months.flatMap((m) =>
    m.attainment.map((a) => {
      const d = m.distributions.find((x) => x.clock === a.clock);
      return [
        m.month,
        m.organization,
        a.clock,
        a.met,
        a.missed,
        a.breached,
        a.attainment === null ? null : Math.round(a.attainment * 10_000) / 10_000,
        d?.medianBusinessMinutes ?? null,
        d?.p90BusinessMinutes ?? null,
        list(m.breaches.filter((b) => b.clock === a.clock).map((b) => [b.level, b.count])),
        list(m.breachedPaused.map((p) => [p.waitingOn, p.businessMinutes])),
        // The month's, on each of its rows.
        m.ratings.average,
      ]
        .map(csvCell)
        .join(',');
    }),
  );
  return `${[REVIEW_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}
