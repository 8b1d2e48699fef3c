import { Router } from 'express';
import { z } from 'zod';
import type { RevisionSchedule } from '../../desk/revision-schedule';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { CALENDAR_YEAR, calendarInstant } from '../schemas';
import { calendarBody, policyBody } from '../sla-schemas';
import { slaNameParam } from './sla-named';
import { organizationBody, organizationIdParam } from './organizations';

const effectiveFrom = z.union([
  calendarInstant('2027-01-04T05:00:00Z'),
  z.iso
    .date('must be an ISO 8601 instant such as 2027-01-04T05:00:00Z or a date such as 2027-01-04')
    .regex(CALENDAR_YEAR, 'must be in the years 1901 to 9998'),
]);

/**
 * A revision that takes effect later: which calendar or policy (its new body as its PUT takes it), or which
 * organization (its new agreement, as its PUT takes it), and from when.
 */
export const scheduleRevisionBody = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('calendar'), name: slaNameParam.default('default'), body: calendarBody, effectiveFrom })
    .strict(),
  z
    .object({ kind: z.literal('policy'), name: slaNameParam.default('default'), body: policyBody, effectiveFrom })
    .strict(),
  z
    .object({
      kind: z.literal('agreement'),
      name: organizationIdParam,
      body: organizationBody.shape.agreement,
      effectiveFrom,
    })
    .strict(),
]);

/**
 * Revisions of what customers were promised: scheduling one that applies later (announced now), and the list of
 * revisions with their changes in words. A revision that applies now is a PUT of the calendar or policy.
 */
export function slaRevisionRoutes(deps: { schedule: RevisionSchedule }): Router {
  const router = Router();

  router.post('/sla/revisions', requireRole('admin'), async (req, res) => {
    const input = parseOr400(scheduleRevisionBody, req.body ?? {}, 'revision');
    const revision = await deps.schedule.schedule({
      kind: input.kind,
      name: input.name,
      body: input.body,
      effectiveFrom: input.effectiveFrom,
      actor: principal(req).id,
    });
    res.status(202).json({ revision: view(revision) });
  });

  router.get('/sla/revisions', requireRole('admin'), async (_req, res) => {
    res.json({ revisions: (await deps.schedule.list()).map(view) });
  });

  return router;
}

const view = (r: Awaited<ReturnType<RevisionSchedule['list']>>[number]) => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  version: r.version ?? null,
  effectiveFrom: r.effectiveFrom.toISOString(),
  changes: r.groups.map((g) => ({ organizationId: g.organizationId, lines: g.lines })),
  announced: r.announcement === 'done',
  scheduled: r.schedule === 'scheduled' || r.schedule === 'applying',
  createdAt: r.createdAt.toISOString(),
});
