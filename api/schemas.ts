import { z } from 'zod';
import type { ListCursor } from '../domain/entities';
import { refusedAddress } from '../lib/email-address';
import { AGENT_ACTIONS, CHANNELS, LIVE_SUPPORT_TOOLS, TICKET_STATUSES } from '../domain/ticket';
import { PRIORITIES } from '../domain/policy';

/**
 * Request shapes, written once: the routes validate with them and /openapi.json is generated from them, so
 * each check here must be one JSON Schema can say (a length, a pattern, an enum). A rule it cannot say (one
 * field against another, a role, what the store holds) stays in the desk and is described in the operation.
 */

/**
 * Text with something in it: at most `max` characters as sent, and not only whitespace (ECMA-262's `\S`, the
 * dialect of JSON Schema patterns, is exactly what String.prototype.trim keeps); stored trimmed.
 */
export const text = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).regex(/\S/, 'must not be empty').trim();

/** The fixed offsets domain/calendar/zone.ts reads: UTC, UTC±H, UTC±HH, UTC±H:MM, UTC±HH:MM, at most ±14:00. */
const FIXED_OFFSET = /^UTC(?:[+-](?:(?:0?[0-9]|1[0-3])(?::[0-5][0-9])?|14(?::00)?))?$/;
/** Current IANA names that this runtime's ICU lists under their former names (Asia/Calcutta for Asia/Kolkata). */
const RENAMED_ZONES = [
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Kanton',
];
const knownToIntl = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
/** The IANA zones this runtime knows by their current names (its ICU's list, and the renamed ones above). */
export const TIME_ZONES = [
  ...new Set([...Intl.supportedValuesOf('timeZone'), ...RENAMED_ZONES.filter(knownToIntl)]),
].sort() as [string, ...string[]];
export const zoneName = z.union([z.enum(TIME_ZONES), z.string().regex(FIXED_OFFSET)], {
  error: 'must be an IANA time zone such as America/New_York, or UTC, UTC-5, UTC+05:45',
});

/**
 * An instant the business calendar can compute with (1900-01-01 to 9999-12-31): years 1901 to 9998 keep every
 * offset (at most ±23:59) inside that range, so the bound is a pattern on the year.
 */
export const CALENDAR_YEAR = /^(?:190[1-9]|19[1-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-/;
export const calendarInstant = (example = '2026-12-03T12:00:00Z') =>
  z.iso
    .datetime({ offset: true, message: `must be an ISO 8601 instant such as ${example}` })
    .regex(CALENDAR_YEAR, 'must be in the years 1901 to 9998');

/**
 * A page cursor: `d` (tickets with a deadline) or `u` (the rest), the sort value in epoch ms (none for a
 * ticket without one), a dot, and the ticket id that breaks ties. Written out rather than base64 so that
 * its pattern says exactly which strings are cursors.
 */
const CURSOR = /^([du])([0-9]{1,15})?\.([0-9A-Z]{6,16})$/;
export function encodeCursor(c: ListCursor): string {
  return `${c.phase === 'dated' ? 'd' : 'u'}${c.value === null ? '' : Date.parse(c.value)}.${c.id}`;
}
function decodeCursor(raw: string): ListCursor {
  const [, phase, ms, id] = CURSOR.exec(raw)!;
  return {
    phase: phase === 'd' ? 'dated' : 'undated',
    value: ms === undefined ? null : new Date(Number(ms)).toISOString(),
    id: id!,
  };
}

/**
 * An email address as zod's z.email() checks it (the same pattern), the part before the @ at most 64 characters
 * (RFC 5321). Written as patterns without JSON Schema's `format: email`, whose checkers differ from each other
 * and from this one: the document states the rule the server applies, no more.
 */
export const emailAddress = z
  .string()
  .max(254, 'must be at most 254 characters')
  .check(refusedAddress)
  .regex(z.regexes.email, 'must be an email address')
  .regex(/^[^@]{1,64}@/, 'the part before @ must be at most 64 characters');

/** As sent, untrimmed: a category is matched against the policy's list, and the document lists exactly those. */
export const categoryName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lowercase category name such as "bug"');

export const createTicketBody = z
  .object({
    subject: text(200),
    description: text(20_000),
    category: categoryName,
    priority: z.enum(PRIORITIES as unknown as [string, ...string[]]).default('normal'),
    customerEmail: emailAddress.optional(),
    customerName: text(120).optional(),
    errorMessage: z.string().max(10_000).optional(),
    channel: z.enum(CHANNELS).default('api'),
    liveSupportTool: z.enum(LIVE_SUPPORT_TOOLS).optional(),
  })
  .strict();

export const ticketIdParam = z.object({ id: z.string().regex(/^[0-9A-Z]{6,16}$/, 'not a ticket id') });

/**
 * A mail held for want of proof: its internal note's id (desk/inbound-mail.ts). Any id of a thread message is
 * well-formed here; one that names no held mail of the ticket is 404, not a malformed request.
 */
export const heldMailParam = z.object({
  id: ticketIdParam.shape.id,
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a message id'),
});

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
    category: text(40)
      .regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase category name such as "bug"')
      .optional(),
    waitingOn: text(40)
      .regex(/^[a-z][a-z0-9_-]*$/, 'must be a pause reason id of the ticket\'s policy, such as "customer"')
      .optional(),
    vendor: text(120).optional(),
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
    cursor: z.string().regex(CURSOR, 'not a cursor this API gave out').transform(decodeCursor).optional(),
  })
  .strict();

export const createUserBody = z
  .object({
    role: z.enum(['customer', 'agent', 'admin']),
    name: text(120),
    email: emailAddress,
    agreement: z.object({ trainingIncluded: z.boolean() }).strict().optional(),
    organizationId: z
      .string()
      .regex(/^org-[0-9a-f]{10}$/, 'not an organization id')
      .optional(),
    organizationRole: z.enum(['member', 'admin']).optional(),
  })
  .strict();

/** A meeting link: https, a host name (dot-separated labels, the last one starting with a letter), then anything printable. */
const HTTPS_LINK =
  /^https:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$/;

export const liveSessionBody = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('request'),
      tool: z.enum(LIVE_SUPPORT_TOOLS),
      preferredTimes: z.array(text(200)).max(5).default([]),
    })
    .strict(),
  z
    .object({
      action: z.literal('confirm'),
      startsAt: calendarInstant('2026-12-07T23:00:00-05:00'),
      durationMinutes: z.number().int().min(15).max(240).default(30),
      link: z
        .string()
        .max(500)
        .regex(HTTPS_LINK, 'must be an https meeting link such as https://meet.google.com/abc-defg-hij'),
      tool: z.enum(LIVE_SUPPORT_TOOLS).optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('outcome'),
      outcome: z.enum(['held', 'no_show', 'cancelled']),
      notes: text(2_000).optional(),
    })
    .strict(),
]);
