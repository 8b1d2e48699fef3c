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
  return {
    async add(w: Webhook): Promise<void> {
      const { id, ...fields } = w;
      await Model.create({ _id: id, ...fields });
    },
    async list(): Promise<Webhook[]> {
      return (await Model.find({}).sort({ createdAt: 1 }).lean()).map((d) => toPlain(d as unknown as Record<string, unknown>));
    },
    async remove(id: string): Promise<boolean> {
      return (await Model.deleteOne({ _id: id })).deletedCount === 1;
    },
    async subscribedTo(eventType: string): Promise<Webhook[]> {
      return (await Model.find({ active: true, events: eventType }).lean()).map((d) => toPlain(d as unknown as Record<string, unknown>));
    },
    async delivered(webhookId: string, eventKey: string): Promise<boolean> {
      return (await WebhookDelivery.countDocuments({ _id: `${webhookId}:${eventKey}` })) > 0;
    },
    async markDelivered(webhookId: string, eventKey: string, status: number, now: Date): Promise<void> {
      await WebhookDelivery.updateOne({ _id: `${webhookId}:${eventKey}` }, { $setOnInsert: { webhookId, eventKey, status, deliveredAt: now } }, { upsert: true });
    },
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
