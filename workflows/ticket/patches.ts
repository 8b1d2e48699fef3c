import { deprecatePatch, patched } from '@temporalio/workflow';
import { PATCH_PLAN, type PatchCheck, type PatchPlan } from '../../domain/ticket-sla';

const deprecated = new Set(
  (PATCH_PLAN as readonly PatchPlan[]).filter((p) => p.stage === 'deprecated').map((p) => p.id),
);

/**
 * Temporal's patch check as the plan (domain/ticket-sla/patches.ts) has it: a patch still `patched` forks on
 * whether the run recorded it; a `deprecated` one always takes the new branch and marks itself deprecated, so a
 * history recorded with `patched` replays and the call can later be deleted.
 */
export const ticketPatched: PatchCheck = (id) => {
  if (!deprecated.has(id)) return patched(id);
  deprecatePatch(id);
  return true;
};
