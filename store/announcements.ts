import type { Models } from './models';
import type { ChannelModels } from './channel-models';
import type { AnnouncementKind, BroadcastStatus, BroadcastProgress, Announcement } from '../domain/entities';
export type { AnnouncementKind, BroadcastStatus, BroadcastProgress, Announcement };

export interface CustomerAddress {
  id: string;
  email: string;
  /** The customer's organization, whose agreement's calendar they read times in; absent for the default's. */
  organizationId?: string;
}

export function createAnnouncementRepository(models: ChannelModels, core: Models) {
  const { Announcement: Model } = models;
  return {
    /** Idempotent by id: a retried POST with the same Idempotency-Key keeps the first record. */
    async create(a: Announcement): Promise<void> {
      const { id, ...fields } = a;
      await Model.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true });
    },
    async get(id: string): Promise<Announcement | null> {
      const doc = await Model.findById(id).lean();
      if (!doc) return null;
      const { _id, ...rest } = doc as unknown as Record<string, unknown>;
      return { id: String(_id), ...(rest as Omit<Announcement, 'id'>) };
    },
    /** The stored copy of the workflow's progress: what the API shows once the workflow is gone. */
    async saveProgress(id: string, p: BroadcastProgress, now: Date): Promise<void> {
      await Model.updateOne(
        { _id: id },
        {
          $set: {
            total: p.total,
            sent: p.sent,
            failed: p.failed,
            cancelled: p.cancelled,
            status: p.status,
            updatedAt: now,
          },
        },
      );
    },
    /** The newest announcements not cancelled, for customers to read again (the portal). */
    async recent(limit: number): Promise<Announcement[]> {
      const docs = await Model.find({ cancelled: false }).sort({ createdAt: -1, _id: 1 }).limit(limit).lean();
      return docs.map((doc) => {
        const { _id, ...rest } = doc as unknown as Record<string, unknown>;
        return { id: String(_id), ...(rest as Omit<Announcement, 'id'>) };
      });
    },
    async countCustomers(): Promise<number> {
      return core.User.countDocuments({ role: 'customer' });
    },
    /** Customers in _id order after `cursor`: a stable order, so a resumed broadcast neither skips nor repeats. */
    async customerPage(cursor: string | null, limit: number): Promise<CustomerAddress[]> {
      const filter: Record<string, unknown> = { role: 'customer' };
      if (cursor) filter._id = { $gt: cursor };
      const docs = await core.User.find(filter)
        .select({ email: 1, organizationId: 1 })
        .sort({ _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => ({
        id: String(d._id),
        email: String(d.email),
        ...(d.organizationId ? { organizationId: String(d.organizationId) } : {}),
      }));
    },
  };
}

export type AnnouncementRepository = ReturnType<typeof createAnnouncementRepository>;
