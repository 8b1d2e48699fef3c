import { Router } from 'express';
import { z } from 'zod';
import type { Simulations } from '../../desk/sla-simulation';
import { simulationCsv } from '../../desk/sla-simulation-csv';
import { requireRole } from '../auth';
import { badRequest, parseOr400 } from '../problem';
import { calendarInstant } from '../schemas';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}(@[1-9][0-9]{0,8})?$/, 'must be a stored name such as gold or gold@3');
/** A proposed calendar or policy: a stored one by name, or its full JSON (validated as the SLA API validates it). */
const proposed = z.union([name, z.record(z.string(), z.unknown())]);

export const simulationBody = z
  .object({
    from: calendarInstant('2026-11-01T00:00:00Z'),
    to: calendarInstant('2026-12-01T00:00:00Z'),
    organization: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be an id')
      .optional(),
    calendar: proposed.optional(),
    policy: proposed.optional(),
  })
  .strict();

export const simulationQuery = z.object({ format: z.enum(['json', 'csv']).optional() }).strict();

/** What-if over past tickets: nothing is saved. Admins only (it reads every ticket of the window). */
export function simulationRoutes(simulations: Simulations): Router {
  const router = Router();
  router.use(requireRole('admin'));
  router.post('/', async (req, res) => {
    const q = parseOr400(simulationQuery, req.query, 'query');
    const body = parseOr400(simulationBody, req.body, 'body');
    const from = new Date(body.from);
    const to = new Date(body.to);
    if (from >= to) throw badRequest('the body is invalid', [{ field: 'to', message: 'must be after from' }]);
    const { result, rows } = await simulations.run({
      from,
      to,
      ...(body.organization !== undefined ? { organizationId: body.organization } : {}),
      ...(body.policy !== undefined ? { policy: body.policy } : {}),
      ...(body.calendar !== undefined ? { calendar: body.calendar } : {}),
    });
    const csv =
      q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (!csv) return void res.json(result);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`simulation-${body.from.slice(0, 10)}-${body.to.slice(0, 10)}.csv`)
      .send(simulationCsv(rows));
  });
  return router;
}
