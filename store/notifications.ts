import type { Models } from './models';

export interface NotificationClaim {
  key: string;
  ticketId?: string;
  kind: string;
  to: string[];
  subject: string;
  messageId: string;
}

export function createNotificationRepository(models: Models) {
  const { Notification } = models;
  return {
    /**
     * Claims the right to send under an idempotency key. Returns false when it was already sent,
     * so a retried activity never mails twice. A claim left 'sending' by a crashed attempt is
     * taken again (at worst one resend carrying the same Message-ID, which mail clients dedupe).
     */
    async claim(c: NotificationClaim, now: Date): Promise<boolean> {
      const { key, ...fields } = c;
      await Notification.updateOne(
        { _id: key },
        { $setOnInsert: { ...fields, status: 'sending', attempts: 0, claimedAt: now } },
        { upsert: true },
      );
      const res = await Notification.updateOne({ _id: key, status: 'sending' }, { $inc: { attempts: 1 }, $set: { claimedAt: now } });
      return res.modifiedCount === 1;
    },
    async markSent(key: string, now: Date): Promise<void> {
      await Notification.updateOne({ _id: key }, { $set: { status: 'sent', sentAt: now } });
    },
    async forTicket(ticketId: string) {
      return Notification.find({ ticketId }).sort({ claimedAt: 1 }).lean();
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
