import { isDuplicateKey } from './errors';
import type { Models } from './models';

export interface NotificationClaim {
  key: string;
  ticketId?: string;
  kind: string;
  to: string[];
  subject: string;
  messageId: string;
}

/** Longer than a mail send can take, so a live attempt always finishes (or heartbeats) inside it. */
export const CLAIM_LEASE_MS = 30_000;

export function createNotificationRepository(models: Models) {
  const { Notification } = models;
  // The driver's collection, not the model, for the writes every deadline makes: mongoose's casting of each filter
  // and update cost the worker more CPU than the write itself (issue 22); these inputs are already plain and typed.
  const notifications = Notification.collection;
  return {
    /**
     * Claims the right to send under an idempotency key: 'claimed' (send it now), 'sent' (a retry after
     * the mail went out: send nothing) or 'held'. A claim still 'sending' belongs to an earlier attempt
     * that may be alive (Temporal retries an attempt whose heartbeat it lost, not only a dead one), so it
     * is taken over only once it is older than `leaseMs`; before that the caller retries later. A worker
     * killed between its SMTP send and `markSent` still resends once, under the same Message-ID.
     */
    async claim(c: NotificationClaim, now: Date, leaseMs = CLAIM_LEASE_MS): Promise<'claimed' | 'sent' | 'held'> {
      const { key, ...fields } = c;
      // The common case, a first attempt, is one round trip: the insert is the claim.
      try {
        const res = await notifications.updateOne(
          { _id: key as never },
          { $setOnInsert: { ...fields, status: 'sending', attempts: 1, claimedAt: now } },
          { upsert: true },
        );
        if (res.upsertedCount === 1) return 'claimed';
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent attempt inserted it first
      }
      // `attempts: 0`: an entry written before claims were taken by the insert itself.
      const res = await notifications.updateOne(
        {
          _id: key as never,
          status: 'sending',
          $or: [{ attempts: 0 }, { claimedAt: { $lt: new Date(now.getTime() - leaseMs) } }],
        },
        { $inc: { attempts: 1 }, $set: { claimedAt: now } },
      );
      if (res.modifiedCount === 1) return 'claimed';
      const doc = await Notification.findById(key).select({ status: 1 }).lean();
      return (doc as { status?: string } | null)?.status === 'sent' ? 'sent' : 'held';
    },
    /**
     * Claims several keys at once (the mail of one change): one round trip inserts every first claim; a key already
     * present (a retry, a concurrent attempt) goes through `claim`'s lease rules one by one.
     */
    async claimMany(
      claims: NotificationClaim[],
      now: Date,
      leaseMs = CLAIM_LEASE_MS,
    ): Promise<('claimed' | 'sent' | 'held')[]> {
      if (claims.length < 2) return Promise.all(claims.map((c) => this.claim(c, now, leaseMs)));
      const inserted = new Set<number>();
      try {
        const res = await notifications.bulkWrite(
          claims.map(({ key, ...fields }) => ({
            updateOne: {
              filter: { _id: key as never },
              update: { $setOnInsert: { ...fields, status: 'sending', attempts: 1, claimedAt: now } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
        for (const i of Object.keys(res.upsertedIds)) inserted.add(Number(i));
      } catch (err) {
        // A concurrent attempt inserted one of them first: every key not known inserted takes the careful path.
        if (!isDuplicateKey(err)) throw err;
      }
      return Promise.all(claims.map((c, i) => (inserted.has(i) ? 'claimed' : this.claim(c, now, leaseMs))));
    },
    /**
     * One round trip for a change's mails. Each key is its own `_id` equality: FerretDB 1.24 answers that from the
     * index, but scans the whole log for an `_id: {$in: …}` (83 ms of its CPU per deadline at a few thousand mails).
     */
    async markSent(keys: string[], now: Date): Promise<void> {
      if (!keys.length) return;
      await notifications.bulkWrite(
        keys.map((key) => ({
          updateOne: { filter: { _id: key as never }, update: { $set: { status: 'sent', sentAt: now } } },
        })),
      );
    },
    async forTicket(ticketId: string) {
      return Notification.find({ ticketId }).sort({ ticketId: 1, claimedAt: 1 }).lean(); // the sort is the index's key (models.ts)
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
