import { proxyActivities, sleep } from '@temporalio/workflow';

/**
 * The physical limit of deadline precision on these servers (bench/deadline-precision.ts): a workflow
 * that only sleeps until `dueAt` and then starts one activity that does nothing else but note the time.
 * No store, no mail, no search attributes: whatever lag it shows, the product cannot beat.
 */
const { deadlineReached } = proxyActivities<{ deadlineReached(dueAtMs: number): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function bareDeadline(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  await deadlineReached(dueAtMs);
}
