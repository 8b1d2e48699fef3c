import { randomBytes } from 'node:crypto';
import { invalidInput, notFoundError } from '../domain/errors';
import { checkDestination, RefusedDestination } from '../lib/outbound-address';
import type { Store } from '../store';

export interface WebhookDeps {
  store: Store;
  now: () => Date;
  /** Hosts allowed although they resolve to internal addresses (WEBHOOK_ALLOW_HOSTS). */
  allowHosts?: readonly string[];
}

/**
 * Endpoints that receive SLA events. The signing secret is shown once, at registration. A URL whose host
 * resolves to a loopback, private, link-local, multicast or metadata address is refused unless the operator
 * allowed that host; delivery checks again (activities/webhook-activities.ts). Every change is audited.
 */
export function createWebhookService(deps: WebhookDeps) {
  const { store } = deps;
  return {
    async register(input: { url: string; events: string[] }, actor: string) {
      try {
        await checkDestination(input.url, deps.allowHosts ?? []);
      } catch (err) {
        if (err instanceof RefusedDestination) throw invalidInput(`the URL ${err.reason}`, 'url');
        throw err;
      }
      const hook = {
        id: `W${randomBytes(6).toString('hex').toUpperCase()}`,
        url: input.url,
        secret: `whsec_${randomBytes(24).toString('base64url')}`,
        events: input.events,
        active: true,
        createdAt: deps.now(),
      };
      await store.webhooks.add(hook);
      await store.audit.record({
        at: deps.now(),
        actor,
        action: 'webhook.create',
        target: hook.id,
        detail: { url: hook.url, events: hook.events },
      });
      return hook;
    },

    /** Every endpoint, its secret shown only by its first characters. */
    async list() {
      const hooks = await store.webhooks.list();
      return hooks.map(({ secret, ...h }) => ({ ...h, secretHint: `${secret.slice(0, 10)}…` }));
    },

    async remove(id: string, actor: string): Promise<void> {
      if (!(await store.webhooks.remove(id))) throw notFoundError('webhook');
      await store.audit.record({ at: deps.now(), actor, action: 'webhook.delete', target: id });
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
