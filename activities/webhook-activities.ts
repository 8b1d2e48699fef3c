import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import type { WebhookEventType } from '../domain/ticket-sla';
import type { Logger } from '../lib/logger';
import { checkDestination, RefusedDestination, type CheckedDestination } from '../lib/outbound-address';
import type { Store } from '../store';

export interface SlaWebhookEvent {
  /** The timeline event's key: the idempotency key subscribers dedupe on. */
  key: string;
  type: WebhookEventType;
  ticketId: string;
  subject: string;
  priority: string;
  metric?: string;
  level?: string;
  at: string;
  dueAt?: string;
  dueLocal?: string;
  ticketUrl?: string;
  /** A `warning` from a policy's reminder: the fraction of the target it is at. */
  threshold?: number;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme Stripe and Slack made familiar. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

function slackText(e: SlaWebhookEvent): string {
  const what = e.metric === 'level' ? `${e.level}'s time to act` : e.metric ? e.metric.replace('_', ' ') : 'ticket';
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

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * One POST to the address already resolved and checked (the socket's lookup answers with it, so a DNS
 * answer that changes between check and connect cannot redirect us inward), keeping the URL's host for
 * the Host header and TLS. Redirects are not followed: a 3xx is an answer like any other non-2xx. The
 * response body is read into nothing; only the status is kept.
 */
function postTo(dest: CheckedDestination, headers: Record<string, string>, body: string): Promise<number> {
  const pinned: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all)
      (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: dest.address, family: dest.family },
      ]);
    else cb(null, dest.address, dest.family);
  };
  const client = dest.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      dest.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        timeout: DELIVERY_TIMEOUT_MS,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** What a failed delivery is recorded as: our own words, never the receiver's body or the network's detail. */
function failureOf(err: unknown): string {
  if (err instanceof RefusedDestination) return `refused: the URL ${err.reason}`;
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.message === 'timed out') return 'timed out';
  return `connection failed${e.code && /^E[A-Z_]+$/.test(e.code) ? ` (${e.code})` : ''}`;
}

export function createWebhookActivities(deps: {
  store: Store;
  now: () => Date;
  logger: Logger;
  webhookAllowHosts?: readonly string[];
}) {
  const allowHosts = deps.webhookAllowHosts ?? [];
  return {
    /**
     * Delivers one SLA event to every subscribed endpoint. Endpoints already served are remembered, so
     * when one fails the activity's retry (with backoff) only re-sends to the ones that failed. Each
     * destination is resolved and checked again here: registration's check does not hold for a name
     * whose DNS answer has changed since.
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
          const dest = await checkDestination(hook.url, allowHosts);
          const status = await postTo(
            dest,
            { 'content-type': 'application/json', 'x-sla-desk-signature': signature, 'x-sla-desk-event-id': event.key },
            body,
          );
          if (status >= 200 && status < 300) {
            await deps.store.webhooks.markDelivered(hook.id, event.key, status, deps.now());
            delivered += 1;
          } else failures.push(`webhook ${hook.id} answered ${status}`);
        } catch (err) {
          failures.push(`webhook ${hook.id}: ${failureOf(err)}`);
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
