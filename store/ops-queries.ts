import type { Models } from './models';

/** An SLA signal (warning, breach, escalation) with the escalation level the ticket was at when it happened. */
export interface SlaSignal {
  ticketId: string;
  type: 'warning' | 'breached' | 'escalated';
  metric?: string;
  at: Date;
  dueAt?: Date;
  /** Escalated: the level reached. Warning/breached: the ticket's level at that moment (L1 until escalated). */
  level: string;
  detail?: Record<string, unknown>;
}

/** Event keys are `${ticketId}:${seq}`: the sequence orders events of one ticket that share an instant. */
const seqOf = (key: string) => Number(key.slice(key.lastIndexOf(':') + 1)) || 0;

/**
 * Read-only aggregates for the dashboard and /metrics. Counting happens in JS over one period's
 * events: the volumes are small and FerretDB's aggregation support is narrower than MongoDB's.
 */
export function createOpsQueries(models: Models) {
  const { SlaEvent, TicketState } = models;
  /** The level reached by the ticket's escalations before (at, seq); L1 if none. */
  function levelFrom(escalations: { at: number; seq: number; level: string }[], at: number, seq: number): string {
    let level = 'L1';
    let best = { at: -Infinity, seq: -Infinity };
    for (const x of escalations) {
      const before = x.at < at || (x.at === at && x.seq < seq);
      const later = x.at > best.at || (x.at === best.at && x.seq > best.seq);
      if (before && later) {
        best = x;
        level = x.level;
      }
    }
    return level;
  }
  const toLadderStep = (e: { _id: unknown; at: Date; level?: unknown }) => ({
    at: new Date(e.at).getTime(),
    seq: seqOf(String(e._id)),
    level: String(e.level ?? 'L1'),
  });

  return {
    /** The level a ticket was at when the event with this key happened (for counting warnings and breaches). */
    async levelAtEvent(ticketId: string, at: Date, key: string): Promise<string> {
      const escalations = await SlaEvent.find({ ticketId, type: 'escalated', at: { $lte: at } }).lean();
      return levelFrom(escalations.map(toLadderStep), at.getTime(), seqOf(key));
    },

    async ticketCountsByStatus(): Promise<Map<string, number>> {
      const docs = await TicketState.find({}, { status: 1 }).lean();
      const counts = new Map<string, number>();
      for (const d of docs) {
        const status = String((d as { status: string }).status);
        counts.set(status, (counts.get(status) ?? 0) + 1);
      }
      return counts;
    },

    /** When each ticket received in [from, to) arrived. */
    /** With `organizationId`, only that organization's tickets (`none`: customers without one). */
    async receivedBetween(from: Date, to: Date, organizationId?: string): Promise<Date[]> {
      const q: Record<string, unknown> = { receivedAt: { $gte: from, $lt: to } };
      if (organizationId !== undefined) q.organizationId = organizationId === 'none' ? null : String(organizationId);
      const docs = await TicketState.find(q, { receivedAt: 1 }).lean();
      return docs.map((d) => new Date((d as { receivedAt: Date }).receivedAt));
    },

    /** Warnings, breaches and escalations in [from, to), each with the level its ticket was at. */
    async slaSignals(from: Date, to: Date): Promise<SlaSignal[]> {
      const types = ['warning', 'breached', 'escalated'];
      const inPeriod = await SlaEvent.find({ at: { $gte: from, $lt: to }, type: { $in: types } })
        .sort({ at: 1 })
        .lean();
      const ticketIds = [...new Set(inPeriod.map((e) => String(e.ticketId)))];
      // Escalations before the period still set the level a breach inside it happened at.
      const escalations = await SlaEvent.find({
        ticketId: { $in: ticketIds },
        type: 'escalated',
        at: { $lt: to },
      }).lean();
      const ladder = new Map<string, { at: number; seq: number; level: string }[]>();
      for (const e of escalations)
        ladder.set(String(e.ticketId), [...(ladder.get(String(e.ticketId)) ?? []), toLadderStep(e)]);
      return inPeriod.map((e) => {
        const at = new Date(e.at);
        const type = String(e.type) as SlaSignal['type'];
        return {
          ticketId: String(e.ticketId),
          type,
          ...(e.metric ? { metric: String(e.metric) } : {}),
          at,
          ...(e.dueAt ? { dueAt: new Date(e.dueAt) } : {}),
          level:
            type === 'escalated'
              ? String(e.level ?? 'L1')
              : levelFrom(ladder.get(String(e.ticketId)) ?? [], at.getTime(), seqOf(String(e._id))),
          ...(e.detail ? { detail: e.detail as Record<string, unknown> } : {}),
        };
      });
    },
  };
}

export type OpsQueries = ReturnType<typeof createOpsQueries>;
