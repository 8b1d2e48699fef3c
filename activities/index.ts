import { createAnnouncementActivities } from './announcement-activities';
import { createTicketActivities, type TicketActivityDeps } from './ticket-activities';
import { createWebhookActivities } from './webhook-activities';

export type ActivityDeps = TicketActivityDeps & {
  /** Webhook hosts allowed although they resolve to internal addresses (WEBHOOK_ALLOW_HOSTS). */
  webhookAllowHosts?: readonly string[];
};

export function createActivities(deps: ActivityDeps) {
  return { ...createTicketActivities(deps), ...createAnnouncementActivities(deps), ...createWebhookActivities(deps) };
}
