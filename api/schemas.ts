import { z } from 'zod';
import { AGENT_ACTIONS, CHANNELS, LIVE_SUPPORT_TOOLS, TICKET_STATUSES } from '../domain/ticket';
import { PRIORITIES } from '../domain/policy';

/** Request and response shapes, written once: validation, types and the OpenAPI document. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const createTicketBody = z
  .object({
    subject: text(200),
    description: text(20_000),
    category: text(40).regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase category name such as "bug"'),
    priority: z.enum(PRIORITIES as unknown as [string, ...string[]]).default('normal'),
    customerEmail: z.email('must be an email address').max(254).optional(),
    customerName: text(120).optional(),
    errorMessage: z.string().max(10_000).optional(),
    channel: z.enum(CHANNELS).default('api'),
    liveSupportTool: z.enum(LIVE_SUPPORT_TOOLS).optional(),
  })
  .strict();
export type CreateTicketBody = z.infer<typeof createTicketBody>;

export const ticketIdParam = z.object({ id: z.string().regex(/^[0-9A-Z]{6,16}$/, 'not a ticket id') });

export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const messageBody = z
  .object({
    body: text(20_000),
    internal: z.boolean().optional(),
  })
  .strict();

export const actionParam = z.object({
  id: ticketIdParam.shape.id,
  action: z.enum(AGENT_ACTIONS, { message: `must be one of ${AGENT_ACTIONS.join(', ')}` }),
});

export const actionBody = z
  .object({
    agent: text(120).optional(),
    priority: z.enum(PRIORITIES as unknown as [string, ...string[]]).optional(),
    reason: text(2_000).optional(),
    body: text(20_000).optional(),
    category: text(40).regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase category name such as "bug"').optional(),
  })
  .strict();

export const listQuery = z
  .object({
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.enum(PRIORITIES as unknown as [string, ...string[]]).optional(),
    category: text(40).optional(),
    assignee: text(120).optional(),
    sla: z.enum(['ok', 'warning', 'breached']).optional(),
    q: text(200).optional(),
    sort: z.enum(['deadline', 'created']).default('deadline'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const createUserBody = z
  .object({
    role: z.enum(['customer', 'agent', 'admin']),
    name: text(120),
    email: z.email('must be an email address').max(254),
    agreement: z.object({ trainingIncluded: z.boolean() }).strict().optional(),
    organizationId: z.string().regex(/^org-[0-9a-f]{10}$/, 'not an organization id').optional(),
    organizationRole: z.enum(['member', 'admin']).optional(),
  })
  .strict();

export const liveSessionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('request'), tool: z.enum(LIVE_SUPPORT_TOOLS), preferredTimes: z.array(text(200)).max(5).default([]) }).strict(),
  z
    .object({
      action: z.literal('confirm'),
      startsAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant' }),
      durationMinutes: z.number().int().min(15).max(240).default(30),
      link: z.url({ protocol: /^https$/, message: 'must be an https meeting link' }).max(500),
      tool: z.enum(LIVE_SUPPORT_TOOLS).optional(),
    })
    .strict(),
  z.object({ action: z.literal('outcome'), outcome: z.enum(['held', 'no_show', 'cancelled']), notes: text(2_000).optional() }).strict(),
]);
