import { z } from 'zod';
import { OUTCOME_COLUMNS, OUTCOME_KINDS } from '../../desk/reports';
import { time, type ErrorStatus, type ResourceDocs } from '../openapi-operation';
import { attainmentQuery, reportFilterQuery } from './reports';

/** The reports: attainment, and the outcomes it counts as JSON and CSV (api/routes/reports.ts, desk/reports.ts). */

const ERRORS: ErrorStatus[] = [400, 401, 403, 429, 503];
const nullableString = z.string().nullable().optional();
const nullableNumber = z.number().nullable();

const attainmentRow = z.object({
  organizationId: nullableString,
  organization: nullableString,
  priority: z.string(),
  metric: z.string(),
  met: z.int(),
  missed: z.int(),
  breached: z.int(),
  completed: z.int(),
  attainment: nullableNumber,
  medianBusinessMinutes: nullableNumber.optional(),
  p90BusinessMinutes: nullableNumber.optional(),
});

const outcome = z.object({
  ticketId: z.string(),
  subject: z.string().optional(),
  organizationId: nullableString,
  organization: nullableString,
  customerId: z.string().optional(),
  customerEmail: nullableString,
  priority: z.string().optional(),
  category: z.string().optional(),
  metric: z.enum(['first_response', 'next_response', 'resolution']),
  outcome: z.enum(OUTCOME_KINDS),
  at: time,
  dueAt: time.nullable().optional(),
  businessMinutesUsed: nullableNumber.optional(),
  businessMinutesLeft: nullableNumber
    .describe("an active clock's business minutes to its target at `at` (negative once overdue); null otherwise")
    .optional(),
});

const PERIOD =
  "Counts every clock that stopped in [from, to) (met or missed its target) and every breach in it. `from` and `to` are ISO instants or dates (`2026-11-01`: midnight in the zone of the organization's agreement with `organization`, else of the default calendar). `organization` keeps one organization's tickets (`none`: customers without one), `customer` one customer's.";

const STATUS =
  ' `status` (comma-separated) chooses the rows: `met`, `missed`, `breached` (the default is all three: what the attainment counts) and `active`: each clock still counting (running, or paused while the customer is asked) on the open tickets received before `to`, as it stands at the request (`at`), with `dueAt` (null while paused), the minutes used and `businessMinutesLeft`.';

const TO_AFTER_FROM = { 400: 'invalid input (`errors` names each field); also `to` not after `from`' };

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: '/api/v1/reports/sla',
      tag: 'Reports',
      access: 'agent',
      query: attainmentQuery,
      summary: 'SLA attainment',
      description: `Per priority and clock (and per organization with \`by=organization\`): met, missed, breaches, attainment, median and p90 business minutes; and \`pausedTime\`: per pause reason, how many pauses ended in the period and the business and wall minutes they lasted; \`vendors\`: each vendor's attainment of its own target over the waits on it that ended in the period, and its breaches; \`levels\`: time held per escalation level (the holds that ended in the period) and each level clock's met, missed and breached. ${PERIOD}`,
      example: { query: 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&by=organization' },
      success: {
        status: 200,
        description: 'the report',
        schema: z.object({
          from: z.string(),
          to: z.string(),
          organizationId: z.string().optional(),
          customerId: z.string().optional(),
          rows: z.array(attainmentRow),
          pausedTime: z
            .array(
              z.object({
                waitingOn: z.string().describe("the pause reason (a key of the ticket's policy `pauses`)"),
                pauses: z.int(),
                businessMinutes: z.number().describe("paused business minutes, each on its ticket's calendar"),
                minutes: z.number().describe('paused wall-clock minutes'),
              }),
            )
            .describe('time paused per reason, of the pauses that ended in the period (by the same filters)'),
          vendors: z
            .array(
              z.object({
                vendor: z.string(),
                vendorName: z.string(),
                met: z.int(),
                missed: z.int(),
                breached: z.int(),
                completed: z.int(),
                attainment: nullableNumber,
                medianMinutes: nullableNumber.describe("median minutes of the vendor's clock, on its calendar"),
              }),
            )
            .describe(
              "vendor attainment: per vendor, the waits on it that ended in the period, met or missed by the vendor's own target, and its breaches",
            ),
          levels: z
            .array(
              z.object({
                level: z.string(),
                holds: z
                  .int()
                  .describe('holds of the level that ended in the period (by escalation, resolution or close)'),
                businessMinutes: z.number().describe("business minutes held, each on its ticket's calendar"),
                minutes: z.number().describe('wall-clock minutes held'),
                medianBusinessMinutes: nullableNumber,
                met: z.int().describe('level clocks (`respondWithinMinutes`) the level acted within, in the period'),
                missed: z.int().describe('level clocks the level acted on after their target'),
                breached: z.int().describe('level clock breaches in the period'),
              }),
            )
            .describe(
              'time held per escalation level: L1 from receipt, each level from the escalation that reached it, until the next escalation, the resolution or the close',
            ),
        }),
      },
      errors: ERRORS,
      errorNotes: TO_AFTER_FROM,
    },
    {
      method: 'get',
      path: '/api/v1/reports/sla/outcomes',
      tag: 'Reports',
      access: 'agent',
      query: reportFilterQuery,
      summary: 'The SLA outcomes behind the attainment',
      description: `One row per clock stopped and per breach, with its ticket, organization and customer: the rows of \`/api/v1/reports/sla.csv\`, and what \`/api/v1/reports/sla\` counts. ${PERIOD}${STATUS}`,
      example: { query: 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' },
      success: {
        status: 200,
        description: 'the outcomes',
        schema: z.object({ from: z.string(), to: z.string(), rows: z.array(outcome) }),
      },
      errors: ERRORS,
      errorNotes: TO_AFTER_FROM,
    },
    {
      method: 'get',
      path: '/api/v1/reports/sla.csv',
      tag: 'Reports',
      access: 'agent',
      query: reportFilterQuery,
      summary: 'The SLA outcomes as CSV',
      description: `RFC 4180, CRLF line ends, one header line: ${OUTCOME_COLUMNS.map((c) => `\`${c}\``).join(', ')}. Text cells that a spreadsheet would read as a formula start with \`'\`. ${PERIOD}${STATUS}`,
      example: { query: 'from=2026-11-01&to=2026-12-01&organization=none&status=active,breached' },
      success: { status: 200, description: 'the CSV', schema: z.string(), contentType: 'text/csv' },
      errors: ERRORS,
      errorNotes: TO_AFTER_FROM,
    },
  ],
};
