import { Router } from 'express';
import { z } from 'zod';
import type { Reports, ReportFilter } from '../../desk/reports';
import { requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { calendarInstant } from '../schemas';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/** The period and the filters every report takes; `organization=none` keeps customers without one. */
export const reportFilterQuery = z
  .object({
    from: calendarInstant('2026-11-01T00:00:00Z'),
    to: calendarInstant('2026-12-01T00:00:00Z'),
    organization: id.optional(),
    customer: id.optional(),
  })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'] });

export const attainmentQuery = z
  .object({
    from: calendarInstant('2026-11-01T00:00:00Z'),
    to: calendarInstant('2026-12-01T00:00:00Z'),
    organization: id.optional(),
    customer: id.optional(),
    by: z.enum(['priority', 'organization']).optional(),
  })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'] });

const filterOf = (q: { from: string; to: string; organization?: string; customer?: string }): ReportFilter => ({
  from: new Date(q.from),
  to: new Date(q.to),
  ...(q.organization !== undefined ? { organizationId: q.organization } : {}),
  ...(q.customer !== undefined ? { customerId: q.customer } : {}),
});

/** SLA attainment (JSON), and the outcomes it counts, as JSON and as CSV. Staff only. */
export function reportRoutes(reports: Reports): Router {
  const router = Router();
  router.use(requireRole('agent', 'admin'));

  router.get('/sla', async (req, res) => {
    const q = parseOr400(attainmentQuery, req.query, 'query');
    res.json(await reports.attainment({ ...filterOf(q), byOrganization: q.by === 'organization' }));
  });

  router.get('/sla/outcomes', async (req, res) => {
    const q = parseOr400(reportFilterQuery, req.query, 'query');
    res.json({ from: q.from, to: q.to, rows: await reports.outcomes(filterOf(q)) });
  });

  router.get('/sla.csv', async (req, res) => {
    const q = parseOr400(reportFilterQuery, req.query, 'query');
    const name = `sla-${q.from.slice(0, 10)}-${q.to.slice(0, 10)}${q.organization ? `-${q.organization}` : ''}.csv`;
    res
      .type('text/csv; charset=utf-8')
      .attachment(name)
      .send(await reports.csv(filterOf(q)));
  });

  return router;
}
