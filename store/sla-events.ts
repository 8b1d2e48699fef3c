import type { Models } from './models';
import type { SlaEventRecord } from '../domain/entities';
export type { SlaEventRecord };

/** The driver writes `undefined` as null; the model left such fields out, and readers expect them absent. */
const withoutUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function createSlaEventRepository(models: Models) {
  const { SlaEvent } = models;
  return {
    async append(events: SlaEventRecord[]): Promise<void> {
      if (!events.length) return;
      // One round trip for the whole change; each event is still its own idempotent upsert.
      // The driver's collection: the model's casting cost more than the write (store/notifications.ts).
      await SlaEvent.collection.bulkWrite(
        events.map(({ key, ...fields }) => ({
          updateOne: {
            filter: { _id: key as never },
            update: { $setOnInsert: withoutUndefined(fields) },
            upsert: true,
          },
        })),
      );
    },
    async between(from: Date, to: Date, types: string[]): Promise<Omit<SlaEventRecord, 'key'>[]> {
      const docs = await SlaEvent.find({ at: { $gte: from, $lt: to }, type: { $in: types } })
        .sort({ at: 1 })
        .lean();
      return docs.map((d) => {
        const { _id, ...rest } = d as unknown as Record<string, unknown>;
        void _id;
        return rest as unknown as Omit<SlaEventRecord, 'key'>;
      });
    },
    async forTicket(ticketId: string): Promise<Omit<SlaEventRecord, 'key'>[]> {
      const docs = await SlaEvent.find({ ticketId }).sort({ ticketId: 1, at: 1, _id: 1 }).lean(); // the sort is the index's key (models.ts)
      return docs.map((d) => {
        const { _id, ...rest } = d as unknown as Record<string, unknown>;
        void _id;
        return rest as unknown as Omit<SlaEventRecord, 'key'>;
      });
    },
  };
}

export type SlaEventRepository = ReturnType<typeof createSlaEventRepository>;
