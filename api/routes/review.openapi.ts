import { z } from 'zod';
import { REVIEW_COLUMNS } from '../../desk/review-csv';
import { time, type ResourceDocs } from '../openapi-operation';
import { reviewQuery } from './review';

/** The SLA review per organization and month (api/routes/review.ts, desk/review.ts). */

const clock = z.enum(['first_response', 'next_response', 'resolution']);
const minutes = z.number().nullable();

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: '/api/v1/reports/review',
      tag: 'Reports',
      access: 'agent',
      query: reviewQuery,
      summary: 'SLA review per month',
      description:
        "Each month from `from` to `to` (at most 24; months in the zone of the organization's agreement with `organization`, `none`: customers without one, else of the default calendar): attainment per clock (met, missed, breaches, as `GET /api/v1/reports/sla` counts them), breaches by clock and the escalation level the ticket was at, the breached tickets' time paused per reason, every pause that ended in the month, and first-response and resolution times in business minutes (median, p90, and how many took up to 1, 2, 4, 8, 16, 24, 40 hours or more). `ratings`: the customers' ratings of the month's resolutions (how many, their average, how many gave each score 5 to 1, how many 2 or less). " +
        `CSV with \`Accept: text/csv\` or \`format=csv\`: ${REVIEW_COLUMNS.map((c) => `\`${c}\``).join(', ')}.`,
      example: { query: 'from=2026-11&to=2026-12' },
      success: {
        status: 200,
        description: 'the review (or its CSV)',
        schema: z.object({
          from: z.string(),
          to: z.string(),
          organization: z.string().optional(),
          months: z.array(
            z.object({
              month: z.string(),
              from: time,
              to: time,
              organization: z.string().nullable(),
              attainment: z.array(
                z.object({
                  clock,
                  met: z.int(),
                  missed: z.int(),
                  breached: z.int(),
                  attainment: z.number().nullable(),
                }),
              ),
              breaches: z.array(z.object({ clock, level: z.string(), count: z.int() })),
              breachedPaused: z.array(
                z.object({ waitingOn: z.string(), pauses: z.int(), businessMinutes: z.number() }),
              ),
              paused: z.array(
                z.object({ waitingOn: z.string(), pauses: z.int(), businessMinutes: z.number(), minutes: z.number() }),
              ),
              distributions: z.array(
                z.object({
                  clock: z.enum(['first_response', 'resolution']),
                  count: z.int(),
                  medianBusinessMinutes: minutes,
                  p90BusinessMinutes: minutes,
                  buckets: z.array(z.object({ upToHours: z.number().nullable(), count: z.int() })),
                }),
              ),
              ratings: z.object({
                count: z.int(),
                average: z.number().nullable(),
                scores: z.array(z.object({ score: z.int(), count: z.int() })),
                low: z.int(),
              }),
            }),
          ),
        }),
      },
      errors: [400, 401, 403, 429, 503],
      errorNotes: { 400: 'invalid input (`errors` names each field); also `to` before `from`' },
    },
  ],
};
