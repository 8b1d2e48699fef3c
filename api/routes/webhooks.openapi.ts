import { z } from 'zod';
import { API_ERRORS, anyObject, type ResourceDocs } from '../openapi-operation';
import { createWebhookBody } from './webhooks';

/** Webhook subscriptions (api/routes/webhooks.ts). */

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'post',
      path: '/api/v1/webhooks',
      tag: 'Webhooks',
      access: 'admin',
      body: createWebhookBody,
      summary: 'Subscribe to SLA events',
      description:
        'Warning, breach, escalation and resolution events are POSTed as JSON (with a Slack-compatible `text`), signed `X-Sla-Desk-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">` with the secret returned here once, and retried with backoff. Under a policy with `reminders`, only the reminders naming `webhook` send a `warning`, with their `threshold`. Workers look subscriptions up at most once a second, so a new one receives events from a second after it is created.',
      example: { body: { url: 'https://hooks.example.com/sla-desk', events: ['breached', 'escalated'] } },
      success: { status: 201, description: 'the subscription and its secret', schema: anyObject },
      errors: [...API_ERRORS, 403],
      errorNotes: {
        400: 'invalid input; also a `url` whose host does not resolve, or resolves to a loopback, private, link-local, multicast or other internal address (refused unless the operator lists the host in `WEBHOOK_ALLOW_HOSTS`)',
      },
    },
    {
      method: 'get',
      path: '/api/v1/webhooks',
      tag: 'Webhooks',
      access: 'admin',
      summary: 'List subscriptions',
      description: 'Secrets are not shown again.',
      success: { status: 200, description: 'the subscriptions', schema: anyObject },
      errors: [...API_ERRORS, 403],
    },
    {
      method: 'delete',
      path: '/api/v1/webhooks/{id}',
      tag: 'Webhooks',
      access: 'admin',
      // The route takes any id: one that names no subscription is 404.
      params: { id: z.string() },
      summary: 'Remove a subscription',
      description: 'Audited. Events already on their way, or raised within the next second, may still arrive.',
      success: { status: 204, description: 'removed' },
      errors: [...API_ERRORS, 403, 404],
    },
  ],
};
