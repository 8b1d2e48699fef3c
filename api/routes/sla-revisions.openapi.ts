import { z } from 'zod';
import { API_ERRORS, time, type ResourceDocs } from '../openapi-operation';
import { scheduleRevisionBody } from './sla-revisions';

/** Revisions of what customers were promised (api/routes/sla-revisions.ts, desk/revision-schedule.ts). */

const revision = z.object({
  id: z.string(),
  kind: z.enum(['calendar', 'policy', 'agreement']),
  name: z.string().describe('the calendar or policy (`default` or a named one), or the organization'),
  version: z.int().nullable().describe('the version stored; null while the revision waits for its start'),
  effectiveFrom: time,
  changes: z
    .array(
      z.object({
        organizationId: z.string().nullable().describe("the organization's customers; null: customers without one"),
        lines: z
          .array(z.string())
          .describe('each change in words, e.g. "first response for high priority: 8 → 6 business hours"'),
      }),
    )
    .describe('what changes for each group of customers the revision concerns'),
  announced: z.boolean().describe("every affected customer's notice is out (mail and portal)"),
  scheduled: z.boolean().describe('still to be stored as a new version at `effectiveFrom`'),
  createdAt: time,
});

const NOTICES =
  "Each customer the revision concerns (for `default`, customers without an organization; and the customers of every organization whose agreement follows the calendar or policy) is told once, by mail and on the portal, what changes in words, from when, with the new version to read and accept. Tickets keep the terms they were pinned to. A PUT of a calendar or policy, and an organization's new agreement, are announced the same way when they change anything customers were promised.";

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'post',
      path: '/api/v1/sla/revisions',
      tag: 'SLA',
      access: 'admin',
      body: scheduleRevisionBody,
      summary: 'Revise a calendar, a policy or an agreement from a later date',
      description: `Validates the new body now (400 naming the field), announces the revision to the customers it concerns now, and stores it as a new version at \`effectiveFrom\` (an ISO instant, or a date: its midnight in the zone of the revised calendar, of the agreement's own calendar for an agreement, or of the default calendar for a policy; it must be in the future). \`kind: agreement\` names an organization (\`name\`: its id) and takes its new \`agreement\` as its PUT does (\`body\`), stored then with the organization's name and domains as they are; its calendar and policy must exist now, and what else its PUT checks is checked when it is stored. ${NOTICES}`,
      example: {
        body: {
          kind: 'policy',
          name: 'default',
          body: { targets: { high: { firstResponseMinutes: 360 } } },
          effectiveFrom: '2027-01-04',
        },
      },
      success: {
        status: 202,
        description:
          'the revision, scheduled, and announced if it changes what customers were promised (otherwise `changes` is empty and no one is told)',
        schema: z.object({ revision }),
      },
      errors: [...API_ERRORS, 403, 404, 413],
    },
    {
      method: 'get',
      path: '/api/v1/sla/revisions',
      tag: 'SLA',
      access: 'admin',
      summary: 'Revisions and their notices',
      description: `The revisions of what customers were promised, newest first, with their changes in words per group of customers. ${NOTICES}`,
      success: { status: 200, description: 'the revisions', schema: z.object({ revisions: z.array(revision) }) },
      errors: [...API_ERRORS, 403],
    },
  ],
};
