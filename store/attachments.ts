import type { ChannelModels } from './channel-models';
import type { Attachment, AttachmentMeta } from '../domain/entities';
export type { Attachment, AttachmentMeta };

/** What one document may hold; the BSON limit is 16 MB, so stay well below it. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const plain = (doc: Record<string, unknown>) => {
  const { _id, ...rest } = doc;
  return { id: String(_id), ...rest };
};

export function createAttachmentRepository(models: ChannelModels) {
  const { Attachment: Model } = models;
  return {
    /** Idempotent by id, so reprocessing the same mail never stores a file twice. */
    async add(a: Attachment): Promise<void> {
      if (a.data.length > MAX_ATTACHMENT_BYTES)
        throw new Error(`attachment ${a.filename} exceeds ${MAX_ATTACHMENT_BYTES} bytes`);
      const { id, ...fields } = a;
      await Model.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true });
    },
    /**
     * Metadata only: listing a ticket's files never loads their bytes. `held`: the ticket's own files (false, the
     * default), only those of held mail (true), or both ('any').
     */
    async forTicket(ticketId: string, held: boolean | 'any' = false): Promise<AttachmentMeta[]> {
      const filter =
        held === 'any' ? { ticketId } : held ? { ticketId, held: true } : { ticketId, held: { $ne: true } };
      const docs = await Model.find(filter).select({ data: 0 }).sort({ ticketId: 1, createdAt: 1, _id: 1 }).lean(); // the sort is the index's key (channel-models.ts)
      return docs.map((d) => plain(d as unknown as Record<string, unknown>) as unknown as AttachmentMeta);
    },
    /** A released held mail's files become the ticket's, under the message the release added. */
    async release(ticketId: string, heldMessageId: string, messageId: string): Promise<void> {
      await Model.updateMany(
        { ticketId, messageId: heldMessageId, held: true },
        { $set: { messageId }, $unset: { held: 1 } },
      );
    },
    /** A message refused after its files were kept (its ticket closed meanwhile): the files go with it. */
    async removeOfMessage(ticketId: string, messageId: string): Promise<void> {
      await Model.deleteMany({ ticketId, messageId, held: { $ne: true } });
    },
    async discardHeld(ticketId: string, heldMessageId: string): Promise<void> {
      await Model.deleteMany({ ticketId, messageId: heldMessageId, held: true });
    },
    async get(id: string): Promise<Attachment | null> {
      const doc = await Model.findById(id).lean();
      if (!doc) return null;
      const a = plain(doc as unknown as Record<string, unknown>) as unknown as Attachment;
      // A lean read hands back BSON Binary (its bytes in `.buffer`); callers want a Buffer.
      const raw = a.data as unknown;
      return { ...a, data: Buffer.isBuffer(raw) ? raw : Buffer.from((raw as { buffer: Uint8Array }).buffer) };
    },
  };
}

export type AttachmentRepository = ReturnType<typeof createAttachmentRepository>;
