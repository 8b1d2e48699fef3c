import { Router } from 'express';
import { z } from 'zod';
import { MONTH, type createReview } from '../../desk/review';
import { reviewCsv } from '../../desk/review-csv';
import { requireRole } from '../auth';
import { badRequest, parseOr400 } from '../problem';

const month = z.string().regex(MONTH, 'must be a month such as 2026-11');

export const reviewQuery = z
  .object({
    from: month,
    to: month,
    organization: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be an id')
      .optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();

/** The SLA review per month (the console's /console/review), as JSON or CSV. Staff only. */
export function reviewRoutes(review: ReturnType<typeof createReview>): Router {
  const router = Router();
  router.use(requireRole('agent', 'admin'));
  router.get('/', async (req, res) => {
    const q = parseOr400(reviewQuery, req.query, 'query');
    if (q.from > q.to) throw badRequest('the query is invalid', [{ field: 'to', message: 'must not be before from' }]);
    const months = await review.months(q.from, q.to, q.organization);
    const csv =
      q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (!csv)
      return void res.json({
        from: q.from,
        to: q.to,
        ...(q.organization ? { organization: q.organization } : {}),
        months,
      });
    res
      .type('text/csv; charset=utf-8')
      .attachment(`sla-review-${q.from}-${q.to}${q.organization ? `-${q.organization}` : ''}.csv`)
      .send(reviewCsv(months));
  });
  return router;
}
