import type { PinnedVersions } from '../domain/agreement';
import type { Models } from './models';
import type { TicketContent } from '../domain/entities';
export type { TicketContent };

export function createTicketRepository(models: Models) {
  const { Ticket } = models;
  const toPlain = (doc: Record<string, unknown>): TicketContent => {
    // The link's hash stays in the store: content goes out through the API, the hash must not.
    const { _id, accessTokenHash, ...rest } = doc;
    void accessTokenHash;
    return { id: String(_id), ...(rest as Omit<TicketContent, 'id'>) };
  };
  return {
    /** Idempotent: the workflow's activity and the API may both write the same content. */
    async save(t: TicketContent, accessTokenHash?: string): Promise<void> {
      const { id, ...fields } = t;
      await Ticket.updateOne(
        { _id: id },
        { $setOnInsert: { ...fields, ...(accessTokenHash ? { accessTokenHash } : {}) } },
        { upsert: true },
      );
    },
    /** A re-timing moved the ticket to other versions. Only over an older pinning: a late retry changes nothing. */
    async repin(id: string, versions: PinnedVersions, since: Date): Promise<void> {
      const older = { $or: [{ 'pinned.since': { $exists: false } }, { 'pinned.since': { $lt: since } }] };
      await Ticket.updateOne(
        { _id: String(id), ...older },
        { $set: { pinned: { calendar: versions.calendar, policy: versions.policy, since } } },
      );
    },
    /** Opening the mailed private link proves the address: the mark goes. */
    async markVerified(id: string): Promise<void> {
      await Ticket.updateOne({ _id: id, unverified: true }, { $unset: { unverified: 1 } });
    },
    /** A customer's newest tickets, ids and subjects only (the "mail me my links" page). */
    async recentForCustomer(
      customerId: string,
      limit: number,
    ): Promise<{ id: string; subject: string; receivedAt: Date }[]> {
      const docs = await Ticket.find({ customerId: String(customerId) })
        .select({ subject: 1, receivedAt: 1 })
        .sort({ customerId: 1, receivedAt: -1 }) // the index's key (models.ts)
        .limit(limit)
        .lean();
      return docs.map((d) => ({ id: String(d._id), subject: String(d.subject), receivedAt: d.receivedAt as Date }));
    },
    async get(id: string): Promise<TicketContent | null> {
      const doc = await Ticket.findById(id).lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    /** Each ticket's requester address (reports), without reading the tickets' content. */
    async customerEmailsOf(ids: string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const docs = await Ticket.find({ _id: { $in: ids.map(String) } }, { customerEmail: 1 }).lean();
      return new Map(docs.map((d) => [String(d._id), String((d as { customerEmail: string }).customerEmail)]));
    },
    /** Several tickets' content in one read (a queue page's requesters). */
    async many(ids: string[]): Promise<Map<string, TicketContent>> {
      const docs = await Ticket.find({ _id: { $in: ids.map(String) } }).lean();
      return new Map(docs.map((d) => [String(d._id), toPlain(d as unknown as Record<string, unknown>)]));
    },
    /** Tickets saved before every channel got a link get theirs here. */
    async setAccessTokenHash(id: string, hash: string): Promise<void> {
      await Ticket.updateOne({ _id: id }, { $set: { accessTokenHash: hash } });
    },
    async byAccessTokenHash(hash: string): Promise<TicketContent | null> {
      // Sorted by its index's key so the patched FerretDB seeks the index (scripts/lib/ferretdb-index-patches.ts).
      const doc = await Ticket.findOne({ accessTokenHash: String(hash) })
        .sort({ accessTokenHash: 1 })
        .lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
  };
}

export type TicketRepository = ReturnType<typeof createTicketRepository>;
