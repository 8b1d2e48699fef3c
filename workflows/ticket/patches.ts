import { deprecatePatch, patched } from '@temporalio/workflow';
import { PATCH_PLAN, PATCHES, type PatchCheck, type PatchPlan } from '../../domain/ticket-sla';

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
 * Whether this run carries out deadlines at Temporal's cost (`deadline-at-temporal-cost`). Asked once, first thing,
 * so its marker (and Temporal's change-version upsert) go in the first task, not in a deadline's; a run that started
 * before the patch answers false for its whole life. The other patches are still asked only where they act: asking
 * them all up front would add a marker and an upsert per patch to every ticket, most of which never need them.
 */
export function leanRun(): boolean {
  return ticketPatched(PATCHES.deadlineAtTemporalCost);
}
