import { z } from 'zod';
import { calendarBody, policyBody } from '../sla-schemas';
import { API_ERRORS, anyObject, time, type Operation, type ResourceDocs } from '../openapi-operation';
import { previewQuery, versionParam, zoneQuery } from './sla';
import { REMINDERS_NOTE } from '../reminder-schema';

/** Support hours, previews, the default calendar and policy with their versions, re-timing (api/routes/sla.ts). */

/** One stored version of a calendar, policy or agreement. */
export const slaVersion = z.object({
  kind: z.string().optional(),
  name: z.string().optional(),
  version: z.int().optional(),
  body: anyObject.optional(),
  createdAt: time.optional(),
  createdBy: z.string().describe("who wrote it; absent in a customer's answer").optional(),
});
export const slaVersions = z.object({ versions: z.array(slaVersion).optional() });

const instant = z.object({ at: time, local: z.string(), callerLocal: z.string().optional() });
const status = z.object({
  open: z.boolean().optional(),
  now: instant.optional(),
  opensAt: instant.optional(),
  closesAt: instant.optional(),
  timezone: z.string().optional(),
});
const retimed = z.object({ retimed: z.int().optional(), refused: z.int().optional(), failed: z.int().optional() });

const slaSettings = (
  kind: 'calendars' | 'policies',
  what: string,
  body: z.ZodType,
  example: unknown,
  rules: string,
): Operation[] => [
  {
    method: 'get',
    path: `/api/v1/sla/${kind}/default`,
    tag: 'SLA',
    access: 'any',
    summary: `The ${what} in force`,
    description: `The newest version of the ${what}. New tickets are opened under it; each ticket keeps the version it was opened under.`,
    success: { status: 200, description: 'the newest version', schema: slaVersion },
    errors: API_ERRORS,
  },
  {
    method: 'get',
    path: `/api/v1/sla/${kind}/default/versions`,
    tag: 'SLA',
    access: 'any',
    summary: `Every ${what} version`,
    description: 'Oldest first, without bodies.',
    success: { status: 200, description: 'the versions', schema: slaVersions },
    errors: API_ERRORS,
  },
  {
    method: 'get',
    path: `/api/v1/sla/${kind}/default/versions/{version}`,
    tag: 'SLA',
    access: 'any',
    params: versionParam.shape,
    summary: `One ${what} version`,
    description: 'As it was stored.',
    success: { status: 200, description: 'the version', schema: slaVersion },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'put',
    path: `/api/v1/sla/${kind}/default`,
    tag: 'SLA',
    access: 'admin',
    body,
    summary: `Change the ${what}`,
    description: `Stores a new version (audited). Invalid input, and a missing or empty body, answer 400 naming the field. Open tickets keep their version until re-timed.${kind === 'policies' ? ` ${REMINDERS_NOTE}` : ''}`,
    example: { body: example },
    success: { status: 201, description: 'the new version', schema: slaVersion },
    errors: [...API_ERRORS, 403, 413],
    ...(rules ? { errorNotes: { 400: `invalid input (\`errors\` names each field); also ${rules}` } } : {}),
  },
];

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: '/api/v1/sla/status',
      tag: 'SLA',
      access: 'any',
      query: zoneQuery,
      summary: 'Is support open now?',
      description:
        "Whether support is open, and when it next opens or closes, in the calendar's zone and (with `zone`) in the caller's. A calendar open around the clock has no `closesAt`.",
      example: { query: 'zone=America/Los_Angeles' },
      success: { status: 200, description: 'the status', schema: status },
      errors: API_ERRORS,
    },
    {
      method: 'get',
      path: '/api/v1/sla/preview',
      tag: 'SLA',
      access: 'any',
      query: previewQuery,
      summary: 'Preview due times',
      description:
        'The due times a ticket received at `receivedAt` (default now) with `priority` would get, each with the windows of support time it consumes, and its first warning (`warningAt`); under a policy with `reminders`, each reminder too (`reminders[]`: `threshold`, `warningAt` the instant it is due, `sendAt` when it goes out, later with `supportHoursOnly` when support is closed then, null when that opening comes only after the target: such a reminder is not sent, the breach notice is).',
      example: { query: 'receivedAt=2026-12-03T12:00:00Z&priority=high' },
      success: { status: 200, description: 'due times and explanations', schema: anyObject },
      errors: API_ERRORS,
    },
    ...slaSettings(
      'calendars',
      'support calendar',
      calendarBody,
      { timezone: 'UTC-5', windows: [{ day: 'sunday', open: '22:00', close: '06:00' }], holidays: ['2026-12-25'] },
      '',
    ),
    ...slaSettings(
      'policies',
      'SLA policy',
      policyBody,
      {
        targets: { urgent: { firstResponseMinutes: 240 } },
        reminders: [
          { at: 0.5, notify: ['assignee'] },
          { at: 0.9, notify: ['level', 'organization'], supportHoursOnly: true },
        ],
      },
      'a first-response target above the resolution target of its priority (the targets left out keep the defaults), `outOfScopeCategories` that are not all `categories`, an escalation level listed twice or due before the one above it, two `reminders` at one fraction (`reminders[i].at`), and an `assign` breach action naming no agent of the desk (`escalation[i].actions[j].agent`; an agent given by email is stored by user id)',
    ),
    {
      method: 'post',
      path: '/api/v1/sla/policies/default/retime-open-tickets',
      tag: 'SLA',
      access: 'admin',
      summary: 'Move open tickets to the newest versions',
      description:
        'Each open ticket adopts the newest policy and calendar, keeping the business time it has already used. Audited.',
      success: { status: 200, description: 'how many tickets moved', schema: retimed },
      errors: [...API_ERRORS, 403],
    },
  ],
};
