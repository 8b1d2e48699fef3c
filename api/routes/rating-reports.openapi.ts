import { z } from 'zod';
import { RATING_REPORT_COLUMNS } from '../../desk/report-ratings';
import { LOW_RATING, RATING_CHANGE_DAYS } from '../../desk/ratings';
import type { ErrorStatus, ResourceDocs } from '../openapi-operation';
import { ratingReportQuery } from './rating-reports';

/** Customers' ratings beside attainment (api/routes/rating-reports.ts, desk/report-ratings.ts). */

const ERRORS: ErrorStatus[] = [400, 401, 403, 429, 503];

const row = z.object({
  group: z.enum(['organization', 'priority', 'agent']),
  key: z
    .string()
    .nullable()
    .describe('the organization id (null: customers without one), the priority, or the agent (null: unassigned)'),
  organization: z.string().nullable().optional().describe("the organization's name (organization rows)"),
  agentName: z.string().nullable().optional().describe("the agent's name (agent rows)"),
  completed: z.int().describe('clocks that stopped in the period, met or missed'),
  met: z.int(),
  attainment: z.number().nullable().describe('met / completed, as /api/v1/reports/sla counts it'),
  ratings: z.int().describe('ratings of the resolutions in the period'),
  averageRating: z.number().nullable(),
  lowRatings: z.int().describe(`ratings of ${LOW_RATING} or less`),
  distribution: z.array(z.int()).length(5).describe('how many ratings gave 1, 2, 3, 4 and 5'),
});

const DESCRIPTION = `Per organization, per priority and per agent: the SLA attainment of the clocks that stopped in [from, to) and the customers' ratings (1–5, changeable for ${RATING_CHANGE_DAYS} days) of the resolutions in it, one per resolution. An outcome's agent is its ticket's assignee now; a rating's, the assignee when it was given. \`from\` and \`to\` are ISO instants or dates (midnight in the zone of the organization's agreement with \`organization\`, else of the default calendar); \`organization\` (\`none\`: customers without one) and \`customer\` filter.`;

const TO_AFTER_FROM = { 400: 'invalid input (`errors` names each field); also `to` not after `from`' };

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: '/api/v1/reports/ratings',
      tag: 'Reports',
      access: 'agent',
      query: ratingReportQuery,
      summary: 'Ratings beside SLA attainment',
      description: DESCRIPTION,
      example: { query: 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' },
      success: {
        status: 200,
        description: 'the report',
        schema: z.object({ from: z.string(), to: z.string(), rows: z.array(row) }),
      },
      errors: ERRORS,
      errorNotes: TO_AFTER_FROM,
    },
    {
      method: 'get',
      path: '/api/v1/reports/ratings.csv',
      tag: 'Reports',
      access: 'agent',
      query: ratingReportQuery,
      summary: 'Ratings beside SLA attainment, as CSV',
      description: `The rows of \`/api/v1/reports/ratings\`. RFC 4180, CRLF line ends, one header line: ${RATING_REPORT_COLUMNS.map((c) => `\`${c}\``).join(', ')}. ${DESCRIPTION}`,
      example: { query: 'from=2026-11-01&to=2026-12-01' },
      success: { status: 200, description: 'the CSV', schema: z.string(), contentType: 'text/csv' },
      errors: ERRORS,
      errorNotes: TO_AFTER_FROM,
    },
  ],
};
