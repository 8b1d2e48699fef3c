import type { Store } from '../store';
import type { ReportFilter } from './report-types';

/**
 * What waiting cost in a report's period, from the timeline: time paused per reason (the pauses that ended in it,
 * `pause_ended`), and each vendor's attainment (the waits on it that ended in the period, met or missed by its own
 * target, and its breaches, `vendor_breached`).
 */
export interface PausedTimeRow {
  waitingOn: string;
  pauses: number;
  /** Paused business minutes, each ticket's on its own calendar: what the paused clocks skipped. */
  businessMinutes: number;
  minutes: number;
}

export interface VendorAttainmentRow {
  vendor: string;
  vendorName: string;
  met: number;
  missed: number;
  breached: number;
  completed: number;
  attainment: number | null;
  /** Median minutes of the vendor's clock (on its calendar) over the waits that ended. */
  medianMinutes: number | null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

type Detail = {
  waitingOn?: string;
  businessMinutesPaused?: number;
  minutesPaused?: number;
  vendor?: string;
  vendorName?: string;
  vendorMet?: boolean;
  vendorMinutesUsed?: number;
};

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.5 * sorted.length) - 1]!;
}

export async function waitingIn(
  store: Store,
  f: ReportFilter,
): Promise<{ pausedTime: PausedTimeRow[]; vendors: VendorAttainmentRow[] }> {
  const events = await store.slaEvents.between(f.from, f.to, ['pause_ended', 'vendor_breached']);
  const facts = await store.ticketStates.factsOf([...new Set(events.map((e) => e.ticketId))]);
  const rows = new Map<string, PausedTimeRow>();
  const vendors = new Map<string, VendorAttainmentRow & { minutes: number[] }>();
  const vendorRow = (id: string, name: string) => {
    const v = vendors.get(id) ?? {
      vendor: id,
      vendorName: name,
      met: 0,
      missed: 0,
      breached: 0,
      completed: 0,
      attainment: null,
      medianMinutes: null,
      minutes: [],
    };
    vendors.set(id, v);
    return v;
  };
  for (const e of events) {
    const t = facts.get(e.ticketId);
    const d = (e.detail ?? {}) as Detail;
    if (!t) continue;
    if (f.organizationId !== undefined && (t.organizationId ?? 'none') !== f.organizationId) continue;
    if (f.customerId !== undefined && t.customerId !== f.customerId) continue;
    if (e.type === 'vendor_breached') {
      if (d.vendor) vendorRow(d.vendor, d.vendorName ?? d.vendor).breached += 1;
      continue;
    }
    if (!d.waitingOn) continue;
    if (d.vendor && typeof d.vendorMet === 'boolean') {
      const v = vendorRow(d.vendor, d.vendorName ?? d.vendor);
      v[d.vendorMet ? 'met' : 'missed'] += 1;
      if (typeof d.vendorMinutesUsed === 'number') v.minutes.push(d.vendorMinutesUsed);
    }
    const row = rows.get(d.waitingOn) ?? { waitingOn: d.waitingOn, pauses: 0, businessMinutes: 0, minutes: 0 };
    row.pauses += 1;
    row.businessMinutes = round(row.businessMinutes + (d.businessMinutesPaused ?? 0));
    row.minutes = round(row.minutes + (d.minutesPaused ?? 0));
    rows.set(d.waitingOn, row);
  }
  return {
    pausedTime: [...rows.values()].sort((a, b) => a.waitingOn.localeCompare(b.waitingOn)),
    vendors: [...vendors.values()]
      .sort((a, b) => a.vendorName.localeCompare(b.vendorName))
      .map(({ minutes, ...v }) => ({
        ...v,
        completed: v.met + v.missed,
        attainment: v.met + v.missed ? v.met / (v.met + v.missed) : null,
        medianMinutes: median(minutes),
      })),
  };
}
