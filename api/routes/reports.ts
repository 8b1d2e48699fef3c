import { Router } from 'express';
import { z } from 'zod';
import { OUTCOME_KINDS, type OutcomeKind, type Reports, type ReportFilter } from '../../desk/reports';
import { requireRole } from '../auth';
import { badRequest, parseOr400 } from '../problem';
import { CALENDAR_YEAR, calendarInstant } from '../schemas';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/** An ISO instant, or a date: its midnight in the organization's zone (desk/reports.ts `period`). */
const bound = (instant: string, date: string) =>
  z.union([
    calendarInstant(instant),
    z.iso
      .date(`must be an ISO 8601 instant such as ${instant} or a date such as ${date}`)
      .regex(CALENDAR_YEAR, 'must be in the years 1901 to 9998'),
  ]);

const period = {
  from: bound('2026-11-01T00:00:00Z', '2026-11-01'),
  to: bound('2026-12-01T00:00:00Z', '2026-12-01'),
  organization: id.optional(),
  customer: id.optional(),
};

const STATUS = new RegExp(`^(?:${OUTCOME_KINDS.join('|')})(?:,(?:${OUTCOME_KINDS.join('|')}))*$`);

/** The period and the filters every report takes; `organization=none` keeps customers without one. */
export const reportFilterQuery = z
  .object({
    ...period,
    status: z
      .string()
      .regex(STATUS, `must be one or more of ${OUTCOME_KINDS.join(', ')}, separated by commas`)
      .optional(),
  })
  .strict();

export const attainmentQuery = z.object({ ...period, by: z.enum(['priority', 'organization']).optional() }).strict();

type FilterQuery = { from: string; to: string; organization?: string; customer?: string; status?: string };

/** The period read in the organization's zone; `to` must come after `from` once both are instants. */
export async function filterOf(reports: Reports, q: FilterQuery): Promise<ReportFilter> {
  const { from, to } = await reports.period(q);
  if (from >= to) throw badRequest('the query is invalid', [{ field: 'to', message: 'must be after from' }]);
  return {
    from,
    to,
    ...(q.organization !== undefined ? { organizationId: q.organization } : {}),
    ...(q.customer !== undefined ? { customerId: q.customer } : {}),
    ...(q.status !== undefined ? { statuses: [...new Set(q.status.split(','))] as OutcomeKind[] } : {}),
  };
}

/** SLA attainment (JSON), and the outcomes it counts, as JSON and as CSV. Staff only. */
export function reportRoutes(reports: Reports): Router {
  const router = Router();
  router.use(requireRole('agent', 'admin'));

  router.get('/sla', async (req, res) => {
    const q = parseOr400(attainmentQuery, req.query, 'query');
    res.json(await reports.attainment({ ...(await filterOf(reports, q)), byOrganization: q.by === 'organization' }));
  });

  router.get('/sla/outcomes', async (req, res) => {
    const q = parseOr400(reportFilterQuery, req.query, 'query');
    const f = await filterOf(reports, q);
    res.json({ from: f.from.toISOString(), to: f.to.toISOString(), rows: await reports.outcomes(f) });
  });

  router.get('/sla.csv', async (req, res) => {
    const q = parseOr400(reportFilterQuery, req.query, 'query');
    const f = await filterOf(reports, q);
    const name = `sla-${q.from.slice(0, 10)}-${q.to.slice(0, 10)}${q.organization ? `-${q.organization}` : ''}.csv`;
    res
      .type('text/csv; charset=utf-8')
      .attachment(name)
      .send(await reports.csv(f));
  });

  return router;
}
