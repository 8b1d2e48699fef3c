import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  AnnouncementActivities,
  AnnouncementContent,
  BroadcastProgress,
} from '../activities/announcement-activities';

/**
 * One announcement to every customer, exactly once (workflow id `announcement-<id>`).
 *
 * Pages through customers in _id order; each page is sent in batches of `ratePerSecond` mails,
 * one activity per mail keyed `announcement:<id>:<customerId>`, with a durable sleep filling the
 * rest of each second. After each page it continues as new carrying the cursor and counts, so the
 * history stays small however many customers there are. A worker crash resumes from history; a
 * mail that went out but whose activity result was lost is not sent again (its key is claimed).
 */

// ---- messages -------------------------------------------------------------------------------

export const progressQuery = defineQuery<BroadcastProgress>('progress');
/** Stops after the batch in flight; the customers not reached yet get nothing. */
export const cancelSignal = defineSignal('cancel');

export interface BroadcastInput {
  announcement: AnnouncementContent;
  /** Mails per second (default 10). */
  ratePerSecond?: number;
  /** Customers per page, i.e. per run between continue-as-new (default 100). */
  pageSize?: number;
  /** Set when the workflow continues as new. */
  carried?: { cursor: string; progress: BroadcastProgress };
}

// ---- activities -----------------------------------------------------------------------------

const { countCustomers, listCustomerPage, recordAnnouncementProgress } = proxyActivities<AnnouncementActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// A mail server refusing one address must not stall everyone else: a few attempts, then it counts as failed.
const { sendAnnouncement } = proxyActivities<AnnouncementActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

// ---- the workflow ---------------------------------------------------------------------------

export async function broadcastWorkflow(input: BroadcastInput): Promise<BroadcastProgress> {
  const { announcement } = input;
  const rate = Math.max(1, Math.floor(input.ratePerSecond ?? 10));
  const pageSize = Math.max(1, Math.floor(input.pageSize ?? 100));
  const progress: BroadcastProgress = input.carried?.progress ?? {
    total: 0,
    sent: 0,
    failed: 0,
    cancelled: false,
    status: 'running',
  };

  const publish = () =>
    setCurrentDetails(
      [
        `**Announcement ${announcement.id}** (${announcement.kind}): ${announcement.title}`,
        `Status: ${progress.status}${progress.cancelled && progress.status === 'running' ? ' (cancelling)' : ''}`,
        `Sent ${progress.sent} of ${progress.total} · failed ${progress.failed} · ${rate}/s, ${pageSize} per page`,
      ].join('\n'),
    );

  setHandler(progressQuery, () => ({ ...progress }));
  setHandler(cancelSignal, () => {
    progress.cancelled = true;
    publish();
  });

  try {
    if (!input.carried) progress.total = await countCustomers();
    publish();
    const page = progress.cancelled ? null : await listCustomerPage(input.carried?.cursor ?? null, pageSize);
    for (let i = 0; page && i < page.customers.length && !progress.cancelled; i += rate) {
      const startedAt = Date.now();
      const batch = page.customers.slice(i, i + rate);
      const results = await Promise.allSettled(batch.map((customer) => sendAnnouncement({ announcement, customer })));
      for (const r of results) {
        if (r.status === 'fulfilled') progress.sent++;
        else if (!isCancellation(r.reason)) progress.failed++;
      }
      // Customers who joined after the count are mailed too; the total follows.
      progress.total = Math.max(progress.total, progress.sent + progress.failed);
      publish();
      const rest = 1_000 - (Date.now() - startedAt);
      if (rest > 0) await condition(() => progress.cancelled, rest);
    }
    if (page?.next && !progress.cancelled) {
      await recordAnnouncementProgress(announcement.id, progress);
      await condition(allHandlersFinished);
      return await continueAsNew<typeof broadcastWorkflow>({ ...input, carried: { cursor: page.next, progress } });
    }
  } catch (err) {
    // Cancelled from the Temporal UI or CLI rather than by the signal: end the same way.
    if (!isCancellation(err)) throw err;
    progress.cancelled = true;
  }

  progress.status = progress.cancelled ? 'cancelled' : 'done';
  publish();
  await CancellationScope.nonCancellable(() => recordAnnouncementProgress(announcement.id, progress));
  return { ...progress };
}

/**
 * With Worker Versioning (WORKER_DEPLOYMENT_NAME), a broadcast finishes on the build it started on: it lives minutes,
 * so its build's workers drain it before they go, and its code may change without a patch. Tickets live for weeks and
 * move to the current build (README, "Upgrades with tickets in flight"). An unversioned worker must not name a
 * behaviour (the server refuses the task), so it is named only on a versioned one.
 */
setWorkflowOptions(
  () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'PINNED' } : {}),
  broadcastWorkflow,
);
