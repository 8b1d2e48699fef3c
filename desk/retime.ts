import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { retimeUpdate, type RetimeArgs } from '../workflows/ticket';
import pLimit from 'p-limit';
import { workflowIdFor } from './ticket-ids';

export interface RetimeOutcome {
  retimed: number;
  refused: number;
  failed: number;
}

/**
 * Moves each ticket to new terms through the workflow's retime update, which keeps the business time each has
 * used. A ticket whose workflow refuses (finished meanwhile, already newer) counts as refused; eight at a time.
 * The update's id is the terms' own, so a rerun (a retried request, a second click) retimes each ticket once:
 * Temporal answers a known update id with its first result.
 */
export async function retimeTickets(temporal: Client, ids: string[], args: RetimeArgs): Promise<RetimeOutcome> {
  const limit = pLimit(8);
  const updateId = `retime:${createHash('sha256').update(JSON.stringify(args)).digest('base64url')}`;
  const outcome = { retimed: 0, refused: 0, failed: 0 };
  await Promise.all(
    ids.map((id) =>
      limit(async () => {
        try {
          await temporal.workflow.getHandle(workflowIdFor(id)).executeUpdate(retimeUpdate, { args: [args], updateId });
          outcome.retimed += 1;
        } catch (err) {
          if ((err as Error).name === 'WorkflowUpdateFailedError') outcome.refused += 1;
          else outcome.failed += 1;
        }
      }),
    ),
  );
  return outcome;
}
