import { z } from 'zod';
import { CHANNELS, LIVE_SUPPORT_TOOLS } from '../domain/ticket';
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
