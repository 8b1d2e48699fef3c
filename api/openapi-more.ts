import { z } from 'zod';
import { announcementBody } from './routes/announcements';
import { previewQuery, zoneQuery } from './routes/sla';
import { macroBody, macroIdParam } from './routes/macros';
import { createWebhookBody } from './routes/webhooks';
import type { ErrorStatus, Operation } from './openapi-operation';
import { heldMailParam, liveSessionBody } from './schemas';
import { calendarBody, policyBody } from './sla-schemas';
import { ATTACHMENT_POLICY } from '../desk/attachments';

/** Operations beyond the core ticket API: SLA settings and reports, live sessions, attachments and channels. */

const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const anyObject = { type: 'object' };
const API_ERRORS: ErrorStatus[] = [400, 401, 429, 503];
const MAX_FILES = ATTACHMENT_POLICY.maxFilesPerMessage;
const MAX_FILE_MB = ATTACHMENT_POLICY.maxFileBytes / 1024 / 1024;
const TICKET = '/api/v1/tickets/{id}';

const instant = { type: 'object', properties: { at: time, local: str, callerLocal: str }, required: ['at', 'local'] };
const version = {
  type: 'object',
  properties: {
    kind: str,
    name: str,
    version: { type: 'integer' },
    body: anyObject,
    createdAt: time,
    createdBy: { ...str, description: "who wrote it; absent in a customer's answer" },
  },
};

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
    success: { status: 200, description: 'the newest version', schema: version },
    errors: API_ERRORS,
  },
  {
    method: 'get',
    path: `/api/v1/sla/${kind}/default/versions`,
    tag: 'SLA',
    access: 'any',
    summary: `Every ${what} version`,
    description: 'Oldest first, without bodies.',
    success: {
      status: 200,
      description: 'the versions',
      schema: { type: 'object', properties: { versions: { type: 'array', items: version } } },
    },
    errors: API_ERRORS,
  },
  {
    method: 'get',
    path: `/api/v1/sla/${kind}/default/versions/{version}`,
    tag: 'SLA',
    access: 'any',
    summary: `One ${what} version`,
    description: 'As it was stored.',
    success: { status: 200, description: 'the version', schema: version },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'put',
    path: `/api/v1/sla/${kind}/default`,
    tag: 'SLA',
    access: 'admin',
    body,
    summary: `Change the ${what}`,
    description: `Stores a new version (audited). Invalid input, and a missing or empty body, answer 400 naming the field. Open tickets keep their version until re-timed.`,
    example: { body: example },
    success: { status: 201, description: 'the new version', schema: version },
    errors: [...API_ERRORS, 403, 413],
    ...(rules ? { errorNotes: { 400: `invalid input (\`errors\` names each field); also ${rules}` } } : {}),
  },
];

export const MORE_OPERATIONS: Operation[] = [
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
    success: {
      status: 200,
      description: 'the status',
      schema: {
        type: 'object',
        properties: { open: { type: 'boolean' }, now: instant, opensAt: instant, closesAt: instant, timezone: str },
      },
    },
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
      'The due times a ticket received at `receivedAt` (default now) with `priority` would get, each with the windows of support time it consumes.',
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
    { warningAt: 0.75, targets: { urgent: { firstResponseMinutes: 240 } } },
    'a first-response target above the resolution target of its priority (the targets left out keep the defaults), `outOfScopeCategories` that are not all `categories`, and an escalation level listed twice or due before the one above it',
  ),
  {
    method: 'post',
    path: '/api/v1/sla/policies/default/retime-open-tickets',
    tag: 'SLA',
    access: 'admin',
    summary: 'Move open tickets to the newest versions',
    description:
      'Each open ticket adopts the newest policy and calendar, keeping the business time it has already used. Audited.',
    success: {
      status: 200,
      description: 'how many tickets moved',
      schema: {
        type: 'object',
        properties: { retimed: { type: 'integer' }, refused: { type: 'integer' }, failed: { type: 'integer' } },
      },
    },
    errors: [...API_ERRORS, 403],
  },
  {
    method: 'post',
    path: `${TICKET}/live-session`,
    tag: 'Live support',
    access: 'any',
    body: liveSessionBody,
    summary: 'Ask for, book, or record a live session',
    description:
      'A customer asks (`request`, with a tool and preferred times); an agent books (`confirm`) a slot that must lie inside support hours (409 with the reason otherwise) — it counts as a response — and records the `outcome`. Reminders go out 60 and 10 minutes before.',
    example: { body: { action: 'request', tool: 'google-meet', preferredTimes: ['Monday 23:00 EST'] } },
    success: { status: 200, description: 'the session and the SLA state', schema: anyObject },
    errors: [...API_ERRORS, 403, 404, 409],
    errorNotes: {
      403: "a customer sending `confirm` or `outcome` (an agent's), or an agent or admin sending `request` (the customer's)",
    },
  },
  {
    method: 'post',
    path: `${TICKET}/attachments`,
    tag: 'Thread',
    access: 'any',
    summary: 'Attach files',
    description: `multipart/form-data with one to ${MAX_FILES} parts named \`files\` (${MAX_FILE_MB} MB each) and no other field: PNG, JPEG, GIF, WebP, PDF, ZIP or plain text, recognised by content (400 naming each refused file). A ticket holds at most \`ATTACHMENT_QUOTA_FILES\` files and \`ATTACHMENT_QUOTA_MB\` MB (defaults 100 and 50) across all channels; a request that would pass either is refused whole with 413 naming the quota.`,
    multipart: {
      schema: {
        type: 'object',
        properties: {
          files: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_FILES,
            items: { type: 'string', format: 'binary' },
            description: `each at most ${MAX_FILE_MB} MB`,
          },
        },
        required: ['files'],
        additionalProperties: false,
      },
      encoding: {
        files: {
          contentType: 'image/png, image/jpeg, image/gif, image/webp, application/pdf, application/zip, text/plain',
        },
      },
    },
    success: { status: 201, description: 'the stored files', schema: anyObject },
    errors: [...API_ERRORS, 404, 413, 415],
    errorNotes: {
      400: 'no file, another field than `files`, or a file whose content is not one of the accepted types (`errors` names each)',
      413: `a file over ${MAX_FILE_MB} MB, or the ticket's attachment quota passed (named)`,
      415: 'a body that is not multipart/form-data',
    },
  },
  {
    method: 'get',
    path: `${TICKET}/attachments`,
    tag: 'Thread',
    access: 'any',
    summary: "List a ticket's files",
    description:
      "Names, types and sizes. Agents also get the files of held mail, marked `held: true`: they are not the customer's (customers never see them) until an agent releases the mail.",
    success: { status: 200, description: 'the files', schema: anyObject },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'get',
    path: `${TICKET}/attachments/{attachmentId}`,
    tag: 'Thread',
    access: 'any',
    summary: 'Download a file',
    description:
      "Only for those who may see the ticket (a held mail's file: agents only). Always `Content-Disposition: attachment` (with an RFC 6266 `filename*` for non-ASCII names) under a name that says the type judged from the content (`page.html` judged plain text downloads as `page.html.txt`), `X-Content-Type-Options: nosniff` and a sandboxing CSP.",
    success: { status: 200, description: 'the file', schema: str, contentType: 'application/octet-stream' },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'post',
    path: '/api/v1/webhooks',
    tag: 'Webhooks',
    access: 'admin',
    body: createWebhookBody,
    summary: 'Subscribe to SLA events',
    description:
      'Warning, breach, escalation and resolution events are POSTed as JSON (with a Slack-compatible `text`), signed `X-Sla-Desk-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">` with the secret returned here once, and retried with backoff. Workers look subscriptions up at most once a second, so a new one receives events from a second after it is created.',
    example: { body: { url: 'https://hooks.example.com/sla-desk', events: ['breached', 'escalated'] } },
    success: { status: 201, description: 'the subscription and its secret', schema: anyObject },
    errors: [...API_ERRORS, 403],
    errorNotes: {
      400: 'invalid input; also a `url` whose host does not resolve, or resolves to a loopback, private, link-local, multicast or other internal address (refused unless the operator lists the host in `WEBHOOK_ALLOW_HOSTS`)',
    },
  },
  {
    method: 'get',
    path: '/api/v1/webhooks',
    tag: 'Webhooks',
    access: 'admin',
    summary: 'List subscriptions',
    description: 'Secrets are not shown again.',
    success: { status: 200, description: 'the subscriptions', schema: anyObject },
    errors: [...API_ERRORS, 403],
  },
  {
    method: 'delete',
    path: '/api/v1/webhooks/{id}',
    tag: 'Webhooks',
    access: 'admin',
    params: { id: z.string() },
    summary: 'Remove a subscription',
    description: 'Audited. Events already on their way, or raised within the next second, may still arrive.',
    success: { status: 204, description: 'removed', schema: anyObject },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'post',
    path: '/api/v1/announcements',
    tag: 'Announcements',
    access: 'admin',
    body: announcementBody,
    idempotencyKey: true,
    summary: 'Announce an update or maintenance',
    description:
      'A broadcast workflow mails every customer exactly once, rate-limited and resumable; follow it at GET /api/v1/announcements/{id} or in the Temporal UI.',
    example: {
      body: { title: 'Maintenance on Sunday', body: 'The service is read-only 23:00–23:30 EST.', kind: 'maintenance' },
    },
    success: { status: 202, description: 'accepted', schema: anyObject },
    errors: [...API_ERRORS, 403, 409],
    errorNotes: { 400: 'invalid input; also a `window` whose `to` is not after its `from`' },
  },
  {
    method: 'get',
    path: '/api/v1/announcements/{id}',
    tag: 'Announcements',
    access: 'agent',
    summary: "An announcement's progress",
    description: 'Total, sent, failed, and whether it is done or cancelled.',
    success: { status: 200, description: 'progress', schema: anyObject },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'post',
    path: '/api/v1/announcements/{id}/cancel',
    tag: 'Announcements',
    access: 'admin',
    summary: 'Cancel an announcement',
    description: 'Customers not yet mailed are not mailed.',
    success: { status: 202, description: 'cancelling', schema: anyObject },
    errors: [...API_ERRORS, 404, 409],
    errorNotes: { 409: 'the broadcast has already finished' },
  },
  {
    method: 'post',
    path: '/api/v1/inbound/email',
    tag: 'Channels',
    access: 'agent',
    summary: 'Deliver an inbound email',
    description:
      'For the MTA or mail provider that posts raw MIME (`Content-Type: message/rfc822`), with `Authorization: Bearer <INBOUND_API_TOKEN>`; agent and admin keys are refused (403). New mail opens a ticket; proven replies thread into theirs; unproven ones are held for agents; auto-replies and bounces are recorded and change nothing. 413: over MAIL_PARSE_MAX_BYTES; 422: parsing ran out of time (the message is kept); 503 with `Retry-After`: the parser queue for messages of this size is full (MAIL_PARSE_QUEUE_MESSAGES, MAIL_PARSE_QUEUE_MB) or the parser failed on the message, nothing was kept, post it again later.',
    success: {
      status: 202,
      description: 'what happened: created, threaded, held, ignored or duplicate',
      schema: anyObject,
      contentType: 'application/json',
    },
    errors: [...API_ERRORS, 403, 413, 415, 422],
  },
  ...(['release', 'discard'] as const).map((decision): Operation => ({
    method: 'post',
    path: `/api/v1/tickets/{id}/held-mail/{messageId}/${decision}`,
    tag: 'Channels',
    access: 'agent',
    params: heldMailParam.shape,
    summary: decision === 'release' ? 'Release a held mail' : 'Discard a held mail',
    description:
      decision === 'release'
        ? "A mail naming this ticket whose sender proved nothing is held: an internal note (its `mail.held.status` is `pending`; `messageId` is that note's id in the thread) whose files are listed to agents only, marked `held`, and count against no quota. Releasing adds its text to the thread as the customer's message (it counts from now: it resumes a ticket waiting on the customer) and its files become the ticket's, within the ticket's quota (413 when they do not fit: nothing changes). A mail held under an agent's address cannot be released (409). Answers `{status: 'released', message, files}`."
        : "Deletes a held mail's files; the note stays in the thread, marked `discarded`. Answers `{status: 'discarded', files}`.",
    success: { status: 200, description: 'the decision', schema: anyObject },
    errors: [...API_ERRORS, 403, 404, 409, ...(decision === 'release' ? ([413] as const) : [])],
    errorNotes: {
      409: "the mail was already released or discarded; or (release) it was held under an agent's address, or the ticket is closed",
    },
  })),
  {
    method: 'get',
    path: '/api/v1/agents',
    tag: 'Agents',
    access: 'agent',
    summary: 'Agents to assign to',
    description:
      "Stored agents and admins (`id`, `name`, `email`, `role`), by name. The `assign` action takes one's `id` or `email`.",
    success: { status: 200, description: 'the agents', schema: anyObject },
    errors: [...API_ERRORS, 403],
  },
  {
    method: 'get',
    path: '/api/v1/macros',
    tag: 'Agents',
    access: 'agent',
    summary: 'Canned responses',
    description:
      'Titles and bodies, by title. Bodies may name `{{ticket.id}}`, `{{ticket.subject}}`, `{{ticket.priority}}`, `{{ticket.status}}`, `{{customer.name}}`, `{{customer.email}}`, `{{agent.name}}`, `{{firstResponseDue}}` and `{{resolutionDue}}`, which the console fills in for the ticket at hand.',
    success: { status: 200, description: 'the canned responses', schema: anyObject },
    errors: [...API_ERRORS, 403],
  },
  {
    method: 'post',
    path: '/api/v1/macros',
    tag: 'Agents',
    access: 'admin',
    body: macroBody,
    summary: 'Add a canned response',
    description: 'Audited. A placeholder that does not exist answers 400 on `body`.',
    example: {
      body: {
        title: 'Received',
        body: 'Hello {{customer.name}}, we are on #{{ticket.id}}; first answer by {{firstResponseDue}}.',
      },
    },
    success: { status: 201, description: 'the canned response', schema: anyObject },
    errors: [...API_ERRORS, 403],
  },
  {
    method: 'get',
    path: '/api/v1/macros/{id}',
    tag: 'Agents',
    access: 'agent',
    params: macroIdParam.shape,
    summary: 'One canned response',
    description: 'As stored, placeholders unfilled.',
    success: { status: 200, description: 'the canned response', schema: anyObject },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'put',
    path: '/api/v1/macros/{id}',
    tag: 'Agents',
    access: 'admin',
    body: macroBody,
    params: macroIdParam.shape,
    summary: 'Change a canned response',
    description: 'Replaces title and body (audited).',
    example: { body: { title: 'Received', body: 'Hi {{customer.name}}, ticket #{{ticket.id}} is with us.' } },
    success: { status: 200, description: 'the canned response', schema: anyObject },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'delete',
    path: '/api/v1/macros/{id}',
    tag: 'Agents',
    access: 'admin',
    params: macroIdParam.shape,
    summary: 'Remove a canned response',
    description: 'Audited.',
    success: { status: 204, description: 'removed', schema: anyObject },
    errors: [...API_ERRORS, 403, 404],
  },
];
