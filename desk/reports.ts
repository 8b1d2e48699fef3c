import { PRIORITIES, type Priority } from '../domain/policy';
import { METRICS } from '../domain/ticket-sla';
import type { Store } from '../store';

/**
 * SLA reports. Both the attainment figures and the CSV are built from one list of outcomes (every clock that
 * stopped, met or missed, and every breach in the period), so a CSV summed by priority and clock gives the
 * attainment rows exactly.
 */

export interface ReportFilter {
  from: Date;
  to: Date;
  /** One organization's tickets; `none`: only customers without one. */
  organizationId?: string;
  customerId?: string;
}

export type OutcomeKind = 'met' | 'missed' | 'breached';

/** One SLA outcome of one ticket: a clock that stopped (met or missed its target) or breached. */
export interface SlaOutcome {
  ticketId: string;
  subject: string;
  organizationId: string | null;
  organization: string | null;
  customerId: string;
  customerEmail: string | null;
  priority: string;
  category: string;
  metric: string;
  outcome: OutcomeKind;
  at: string;
  dueAt: string | null;
  businessMinutesUsed: number | null;
}

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
}

/** Nearest-rank percentile; null for no data. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** The CSV's columns, in order (documented in the README). */
export const OUTCOME_COLUMNS = [
  'ticket_id',
  'subject',
  'organization_id',
  'organization',
  'customer_id',
  'customer_email',
  'priority',
  'category',
  'clock',
  'outcome',
  'at',
  'due_at',
  'business_minutes_used',
] as const;

const cellsOf = (o: SlaOutcome): (string | number | null)[] => [
  o.ticketId,
  o.subject,
  o.organizationId,
  o.organization,
  o.customerId,
  o.customerEmail,
  o.priority,
  o.category,
  o.metric,
  o.outcome,
  o.at,
  o.dueAt,
  o.businessMinutesUsed,
];

/**
 * RFC 4180 quoting. A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with a quote
 * mark: subjects are the customers' words.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function outcomesCsv(rows: SlaOutcome[]): string {
  const lines = [OUTCOME_COLUMNS.join(','), ...rows.map((o) => cellsOf(o).map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const NO_ORGANIZATION = 'none';

export function createReports(deps: { store: Store }) {
  const { store } = deps;

  const organizationNames = async () =>
    new Map((await store.organizations.list(Number.MAX_SAFE_INTEGER)).map((o) => [o.id, o.name]));

  async function outcomes(f: ReportFilter): Promise<SlaOutcome[]> {
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
      if (!t || !e.metric) continue;
      const organizationId = t.organizationId ?? null;
      if (f.organizationId !== undefined && (organizationId ?? NO_ORGANIZATION) !== f.organizationId) continue;
      if (f.customerId !== undefined && t.customerId !== f.customerId) continue;
      const d = (e.detail ?? {}) as { met?: boolean; businessMinutesUsed?: number };
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
        outcome: e.type === 'breached' ? 'breached' : d.met ? 'met' : 'missed',
        at: e.at.toISOString(),
        dueAt: e.dueAt ? e.dueAt.toISOString() : null,
        businessMinutesUsed:
          e.type !== 'breached' && typeof d.businessMinutesUsed === 'number' ? d.businessMinutesUsed : null,
      });
    }
    return rows;
  }

  /** Attainment per priority and clock (and per organization with `byOrganization`) of the outcomes in the period. */
  function attainment(rows: SlaOutcome[], byOrganization: boolean): AttainmentRow[] {
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

    async attainment(f: ReportFilter & { byOrganization?: boolean }): Promise<AttainmentReport> {
      const rows = attainment(await outcomes(f), f.byOrganization ?? false);
      return {
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        ...(f.organizationId !== undefined ? { organizationId: f.organizationId } : {}),
        ...(f.customerId !== undefined ? { customerId: f.customerId } : {}),
        rows,
      };
    },

    async csv(f: ReportFilter): Promise<string> {
      return outcomesCsv(await outcomes(f));
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
