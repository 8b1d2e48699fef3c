import { isDuplicateKey } from './errors';
import type { Models } from './models';
import type { ChannelModels } from './channel-models';

/** The log of every inbound message, keyed by Message-ID (or a hash of the raw bytes without one). */
/** `held`: a reply whose sender proved nothing, kept as an internal note for agents (desk/mail-auth.ts). */
export type InboundOutcome = 'created' | 'threaded' | 'held' | 'ignored' | 'duplicate';

export interface InboundRecord {
  key: string;
  status: 'processing' | 'failed' | 'done' | 'rejected';
  outcome?: InboundOutcome;
  ticketId?: string;
  reason?: string;
}

/** A claim left 'processing' this long by a crashed process may be taken over by a redelivery. */
const LEASE_MS = 2 * 60_000;
/** How much of a rejected message we keep: enough to read and replay by hand, bounded for the store. */
export const MAX_RAW_BYTES = 1024 * 1024;

export function createInboundMailRepository(models: ChannelModels, core: Models) {
  const { InboundMail } = models;

  async function read(key: string): Promise<InboundRecord | null> {
    const doc = (await InboundMail.findById(key).lean()) as Record<string, unknown> | null;
    if (!doc) return null;
    return {
      key,
      status: doc.status as InboundRecord['status'],
      outcome: doc.outcome as InboundOutcome,
      ticketId: doc.ticketId as string,
      reason: doc.reason as string,
    };
  }

  return {
    /**
     * Claims the right to process a message. Returns null when this caller owns it; otherwise the
     * record that stands (done, rejected, or in progress elsewhere). A failed attempt, or one left
     * 'processing' past the lease by a crash, is taken over so the sender's retry is not lost.
     */
    async claim(key: string, facts: { from?: string; subject?: string }, now: Date): Promise<InboundRecord | null> {
      try {
        const res = await InboundMail.updateOne(
          { _id: key },
          {
            $setOnInsert: {
              status: 'processing',
              attempts: 1,
              claimedAt: now,
              from: facts.from,
              subject: facts.subject?.slice(0, 300),
            },
          },
          { upsert: true },
        );
        if (res.upsertedCount === 1) return null;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent delivery inserted it first
      }
      const takeover = await InboundMail.updateOne(
        {
          _id: key,
          $or: [{ status: 'failed' }, { status: 'processing', claimedAt: { $lt: new Date(now.getTime() - LEASE_MS) } }],
        },
        { $set: { status: 'processing', claimedAt: now }, $inc: { attempts: 1 } },
      );
      if (takeover.modifiedCount === 1) return null;
      return read(key);
    },
    async finish(
      key: string,
      r: {
        outcome: InboundOutcome;
        ticketId?: string;
        reason?: string;
        skippedAttachments?: { filename: string; reason: string }[];
      },
      now: Date,
    ) {
      await InboundMail.updateOne({ _id: key }, { $set: { status: 'done', ...r, processedAt: now } });
    },
    /** Lets the next delivery retry at once (the store or Temporal was unavailable). */
    async fail(key: string, reason: string, now: Date) {
      await InboundMail.updateOne({ _id: key }, { $set: { status: 'failed', reason, processedAt: now } });
    },
    /** Keeps the raw bytes (bounded) of a message we could not use, so nothing is silently lost. */
    async reject(key: string, reason: string, raw: Buffer, now: Date) {
      await InboundMail.updateOne(
        { _id: key },
        {
          $set: {
            status: 'rejected',
            reason,
            raw: raw.subarray(0, MAX_RAW_BYTES),
            rawSize: raw.length,
            processedAt: now,
          },
        },
      );
    },
    get: read,
    /** The raw bytes kept for a rejected message (operators replay it by hand). */
    async raw(key: string): Promise<Buffer | null> {
      const doc = (await InboundMail.findById(key).select({ raw: 1 }).lean()) as { raw?: unknown } | null;
      if (!doc?.raw) return null;
      return Buffer.isBuffer(doc.raw) ? doc.raw : Buffer.from((doc.raw as { buffer: Uint8Array }).buffer);
    },
    /** The ticket one of our own notifications belonged to, found by the Message-IDs a reply cites. */
    async ticketForMessageIds(ids: string[]): Promise<string | null> {
      if (!ids.length) return null;
      const doc = (await core.Notification.findOne({ messageId: { $in: ids }, ticketId: { $exists: true } })
        .select({ ticketId: 1 })
        .lean()) as { ticketId?: string } | null;
      return doc?.ticketId ?? null;
    },
    /** Who received each of our notifications a reply cites: a mail sent to one person alone proves that person. */
    async citedNotifications(
      ids: string[],
    ): Promise<{ key: string; ticketId: string; to: string[]; messageId: string }[]> {
      if (!ids.length) return [];
      const docs = (await core.Notification.find({ messageId: { $in: ids }, ticketId: { $exists: true } })
        .select({ ticketId: 1, to: 1, messageId: 1 })
        .limit(50)
        .lean()) as { _id: string; ticketId: string; to: string[]; messageId: string }[];
      return docs.map((d) => ({ key: d._id, ticketId: d.ticketId, to: d.to ?? [], messageId: d.messageId }));
    },
  };
}

export type InboundMailRepository = ReturnType<typeof createInboundMailRepository>;
