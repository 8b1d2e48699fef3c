import { microcache } from './microcache';
import type { Models } from './models';

export interface Webhook {
  id: string;
  url: string;
  secret: string;
  events: string[];
  active: boolean;
  createdAt: Date;
}

export function createWebhookRepository(models: Models) {
  const { Webhook: Model, WebhookDelivery } = models;
  const toPlain = (d: Record<string, unknown>): Webhook => {
    const { _id, ...rest } = d;
    return { id: String(_id), ...(rest as Omit<Webhook, 'id'>) };
  };
  /**
   * Asked at every SLA event (does anyone listen?) by every worker, while subscriptions change rarely and in the
   * API's process: a new or removed subscription takes effect within a second (a scan less per event on FerretDB).
   */
  const subscribedTo = microcache(
    async (eventType: string): Promise<Webhook[]> =>
      (await Model.find({ active: true, events: eventType }).lean()).map((d) =>
        toPlain(d as unknown as Record<string, unknown>),
      ),
    1_000,
  );
  return {
    async add(w: Webhook): Promise<void> {
      const { id, ...fields } = w;
      await Model.create({ _id: id, ...fields });
    },
    async list(): Promise<Webhook[]> {
      return (await Model.find({}).sort({ createdAt: 1 }).lean()).map((d) =>
        toPlain(d as unknown as Record<string, unknown>),
      );
    },
    async remove(id: string): Promise<boolean> {
      return (await Model.deleteOne({ _id: id })).deletedCount === 1;
    },
    subscribedTo,
    async delivered(webhookId: string, eventKey: string): Promise<boolean> {
      return (await WebhookDelivery.countDocuments({ _id: `${webhookId}:${eventKey}` })) > 0;
    },
    async markDelivered(webhookId: string, eventKey: string, status: number, now: Date): Promise<void> {
      await WebhookDelivery.updateOne(
        { _id: `${webhookId}:${eventKey}` },
        { $setOnInsert: { webhookId, eventKey, status, deliveredAt: now } },
        { upsert: true },
      );
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
