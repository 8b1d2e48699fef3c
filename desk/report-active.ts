import { elapsedMinutes } from '../domain/sla-clock';
import type { ClockSnapshot } from '../domain/ticket-sla';
import type { Store } from '../store';
import type { PinnedTermsLookup } from './pinned-terms';
import type { ReportFilter, SlaOutcome } from './report-types';

/**
 * The clocks still counting (running, or paused while the customer is asked) on open tickets received before the
 * period's end, as they stand at `at`: what a report shows of the tickets that may yet breach. The projection holds
 * each clock as of the ticket's last change; a running clock has counted since then in its ticket's own calendar.
 */

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function activeOutcomes(
  deps: { store: Store; pinnedTerms: PinnedTermsLookup },
  f: ReportFilter,
  at: Date,
  organizationName: (id: string) => string | null,
): Promise<SlaOutcome[]> {
  const { store, pinnedTerms } = deps;
  const open = await store.ticketStates.openReceivedBefore({
    before: f.to,
    ...(f.organizationId !== undefined
      ? { organizationId: f.organizationId === 'none' ? null : f.organizationId }
      : {}),
    ...(f.customerId !== undefined ? { customerId: f.customerId } : {}),
  });
  if (!open.length) return [];
  const contents = await store.tickets.many(open.map((t) => t.id));
  const [terms, fallback] = await Promise.all([pinnedTerms.ofTickets([...contents.values()]), pinnedTerms.ofDefault()]);
  const rows: SlaOutcome[] = [];
  for (const t of open) {
    const cal = (terms.get(t.id) ?? fallback).calendar;
    for (const c of (t.clocks ?? []) as ClockSnapshot[]) {
      // A vendor's clock counts on the vendor's calendar and is reported per vendor, a level's per level: neither
      // is the ticket's.
      if (c.stopped || c.metric === 'vendor' || c.metric === 'level') continue;
      const used = c.paused ? c.usedMinutes : c.usedMinutes + elapsedMinutes(c.clock, new Date(t.updatedAt), at, cal);
      rows.push({
        ticketId: t.id,
        subject: t.subject,
        organizationId: t.organizationId ?? null,
        organization: t.organizationId ? organizationName(t.organizationId) : null,
        customerId: t.customerId,
        customerEmail: contents.get(t.id)?.customerEmail ?? null,
        priority: t.priority,
        category: t.category,
        metric: c.metric,
        outcome: 'active',
        at: at.toISOString(),
        dueAt: c.dueAt,
        businessMinutesUsed: round(used),
        businessMinutesLeft: round(c.targetMinutes - used),
      });
    }
  }
  return rows;
}
