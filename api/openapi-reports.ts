import type { z } from 'zod';
import { OUTCOME_COLUMNS, OUTCOME_KINDS } from '../desk/reports';
import type { ErrorStatus, Operation } from './openapi-operation';
import { attainmentQuery, reportFilterQuery } from './routes/reports';

/** The reports: attainment, and the outcomes it counts as JSON and CSV (desk/reports.ts). */

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const ERRORS: ErrorStatus[] = [400, 401, 403, 429, 503];

const attainmentRow = {
  type: 'object',
  properties: {
    organizationId: nullableStr,
    organization: nullableStr,
    priority: str,
    metric: str,
    met: { type: 'integer' },
    missed: { type: 'integer' },
    breached: { type: 'integer' },
    completed: { type: 'integer' },
    attainment: { type: ['number', 'null'] },
    medianBusinessMinutes: { type: ['number', 'null'] },
    p90BusinessMinutes: { type: ['number', 'null'] },
  },
  required: ['priority', 'metric', 'met', 'missed', 'breached', 'completed', 'attainment'],
};

const outcome = {
  type: 'object',
  properties: {
    ticketId: str,
    subject: str,
    organizationId: nullableStr,
    organization: nullableStr,
    customerId: str,
    customerEmail: nullableStr,
    priority: str,
    category: str,
    metric: { enum: ['first_response', 'next_response', 'resolution'] },
    outcome: { enum: [...OUTCOME_KINDS] },
    at: { type: 'string', format: 'date-time' },
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    businessMinutesUsed: { type: ['number', 'null'] },
    businessMinutesLeft: {
      type: ['number', 'null'],
      description: "an active clock's business minutes to its target at `at` (negative once overdue); null otherwise",
    },
  },
  required: ['ticketId', 'metric', 'outcome', 'at'],
};

const PERIOD =
  "Counts every clock that stopped in [from, to) (met or missed its target) and every breach in it. `from` and `to` are ISO instants or dates (`2026-11-01`: midnight in the zone of the organization's agreement with `organization`, else of the default calendar). `organization` keeps one organization's tickets (`none`: customers without one), `customer` one customer's.";

const STATUS =
  ' `status` (comma-separated) chooses the rows: `met`, `missed`, `breached` (the default is all three: what the attainment counts) and `active`: each clock still counting (running, or paused while the customer is asked) on the open tickets received before `to`, as it stands at the request (`at`), with `dueAt` (null while paused), the minutes used and `businessMinutesLeft`.';

export const REPORT_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/reports/sla',
    tag: 'Reports',
    access: 'agent',
    query: attainmentQuery as unknown as z.ZodObject,
    summary: 'SLA attainment',
    description: `Per priority and clock (and per organization with \`by=organization\`): met, missed, breaches, attainment, median and p90 business minutes. ${PERIOD}`,
    example: { query: 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&by=organization' },
    success: {
      status: 200,
      description: 'the report',
      schema: {
        type: 'object',
        properties: {
          from: str,
          to: str,
          organizationId: str,
          customerId: str,
          rows: { type: 'array', items: attainmentRow },
        },
        required: ['from', 'to', 'rows'],
      },
    },
    errors: ERRORS,
    errorNotes: { 400: 'invalid input (`errors` names each field); also `to` not after `from`' },
  },
  {
    method: 'get',
    path: '/api/v1/reports/sla/outcomes',
    tag: 'Reports',
    access: 'agent',
    query: reportFilterQuery as unknown as z.ZodObject,
    summary: 'The SLA outcomes behind the attainment',
    description: `One row per clock stopped and per breach, with its ticket, organization and customer: the rows of \`/api/v1/reports/sla.csv\`, and what \`/api/v1/reports/sla\` counts. ${PERIOD}${STATUS}`,
    example: { query: 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' },
    success: {
      status: 200,
      description: 'the outcomes',
      schema: {
        type: 'object',
        properties: { from: str, to: str, rows: { type: 'array', items: outcome } },
        required: ['from', 'to', 'rows'],
      },
    },
    errors: ERRORS,
    errorNotes: { 400: 'invalid input (`errors` names each field); also `to` not after `from`' },
  },
  {
    method: 'get',
    path: '/api/v1/reports/sla.csv',
    tag: 'Reports',
    access: 'agent',
    query: reportFilterQuery as unknown as z.ZodObject,
    summary: 'The SLA outcomes as CSV',
    description: `RFC 4180, CRLF line ends, one header line: ${OUTCOME_COLUMNS.map((c) => `\`${c}\``).join(', ')}. Text cells that a spreadsheet would read as a formula start with \`'\`. ${PERIOD}${STATUS}`,
    example: { query: 'from=2026-11-01&to=2026-12-01&organization=none&status=active,breached' },
    success: { status: 200, description: 'the CSV', schema: str, contentType: 'text/csv' },
    errors: ERRORS,
    errorNotes: { 400: 'invalid input (`errors` names each field); also `to` not after `from`' },
  },
];
