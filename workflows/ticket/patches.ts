import { deprecatePatch, patched } from '@temporalio/workflow';
import { PATCH_PLAN, PATCHES, type PatchCheck, type PatchId, type PatchPlan } from '../../domain/ticket-sla';

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

/**
 * Whether this run carries out deadlines at Temporal's cost (`deadline-at-temporal-cost`). Asked once, first thing:
 * a run that started before the patch answers false for its whole life. Such a run then also asks every other patch
 * at once, so their markers (and Temporal's change-version upserts) go in the first task rather than in a
 * deadline's task; each later check answers the same.
 */
export function leanRun(): boolean {
  if (!ticketPatched(PATCHES.deadlineAtTemporalCost)) return false;
  for (const p of PATCH_PLAN as readonly PatchPlan[]) if (p.stage === 'patched') ticketPatched(p.id as PatchId);
  return true;
}
