import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../domain/ticket-sla';
import { invalidInput, notFoundError } from '../../domain/app-errors';
import { checkDestination, RefusedDestination } from '../../lib/outbound-address';
import type { Store } from '../../store';
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

/**
 * Admins register endpoints for SLA events; the signing secret is shown once, at creation. A URL whose
 * host resolves to a loopback, private, link-local, multicast or metadata address is refused unless the
 * operator allowed that host (WEBHOOK_ALLOW_HOSTS); delivery checks again (activities/webhook-activities.ts).
 */
export function webhookRoutes(deps: { store: Store; now: () => Date; allowHosts?: readonly string[] }): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.post('/', async (req, res) => {
    const body = parseOr400(createWebhookBody, req.body ?? {}, 'webhook');
    try {
      await checkDestination(body.url, deps.allowHosts ?? []);
    } catch (err) {
      if (err instanceof RefusedDestination) throw invalidInput(`the URL ${err.reason}`, 'url');
      throw err;
    }
    const hook = {
      id: `W${randomBytes(6).toString('hex').toUpperCase()}`,
      url: body.url,
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      events: body.events,
      active: true,
      createdAt: deps.now(),
    };
    await deps.store.webhooks.add(hook);
    await deps.store.audit.record({
      at: deps.now(),
      actor: principal(req).id,
      action: 'webhook.create',
      target: hook.id,
      detail: { url: hook.url, events: hook.events },
    });
    res.status(201).json(hook);
  });

  router.get('/', async (_req, res) => {
    const hooks = await deps.store.webhooks.list();
    res.json({ webhooks: hooks.map(({ secret, ...h }) => ({ ...h, secretHint: `${secret.slice(0, 10)}…` })) });
  });

  router.delete('/:id', async (req, res) => {
    if (!(await deps.store.webhooks.remove(String(req.params.id)))) throw notFoundError('webhook');
    await deps.store.audit.record({
      at: deps.now(),
      actor: principal(req).id,
      action: 'webhook.delete',
      target: String(req.params.id),
    });
    res.status(204).end();
  });
  return router;
}
