import type { Models } from './models';
import type { ThreadMessage, MailDetails, HeldMail } from '../domain/entities';
export type { ThreadMessage, MailDetails, HeldMail };

export function createMessageRepository(models: Models) {
  const { Message } = models;
  return {
    /** Idempotent by id, so a retried request never adds the message twice; true when this call added it. */
    async add(m: ThreadMessage): Promise<boolean> {
      const { id, ...fields } = m;
      const res = await Message.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true });
      return res.upsertedCount > 0;
    },
    async get(id: string): Promise<ThreadMessage | null> {
      const doc = (await Message.findById(id).lean()) as Record<string, unknown> | null;
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { id: String(_id), ...(rest as Omit<ThreadMessage, 'id'>) };
    },
    /** Records an agent's decision on a held mail once: false when it was already decided. */
    async decideHeld(id: string, decision: Omit<HeldMail, 'reply' | 'customerId'>): Promise<boolean> {
      const set: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(decision)) if (v !== undefined) set[`mail.held.${k}`] = v;
      const res = await Message.updateOne({ _id: id, 'mail.held.status': 'pending' }, { $set: set });
      return res.modifiedCount === 1;
    },
    async remove(id: string): Promise<void> {
      await Message.deleteOne({ _id: id });
    },
    async forTicket(ticketId: string, opts: { includeInternal: boolean }): Promise<ThreadMessage[]> {
      const filter: Record<string, unknown> = { ticketId };
      if (!opts.includeInternal) filter.internal = false;
      const docs = await Message.find(filter).sort({ ticketId: 1, createdAt: 1, _id: 1 }).lean(); // the sort is the index's key (models.ts)
      return docs.map((d) => {
        const { _id, ...rest } = d as unknown as Record<string, unknown>;
        const m = { id: String(_id), ...(rest as Omit<ThreadMessage, 'id'>) };
        // Messages stored before kinds existed: an internal flag or the author's role says which they were.
        return m.kind
          ? m
          : { ...m, kind: m.internal ? 'internal_note' : m.authorRole === 'customer' ? 'message' : 'reply' };
      });
    },
  };
}

export type MessageRepository = ReturnType<typeof createMessageRepository>;
