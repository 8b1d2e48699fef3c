import { Router } from 'express';
import { z } from 'zod';
import { ratingReportCsv } from '../../desk/report-ratings';
import type { Reports } from '../../desk/reports';
import { requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { attainmentQuery, filterOf } from './reports';

/** The period and filters of the attainment report, without its grouping: this one gives all three groups. */
export const ratingReportQuery = attainmentQuery.omit({ by: true }).strict();
type RatingReportQuery = z.infer<typeof ratingReportQuery>;

/** Customers' ratings beside SLA attainment, per organization, priority and agent, as JSON and CSV. Staff only. */
export function ratingReportRoutes(reports: Reports): Router {
  const router = Router();
  router.use(requireRole('agent', 'admin'));
  const report = async (q: RatingReportQuery) => reports.ratings(await filterOf(reports, q));

  router.get('/ratings', async (req, res) => {
    res.json(await report(parseOr400(ratingReportQuery, req.query, 'query')));
  });

  router.get('/ratings.csv', async (req, res) => {
    const q = parseOr400(ratingReportQuery, req.query, 'query');
    const name = `ratings-${q.from.slice(0, 10)}-${q.to.slice(0, 10)}${q.organization ? `-${q.organization}` : ''}.csv`;
    res
      .type('text/csv; charset=utf-8')
      .attachment(name)
      .send(ratingReportCsv(await report(q)));
  });

  return router;
}
