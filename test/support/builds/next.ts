import { patched, upsertMemo } from '@temporalio/workflow';
import { ticketWorkflow as shipped } from '../../../workflows/ticket/workflow';

export { broadcastWorkflow } from '../../../workflows/broadcast';

/**
 * Build N+1 of the upgrade drill (test/workflow/upgrade-drill.test.ts): the shipped ticket workflow with a change made
 * as the README says, behind a patch. A ticket this build starts records the patch's marker and the new command (a
 * memo naming the build); a ticket started before it replays without either and goes on as it began.
 */
export async function ticketWorkflow(...args: Parameters<typeof shipped>): ReturnType<typeof shipped> {
  if (patched('upgrade-drill')) upsertMemo({ build: 'N+1' });
  return shipped(...args);
}
