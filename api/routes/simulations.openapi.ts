import { z } from 'zod';
import { SIMULATION_COLUMNS } from '../../desk/sla-simulation-csv';
import { time, type ResourceDocs } from '../openapi-operation';
import { simulationBody, simulationQuery } from './simulations';

/** What-if over past tickets (api/routes/simulations.ts, desk/sla-simulation.ts). */

const clock = z.enum(['first_response', 'next_response', 'resolution']);
const result = z.enum(['met', 'breached', 'running', 'paused', 'stopped']);
const tally = z.object({
  met: z.int(),
  breached: z.int(),
  attainment: z.number().nullable().describe('met / (met + breached); null when no clock ended either way'),
});
const side = z.object({
  outcome: result,
  dueAt: time.nullable(),
  explanation: z
    .array(z.string())
    .describe('how the deadline was counted: business time already used, then each open period of its last stretch'),
});

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'post',
      path: '/api/v1/sla/simulations',
      tag: 'SLA',
      access: 'admin',
      body: simulationBody,
      query: simulationQuery,
      summary: 'What-if: past tickets under a proposed calendar or policy',
      description:
        "Replays every ticket received in [from, to) (one organization's with `organization`, `none`: customers without one) from its recorded timeline (receipt, priority and category changes, responses, pauses with their reasons, resolutions, reopenings, customers' messages) with the domain code its workflow runs, under the terms it was pinned to (`current`) and under the proposal (`proposed`): `calendar` and `policy` each a stored name (`gold`, `gold@3`) or full JSON (validated as PUT /api/v1/sla/policy validates it), the ticket's own where not given. Answers `attainment` per clock, priority and organization; `changed`, the clocks whose outcome would change, with both deadlines explained; `open`, each open ticket's due instants now and if it were re-timed to the proposal now (a dry run). Nothing is saved. " +
        `CSV with \`Accept: text/csv\` or \`?format=csv\`: ${SIMULATION_COLUMNS.map((c) => `\`${c}\``).join(', ')}.`,
      example: {
        body: {
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          policy: { targets: { high: { firstResponse: { minutes: 120, clock: 'business' } } } },
        },
      },
      success: {
        status: 200,
        description: 'the what-if (or its CSV)',
        schema: z.object({
          from: time,
          to: time,
          organization: z.string().optional(),
          asOf: time.describe('timers are counted up to this instant'),
          proposal: z.object({ policy: z.string().optional(), calendar: z.string().optional() }),
          tickets: z.int(),
          attainment: z.array(
            z.object({
              clock,
              priority: z.string(),
              organization: z.string().nullable(),
              current: tally,
              proposed: tally,
            }),
          ),
          changed: z.array(
            z.object({
              id: z.string(),
              organization: z.string().nullable(),
              priority: z.string(),
              clocks: z.array(z.object({ clock, cycle: z.int(), current: side, proposed: side })),
            }),
          ),
          open: z.array(
            z.object({
              id: z.string(),
              organization: z.string().nullable(),
              status: z.string(),
              clocks: z.array(
                z.object({
                  clock,
                  dueAt: time.nullable(),
                  proposedDueAt: time.nullable(),
                  dueAtText: z
                    .string()
                    .nullable()
                    .describe("`dueAt` as the ticket's customers read it, in their agreement's zone, to the minute"),
                  proposedDueAtText: z.string().nullable().describe("`proposedDueAt` likewise, in the proposal's zone"),
                }),
              ),
            }),
          ),
          skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
          caveats: z.array(z.object({ id: z.string(), caveats: z.array(z.string()) })),
        }),
      },
      errors: [400, 401, 403, 429, 503],
      errorNotes: { 400: 'invalid input (`errors` names each field); also `to` not after `from`, an unknown name' },
    },
  ],
};
