import type { BusinessCalendar } from '../../domain/calendar';
import type { OpsFigures } from '../../desk/ops-figures';
import type { AttainmentReport, Reports } from '../../desk/reports';
import { neverCloses } from './time';

/**
 * The dashboard's figures for one period. Attainment and first-response times are the report
 * endpoint's own numbers (the same service call), so the two can never disagree.
 */

const DAY_MS = 86_400_000;
/** Scanning starts this far before the first ticket, so the first shift found opens at its true opening. */
const LOOKBACK_MS = 8 * DAY_MS;

export interface Shift {
  opensAt: Date;
  label: string;
  received: number;
}

export interface LevelCounts {
  level: string;
  breaches: number;
  escalations: number;
}

export type Report = AttainmentReport;

export interface Dashboard {
  from: Date;
  to: Date;
  report: Report;
  levels: LevelCounts[];
  shifts: Shift[];
  received: number;
}

/**
 * Tickets per shift. A ticket received while support is closed counts toward the next shift, the
 * one whose opening starts its business clocks; a ticket received during a shift counts there.
 * Every shift overlapping the period is listed, empty ones included. A 24/7 calendar has no
 * shifts: its tickets are grouped by day.
 */
export function ticketsPerShift(cal: BusinessCalendar, received: Date[], from: Date, to: Date): Shift[] {
  const times = received.map((t) => t.getTime()).sort((a, b) => a - b);
  const shifts: Shift[] = [];
  if (neverCloses(cal)) {
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) {
      const n = times.filter((t) => t >= day && t < day + DAY_MS).length;
      shifts.push({ opensAt: new Date(day), label: cal.formatLocal(new Date(day)), received: n });
    }
    return shifts;
  }
  let cursor = new Date(Math.min(from.getTime(), times[0] ?? Infinity) - LOOKBACK_MS);
  let i = 0;
  for (;;) {
    const opensAt = cal.nextOpen(cursor);
    const closesAt = cal.nextClose(opensAt);
    let n = 0;
    while (i < times.length && times[i]! < closesAt.getTime()) {
      n += 1;
      i += 1;
    }
    if (closesAt > from && (opensAt < to || n > 0))
      shifts.push({ opensAt, label: cal.formatLocal(opensAt), received: n });
    if (opensAt >= to && i >= times.length) break;
    cursor = closesAt;
  }
  return shifts;
}

/** `organizationId` narrows every figure to one organization's tickets (`none`: customers without one). */
export async function dashboard(
  deps: { reports: Reports; figures: OpsFigures; cal: BusinessCalendar; ladder: string[] },
  from: Date,
  to: Date,
  organizationId?: string,
): Promise<Dashboard> {
  const [report, { signals, received }] = await Promise.all([
    deps.reports.attainment({ from, to, ...(organizationId !== undefined ? { organizationId } : {}) }),
    deps.figures.period(from, to, organizationId),
  ]);
  const levels = [...new Set([...deps.ladder, ...signals.map((s) => s.level)])].map((level) => ({
    level,
    breaches: signals.filter((s) => s.type === 'breached' && s.level === level).length,
    escalations: signals.filter((s) => s.type === 'escalated' && s.level === level).length,
  }));
  return { from, to, report, levels, shifts: ticketsPerShift(deps.cal, received, from, to), received: received.length };
}
