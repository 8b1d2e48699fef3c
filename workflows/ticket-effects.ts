import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { TicketActivities } from '../activities/ticket-activities';
import type { WebhookActivities } from '../activities/webhook-activities';

/** The activities a ticket workflow calls, with their timeouts and retries (workflows/ticket.ts). */

/**
 * The store writes of a state change as one local activity: no task-queue round trip through the server,
 * which cuts the server's and the worker's work per ticket (issue 7, BENCHMARKS.md). Retried like the rest.
 */
export const { recordTicketChange } = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Mail as a local activity: sent inside the workflow task that decided it, with no activity task, no
 * completion and no second workflow task through the server (issue 7, deadline precision). Each mail keeps
 * its claim in the notification log, so a retry, or a replay after a worker died mid-send, never mails twice;
 * a mail server that is down is retried with backoff, as a regular activity would be.
 */
export const LOCAL_MAIL_ACTIVITY = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

export const { sendNotifications: sendNotificationsLocally, applyTicketChange } =
  proxyLocalActivities<TicketActivities>(LOCAL_MAIL_ACTIVITY);

/** The patch that made a change's mail and record one local activity (`applyTicketChange`) instead of two. */
export const ONE_LOCAL_ACTIVITY_PER_CHANGE = 'one-local-activity-per-change';

export const { publishSlaEvent } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  // A subscriber that is down gets retried with backoff for about an hour, never holding up the SLA.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});
