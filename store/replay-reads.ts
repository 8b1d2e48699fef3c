import type { Connection } from 'mongoose';
import type { RecordedEvent } from '../domain/sla-replay';
import type { OpenClock } from '../domain/sla-replay';

/**
 * What a what-if replays, read in bulk with the driver (no model casting: a year of a busy desk is many documents):
 * the tickets received in a window, their timelines, their customers' messages and their clocks as last projected.
 */

export interface ReplayRow {
  id: string;
  receivedAt: Date;
  organizationId?: string;
  customerId: string;
  status: string;
  /** The projection's clocks: those still open give their due instants. */
  clocks: OpenClock[];
}

const BATCH = 500;

async function inBatches<T>(ids: string[], read: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += BATCH) out.push(...(await read(ids.slice(i, i + BATCH))));
  return out;
}

export function createReplayReads(conn: Connection) {
  const db = () => conn.db!;
  return {
    /** Tickets received in [from, to) (`organizationId`: one organization's; `none`: customers without one). */
    async received(from: Date, to: Date, organizationId?: string): Promise<ReplayRow[]> {
      const filter: Record<string, unknown> = { receivedAt: { $gte: from, $lt: to } };
      if (organizationId === 'none') filter.organizationId = { $exists: false };
      else if (organizationId !== undefined) filter.organizationId = organizationId;
      const docs = await db()
        .collection('ticket_states')
        .find(filter, { projection: { receivedAt: 1, organizationId: 1, customerId: 1, status: 1, clocks: 1 } })
        .sort({ receivedAt: 1, _id: 1 })
        .toArray();
      return docs.map((d) => ({
        id: String(d._id),
        receivedAt: d.receivedAt as Date,
        ...(d.organizationId ? { organizationId: String(d.organizationId) } : {}),
        customerId: String(d.customerId),
        status: String(d.status),
        clocks: Array.isArray(d.clocks) ? (d.clocks as OpenClock[]) : [],
      }));
    },

    /** Each ticket's timeline, in its own order (the event key's sequence number breaks ties of one instant). */
    async timelines(ids: string[]): Promise<Map<string, RecordedEvent[]>> {
      const docs = await inBatches(ids, (batch) =>
        db()
          .collection('sla_events')
          .find({ ticketId: { $in: batch } })
          .toArray(),
      );
      const out = new Map<string, RecordedEvent[]>();
      for (const d of docs) {
        const key = String(d._id);
        const e: RecordedEvent = {
          type: String(d.type),
          at: (d.at as Date).toISOString(),
          seq: Number(key.slice(key.lastIndexOf(':') + 1)) || 0,
          ...(d.metric ? { metric: String(d.metric) } : {}),
          ...(d.dueAt ? { dueAt: (d.dueAt as Date).toISOString() } : {}),
          ...(d.level ? { level: String(d.level) } : {}),
          ...(d.detail ? { detail: d.detail as Record<string, unknown> } : {}),
        };
        const list = out.get(String(d.ticketId)) ?? [];
        list.push(e);
        out.set(String(d.ticketId), list);
      }
      return out;
    },

    /** When each ticket's customers wrote (messages they sent, not staff replies or notes). */
    async customerMessages(ids: string[]): Promise<Map<string, string[]>> {
      const docs = await inBatches(ids, (batch) =>
        db()
          .collection('messages')
          .find(
            { ticketId: { $in: batch }, authorRole: 'customer', internal: false },
            { projection: { ticketId: 1, createdAt: 1, kind: 1 } },
          )
          .toArray(),
      );
      const out = new Map<string, string[]>();
      for (const d of docs) {
        if (d.kind && d.kind !== 'message') continue;
        const list = out.get(String(d.ticketId)) ?? [];
        list.push((d.createdAt as Date).toISOString());
        out.set(String(d.ticketId), list);
      }
      return out;
    },

    /**
     * When agents accepted tickets out of a scope review: the timeline has no event of it, its notice to the customer
     * is logged (claimed a moment after the workflow decided). A reclassification's notice (`:r<seq>`) is not one.
     */
    async acceptances(ids: string[]): Promise<Map<string, string[]>> {
      const docs = await inBatches(ids, (batch) =>
        db()
          .collection('notifications')
          .find({ ticketId: { $in: batch }, kind: 'scope_accepted' }, { projection: { ticketId: 1, claimedAt: 1 } })
          .toArray(),
      );
      const out = new Map<string, string[]>();
      for (const d of docs) {
        if (/:scope_accepted:r\d+$/.test(String(d._id))) continue;
        const list = out.get(String(d.ticketId)) ?? [];
        list.push((d.claimedAt as Date).toISOString());
        out.set(String(d.ticketId), list);
      }
      return out;
    },
  };
}

export type ReplayReads = ReturnType<typeof createReplayReads>;
