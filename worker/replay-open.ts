import type { Client } from '@temporalio/client';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

/** Every run a new build would take over: the tickets and the announcements' broadcasts still open. */
export const OPEN_RUNS = "ExecutionStatus = 'Running' AND WorkflowType IN ('ticketWorkflow', 'broadcastWorkflow')";

export interface ReplayCheck {
  replayed: number;
  failed: { workflowId: string; runId?: string; error: string }[];
}

/**
 * Before a deploy: the bundle about to ship replays the current history of every open ticket (a workflow task of the
 * new code over each one's recorded commands). test/workflow/replay.test.ts holds the histories the tests record; this
 * reads the ones production has today, which hold the paths no test took. A failure is a non-determinism the new
 * code would meet on its first task for that ticket: the deploy waits until the change is behind `patched()`.
 */
export async function replayOpenTickets(
  client: Client,
  build: Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>,
  query = OPEN_RUNS,
): Promise<ReplayCheck> {
  const histories = client.workflow.list({ query }).intoHistories({ concurrency: 8 });
  const check: ReplayCheck = { replayed: 0, failed: [] };
  for await (const result of Worker.runReplayHistories(build, histories)) {
    check.replayed += 1;
    if (result.error) check.failed.push({ workflowId: result.workflowId, error: String(result.error) });
  }
  return check;
}
