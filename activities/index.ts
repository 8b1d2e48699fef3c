import { createAnnouncementActivities } from './announcement-activities';
import { createTicketActivities, type TicketActivityDeps } from './ticket-activities';
import { createWebhookActivities } from './webhook-activities';

export type ActivityDeps = TicketActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createTicketActivities(deps), ...createAnnouncementActivities(deps), ...createWebhookActivities(deps) };
}
