import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';

/**
 * The physical limit of deadline precision on these servers (bench/deadline-precision.ts): a workflow
 * that only sleeps until `dueAt` and then runs one activity that does nothing else but note the time.
 * No store, no mail, no search attributes: whatever lag it shows, the product cannot beat. Two kinds, as
 * the product's mail could be either: a regular activity (a task through the server, then a second
 * workflow task for its completion), and a local one (run inside the workflow task the timer woke).
 */
type Deadline = { deadlineReached(dueAtMs: number): Promise<void> };
const { deadlineReached } = proxyActivities<Deadline>({ startToCloseTimeout: '1 minute' });
const { deadlineReached: deadlineReachedLocally } = proxyLocalActivities<Deadline>({ startToCloseTimeout: '1 minute' });

export async function bareDeadline(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  await deadlineReached(dueAtMs);
}

export async function bareDeadlineLocal(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  await deadlineReachedLocally(dueAtMs);
}
