import type { Store } from '../store';
import type { SlaSignal } from '../store/ops-queries';

/**
 * The operational figures the console's dashboard and the API's /metrics read: ticket counts and the SLA
 * signals (warnings, breaches, escalations) of a period, each at the escalation level it happened at.
 */
export function createOpsFigures(deps: { store: Store }) {
  const { store } = deps;
  return {
    ticketCountsByStatus: () => store.ops.ticketCountsByStatus(),

    /** A period's signals and the instants its tickets were received; `organizationId` (`none`: customers without one) narrows both. */
    async period(from: Date, to: Date, organizationId?: string): Promise<{ signals: SlaSignal[]; received: Date[] }> {
      const [all, received] = await Promise.all([
        store.ops.slaSignals(from, to),
        store.ops.receivedBetween(from, to, organizationId),
      ]);
      if (organizationId === undefined) return { signals: all, received };
      const facts = await store.ticketStates.factsOf([...new Set(all.map((s) => s.ticketId))]);
      return {
        signals: all.filter((s) => (facts.get(s.ticketId)?.organizationId ?? 'none') === organizationId),
        received,
      };
    },

    /** A period's signals, with the priority of every ticket that breached in it. */
    async breaches(from: Date, to: Date): Promise<{ signals: SlaSignal[]; priorities: Map<string, string> }> {
      const signals = await store.ops.slaSignals(from, to);
      const breachedIds = [...new Set(signals.filter((s) => s.type === 'breached').map((s) => s.ticketId))];
      return { signals, priorities: await store.ticketStates.prioritiesOf(breachedIds) };
    },
  };
}

export type OpsFigures = ReturnType<typeof createOpsFigures>;
