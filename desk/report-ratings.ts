import { PRIORITIES, type Priority } from '../domain/policy';
import type { Store } from '../store';
import type { RatingRecord } from '../store/ratings';
import type { ReportFilter, SlaOutcome } from './report-types';
import { csvCell } from './reports-csv';
import { LOW_RATING } from './ratings';

/**
 * Ratings beside SLA attainment, per organization, per priority and per agent: for each group, the clocks that
 * stopped in the period (met or missed; attainment as /reports/sla counts it) and the ratings of the resolutions in
 * it. A ticket's agent is its assignee (at rating time for a rating, now for its outcomes).
 */

export type RatingGroup = 'organization' | 'priority' | 'agent';

export interface RatingReportRow {
  group: RatingGroup;
  /** The organization (null: customers without one), the priority or the agent (null: unassigned) of the row. */
  key: string | null;
  organization?: string | null;
  /** An agent row's agent by name. */
  agentName?: string | null;
  completed: number;
  met: number;
  attainment: number | null;
  ratings: number;
  averageRating: number | null;
  /** Ratings of LOW_RATING or less. */
  lowRatings: number;
  /** How many ratings gave 1, 2, 3, 4 and 5. */
  distribution: [number, number, number, number, number];
}

export interface RatingReport {
  from: string;
  to: string;
  rows: RatingReportRow[];
}

type Counted = Pick<SlaOutcome, 'ticketId' | 'organizationId' | 'organization' | 'priority' | 'outcome'>;

export async function ratingReport(
  store: Store,
  f: ReportFilter,
  counted: Counted[],
  organizationName: (id: string) => string | null,
): Promise<RatingReport> {
  const ratings = (await store.ratings.resolvedBetween(f.from, f.to)).filter(
    (r) =>
      (f.organizationId === undefined || (r.organizationId ?? 'none') === f.organizationId) &&
      (f.customerId === undefined || r.customerId === f.customerId),
  );
  const assignees = await store.ratings.assigneesOf([...new Set(counted.map((o) => o.ticketId))]);
  const rows = new Map<string, RatingReportRow>();
  const row = (group: RatingGroup, key: string | null) => {
    const id = `${group}\n${key ?? ''}`;
    let r = rows.get(id);
    if (!r) {
      r = {
        group,
        key,
        ...(group === 'organization' ? { organization: key ? organizationName(key) : null } : {}),
        completed: 0,
        met: 0,
        attainment: null,
        ratings: 0,
        averageRating: null,
        lowRatings: 0,
        distribution: [0, 0, 0, 0, 0],
      };
      rows.set(id, r);
    }
    return r;
  };
  for (const o of counted) {
    if (o.outcome === 'breached') continue; // a breach is counted again when its clock stops (missed)
    for (const r of [
      row('organization', o.organizationId),
      row('priority', o.priority),
      row('agent', assignees.get(o.ticketId) ?? null),
    ]) {
      r.completed += 1;
      if (o.outcome === 'met') r.met += 1;
    }
  }
  const sums = new Map<RatingReportRow, number>();
  const add = (r: RatingReportRow, rating: RatingRecord) => {
    r.ratings += 1;
    r.distribution[rating.score - 1]! += 1;
    if (rating.score <= LOW_RATING) r.lowRatings += 1;
    sums.set(r, (sums.get(r) ?? 0) + rating.score);
  };
  for (const rating of ratings) {
    add(row('organization', rating.organizationId ?? null), rating);
    add(row('priority', rating.priority), rating);
    add(row('agent', rating.agent ?? null), rating);
  }
  // Agents by name beside their id: a CSV is read by people.
  const agents = [...rows.values()].filter((r) => r.group === 'agent' && r.key);
  const users = await Promise.all(agents.map((r) => store.users.byId(r.key!)));
  agents.forEach((r, i) => (r.agentName = users[i]?.name ?? null));
  const order = { organization: 0, priority: 1, agent: 2 };
  const within = (a: RatingReportRow, b: RatingReportRow) =>
    a.group === 'priority'
      ? PRIORITIES.indexOf(b.key as Priority) - PRIORITIES.indexOf(a.key as Priority)
      : (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) ||
        (a.organization ?? a.agentName ?? a.key ?? '').localeCompare(b.organization ?? b.agentName ?? b.key ?? '');
  return {
    from: f.from.toISOString(),
    to: f.to.toISOString(),
    rows: [...rows.values()]
      .map((r) => ({
        ...r,
        attainment: r.completed ? r.met / r.completed : null,
        averageRating: r.ratings ? Math.round(((sums.get(r) ?? 0) / r.ratings) * 100) / 100 : null,
      }))
      .sort((a, b) => order[a.group] - order[b.group] || within(a, b)),
  };
}

/** The CSV's columns, in order. */
export const RATING_REPORT_COLUMNS = [
  'group',
  'key',
  'organization',
  'agent_name',
  'completed',
  'met',
  'attainment',
  'ratings',
  'average_rating',
  'low_ratings',
  'rated_1',
  'rated_2',
  'rated_3',
  'rated_4',
  'rated_5',
] as const;

export function ratingReportCsv(report: RatingReport): string {
  const lines = [
    RATING_REPORT_COLUMNS.join(','),
    ...report.rows.map((r) =>
      [
        r.group,
        r.key,
        r.organization ?? null,
        r.agentName ?? null,
        r.completed,
        r.met,
        r.attainment,
        r.ratings,
        r.averageRating,
        r.lowRatings,
        ...r.distribution,
      ]
        .map(csvCell)
        .join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
