import type { Store } from '../store';
import type { ReportFilter } from './report-types';

/** Time paused per reason in a report's period: the pauses that ended in it (`pause_ended` on the timeline). */
export interface PausedTimeRow {
  waitingOn: string;
  pauses: number;
  /** Paused business minutes, each ticket's on its own calendar: what the paused clocks skipped. */
  businessMinutes: number;
  minutes: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function pausedTimeIn(store: Store, f: ReportFilter): Promise<PausedTimeRow[]> {
  const events = await store.slaEvents.between(f.from, f.to, ['pause_ended']);
  const facts = await store.ticketStates.factsOf([...new Set(events.map((e) => e.ticketId))]);
  const rows = new Map<string, PausedTimeRow>();
  for (const e of events) {
    const t = facts.get(e.ticketId);
    const d = (e.detail ?? {}) as { waitingOn?: string; businessMinutesPaused?: number; minutesPaused?: number };
    if (!t || !d.waitingOn) continue;
    if (f.organizationId !== undefined && (t.organizationId ?? 'none') !== f.organizationId) continue;
    if (f.customerId !== undefined && t.customerId !== f.customerId) continue;
    const row = rows.get(d.waitingOn) ?? { waitingOn: d.waitingOn, pauses: 0, businessMinutes: 0, minutes: 0 };
    row.pauses += 1;
    row.businessMinutes = round(row.businessMinutes + (d.businessMinutesPaused ?? 0));
    row.minutes = round(row.minutes + (d.minutesPaused ?? 0));
    rows.set(d.waitingOn, row);
  }
  return [...rows.values()].sort((a, b) => a.waitingOn.localeCompare(b.waitingOn));
}
