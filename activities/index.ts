import { createAnnouncementActivities } from './announcement-activities';
import { createTicketActivities, type TicketActivityDeps } from './ticket-activities';

export type ActivityDeps = TicketActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return { ...createTicketActivities(deps), ...createAnnouncementActivities(deps) };
}
