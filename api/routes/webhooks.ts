import { Router } from 'express';
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../domain/ticket-sla';
import type { WebhookService } from '../../desk/webhooks';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';

export const createWebhookBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .max(2_000)
      .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\//, 'must be an http(s) URL'),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .default([...WEBHOOK_EVENTS]),
  })
  .strict();

/** Admins register endpoints for SLA events (desk/webhooks.ts); the signing secret is shown once, at creation. */
export function webhookRoutes(webhooks: WebhookService): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.post('/', async (req, res) => {
    const body = parseOr400(createWebhookBody, req.body ?? {}, 'webhook');
    res.status(201).json(await webhooks.register(body, principal(req).id));
  });

  router.get('/', async (_req, res) => {
    res.json({ webhooks: await webhooks.list() });
  });

  router.delete('/:id', async (req, res) => {
    await webhooks.remove(String(req.params.id), principal(req).id);
    res.status(204).end();
  });
  return router;
}
