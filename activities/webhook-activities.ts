import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';

/** The SLA events subscribers can receive. */
export const WEBHOOK_EVENTS = ['warning', 'breached', 'escalated', 'resolved'] as const;

export interface SlaWebhookEvent {
  /** The timeline event's key: the idempotency key subscribers dedupe on. */
  key: string;
  type: (typeof WEBHOOK_EVENTS)[number];
  ticketId: string;
  subject: string;
  priority: string;
  metric?: string;
  level?: string;
  at: string;
  dueAt?: string;
  dueLocal?: string;
  ticketUrl?: string;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme Stripe and Slack made familiar. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

function slackText(e: SlaWebhookEvent): string {
  const what = e.metric ? e.metric.replace('_', ' ') : 'ticket';
  switch (e.type) {
    case 'warning':
      return `:warning: #${e.ticketId} "${e.subject}" (${e.priority}) — ${what} due ${e.dueLocal ?? e.dueAt}`;
    case 'breached':
      return `:rotating_light: #${e.ticketId} "${e.subject}" (${e.priority}) — ${what} target missed (due ${e.dueLocal ?? e.dueAt})`;
    case 'escalated':
      return `:arrow_up: #${e.ticketId} "${e.subject}" escalated to ${e.level}`;
    case 'resolved':
      return `:white_check_mark: #${e.ticketId} "${e.subject}" resolved`;
  }
}

export function createWebhookActivities(deps: { store: Store; now: () => Date; logger: Logger; fetch?: typeof fetch }) {
  const post = deps.fetch ?? fetch;
  return {
    /**
     * Delivers one SLA event to every subscribed endpoint. Endpoints already served are remembered, so
     * when one fails the activity's retry (with backoff) only re-sends to the ones that failed.
     */
    async publishSlaEvent(event: SlaWebhookEvent): Promise<{ delivered: number }> {
      const hooks = await deps.store.webhooks.subscribedTo(event.type);
      const failures: string[] = [];
      let delivered = 0;
      for (const hook of hooks) {
        if (await deps.store.webhooks.delivered(hook.id, event.key)) continue;
        const body = JSON.stringify({ id: event.key, ...event, text: slackText(event) });
        const signature = signWebhook(hook.secret, body, Math.floor(deps.now().getTime() / 1000));
        try {
          const res = await post(hook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-sla-desk-signature': signature, 'x-sla-desk-event-id': event.key },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          if (res.ok) {
            await deps.store.webhooks.markDelivered(hook.id, event.key, res.status, deps.now());
            delivered += 1;
          } else failures.push(`${hook.url} answered ${res.status}`);
        } catch (err) {
          failures.push(`${hook.url}: ${(err as Error).message}`);
        }
      }
      if (failures.length) {
        deps.logger.warn({ eventKey: event.key, failures }, 'webhook delivery failed; will retry');
        throw ApplicationFailure.retryable(failures.join('; '), 'WebhookDeliveryFailed');
      }
      return { delivered };
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
