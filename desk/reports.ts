import { createCalendar } from '../domain/calendar';
import { PRIORITIES, type Priority } from '../domain/policy';
import { METRICS } from '../domain/ticket-sla';
import type { Store } from '../store';
import type { Agreements } from './agreements';
import type { PinnedTermsLookup } from './pinned-terms';
import { activeOutcomes } from './report-active';
import { waitingIn, type PausedTimeRow, type VendorAttainmentRow } from './report-paused';
import { levelsIn, type LevelHeldRow } from './report-levels';
import { outcomesCsv } from './reports-csv';
import { ratingReport, type RatingReport } from './report-ratings';

import { type OutcomeKind, type ReportFilter, type SlaOutcome } from './report-types';

export { OUTCOME_COLUMNS } from './reports-csv';
export { OUTCOME_KINDS, type OutcomeKind, type ReportFilter, type SlaOutcome } from './report-types';

/**
 * SLA reports. Both the attainment figures and the CSV are built from one list of outcomes (every clock that
 * stopped, met or missed, and every breach in the period), so a CSV summed by priority and clock gives the
 * attainment rows exactly. On request the list also holds the clocks still counting (`active`), with the minutes
 * they have left.
 */

const COUNTED: readonly OutcomeKind[] = ['met', 'missed', 'breached'];

type CountedOutcome = SlaOutcome & { outcome: 'met' | 'missed' | 'breached' };

export interface AttainmentRow {
  organizationId?: string | null;
  organization?: string | null;
  priority: string;
  metric: string;
  met: number;
  missed: number;
  breached: number;
  completed: number;
  attainment: number | null;
  medianBusinessMinutes: number | null;
  p90BusinessMinutes: number | null;
}

export interface AttainmentReport {
  from: string;
  to: string;
  organizationId?: string;
  customerId?: string;
  rows: AttainmentRow[];
  /** Time paused per reason (`waitingOn`), of the pauses that ended in the period. */
  pausedTime: PausedTimeRow[];
  /** Per vendor: its waits that ended in the period, met or missed by its own target, and its breaches. */
  vendors: VendorAttainmentRow[];
  /** Per escalation level: the holds that ended in the period (time held) and its level clock's outcomes. */
  levels: LevelHeldRow[];
}

/** Nearest-rank percentile; null for no data. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export const NO_ORGANIZATION = 'none';

/** A period's bound as a report takes it: an ISO instant, or a date `YYYY-MM-DD` (its midnight in a zone). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function createReports(deps: {
  store: Store;
  agreements: Agreements;
  pinnedTerms: PinnedTermsLookup;
  now: () => Date;
}) {
  const { store } = deps;

  const organizationNames = async () =>
    new Map((await store.organizations.list(Number.MAX_SAFE_INTEGER)).map((o) => [o.id, o.name]));

  async function outcomes(f: ReportFilter): Promise<SlaOutcome[]> {
    const statuses = f.statuses ?? COUNTED;
    const stopped = statuses.some((s) => s !== 'active') ? await stoppedOutcomes(f, statuses) : [];
    if (!statuses.includes('active')) return stopped;
    const names = await organizationNames();
    const active = await activeOutcomes(deps, f, deps.now(), (id) => names.get(id) ?? null);
    return [...stopped, ...active];
  }

  async function stoppedOutcomes(f: ReportFilter, statuses: readonly OutcomeKind[]): Promise<SlaOutcome[]> {
    const events = await store.slaEvents.between(f.from, f.to, ['responded', 'resolved', 'breached']);
    const ids = [...new Set(events.map((e) => e.ticketId))];
    const [facts, emails, names] = await Promise.all([
      store.ticketStates.factsOf(ids),
      store.tickets.customerEmailsOf(ids),
      organizationNames(),
    ]);
    const rows: SlaOutcome[] = [];
    for (const e of events) {
      const t = facts.get(e.ticketId);
      // A level's clock is the staff's own agreement, reported per level (`levels`), not as the customer's.
      if (!t || !e.metric || e.metric === 'level') continue;
      const organizationId = t.organizationId ?? null;
      if (f.organizationId !== undefined && (organizationId ?? NO_ORGANIZATION) !== f.organizationId) continue;
      if (f.customerId !== undefined && t.customerId !== f.customerId) continue;
      const d = (e.detail ?? {}) as { met?: boolean; businessMinutesUsed?: number };
      const outcome = e.type === 'breached' ? 'breached' : d.met ? 'met' : 'missed';
      if (!statuses.includes(outcome)) continue;
      rows.push({
        ticketId: e.ticketId,
        subject: t.subject,
        organizationId,
        organization: organizationId ? (names.get(organizationId) ?? null) : null,
        customerId: t.customerId,
        customerEmail: emails.get(e.ticketId) ?? null,
        priority: t.priority,
        category: t.category,
        metric: e.metric,
        outcome,
        at: e.at.toISOString(),
        dueAt: e.dueAt ? e.dueAt.toISOString() : null,
        businessMinutesUsed:
          e.type !== 'breached' && typeof d.businessMinutesUsed === 'number' ? d.businessMinutesUsed : null,
        businessMinutesLeft: null,
      });
    }
    return rows;
  }

  /** Attainment per priority and clock (and per organization with `byOrganization`) of the outcomes in the period. */
  function attainment(rows: CountedOutcome[], byOrganization: boolean): AttainmentRow[] {
    const groups = new Map<
      string,
      {
        row: Omit<AttainmentRow, 'completed' | 'attainment' | 'medianBusinessMinutes' | 'p90BusinessMinutes'>;
        minutes: number[];
      }
    >();
    for (const o of rows) {
      const key = `${byOrganization ? (o.organizationId ?? '') : ''}\n${o.priority}\n${o.metric}`;
      let g = groups.get(key);
      if (!g) {
        const org = byOrganization ? { organizationId: o.organizationId, organization: o.organization } : {};
        g = { row: { ...org, priority: o.priority, metric: o.metric, met: 0, missed: 0, breached: 0 }, minutes: [] };
        groups.set(key, g);
      }
      g.row[o.outcome] += 1;
      if (o.businessMinutesUsed !== null) g.minutes.push(o.businessMinutesUsed);
    }
    const order = (p: string) => PRIORITIES.indexOf(p as Priority);
    // Organizations by name, customers without one last.
    const orgOrder = (r: { organizationId?: string | null; organization?: string | null }) =>
      r.organizationId ? `0${r.organization ?? r.organizationId}` : '1';
    return [...groups.values()]
      .sort(
        (a, b) =>
          orgOrder(a.row).localeCompare(orgOrder(b.row)) ||
          order(b.row.priority) - order(a.row.priority) ||
          METRICS.indexOf(a.row.metric as never) - METRICS.indexOf(b.row.metric as never),
      )
      .map(({ row, minutes }) => ({
        ...row,
        completed: row.met + row.missed,
        attainment: row.met + row.missed ? row.met / (row.met + row.missed) : null,
        medianBusinessMinutes: percentile(minutes, 0.5),
        p90BusinessMinutes: percentile(minutes, 0.9),
      }));
  }

  return {
    outcomes,

    /**
     * A report's period from its query: each bound an ISO instant, or a date read as its midnight in the zone of the
     * organization's agreement (`organization`), else of the default calendar.
     */
    async period(q: { from: string; to: string; organization?: string }): Promise<{ from: Date; to: Date }> {
      const dated = DATE.test(q.from) || DATE.test(q.to);
      const terms = dated ? await deps.agreements.ofOrganization(q.organization ?? 'none') : null;
      const bound = (raw: string) =>
        DATE.test(raw) ? createCalendar(terms!.calendar.spec).fromLocal(`${raw}T00:00`) : new Date(raw);
      return { from: bound(q.from), to: bound(q.to) };
    },

    async attainment(f: ReportFilter & { byOrganization?: boolean }): Promise<AttainmentReport> {
      const counted = (await outcomes({ ...f, statuses: COUNTED })).filter((o): o is CountedOutcome =>
        COUNTED.includes(o.outcome),
      );
      const rows = attainment(counted, f.byOrganization ?? false);
      const [{ pausedTime, vendors }, levels] = await Promise.all([waitingIn(store, f), levelsIn(deps, f)]);
      return {
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        ...(f.organizationId !== undefined ? { organizationId: f.organizationId } : {}),
        ...(f.customerId !== undefined ? { customerId: f.customerId } : {}),
        rows,
        pausedTime,
        vendors,
        levels,
      };
    },

    /** Ratings beside attainment, per organization, priority and agent (desk/report-ratings.ts). */
    async ratings(f: ReportFilter): Promise<RatingReport> {
      const [counted, names] = await Promise.all([outcomes({ ...f, statuses: COUNTED }), organizationNames()]);
      return ratingReport(store, f, counted, (id) => names.get(id) ?? null);
    },

    async csv(f: ReportFilter): Promise<string> {
      return outcomesCsv(await outcomes(f));
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
