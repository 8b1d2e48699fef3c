import { deprecatePatch, upsertMemo } from '@temporalio/workflow';
import { ticketWorkflow as shipped } from '../../../workflows/ticket/workflow';

export { broadcastWorkflow } from '../../../workflows/broadcast';

/**
 * Build N+2 of the upgrade drill: the patch of build N+1 deprecated, its new branch the only one. It replays the
 * tickets N+1 started (their marker is allowed, no longer asked) but not the ones started before N+1, which never ran
 * the new command: it may ship only once none of those is open.
 */
export async function ticketWorkflow(...args: Parameters<typeof shipped>): ReturnType<typeof shipped> {
  deprecatePatch('upgrade-drill');
  upsertMemo({ build: 'N+1' });
  return shipped(...args);
}
