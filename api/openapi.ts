import { z } from 'zod';
import { MESSAGE_KINDS } from '../domain/thread';
import { CUSTOMER_SNAPSHOT_FIELDS } from '../desk/customer-view';
import { MORE_OPERATIONS } from './openapi-more';
import { AGREEMENT_OPERATIONS } from './openapi-agreements';
import { REPORT_OPERATIONS } from './openapi-reports';
import { API_BASE, API_INDEX_SCHEMA } from './routes/api-index';
import { organizationIdParam } from './routes/organizations';
import { slaNameParam } from './routes/sla-named';
import { AGENT_ACTIONS } from '../domain/ticket';
import { DEFAULT_POLICY } from '../domain/policy';
import {
  actionBody,
  actionParam,
  categoryName,
  createTicketBody,
  createUserBody,
  idempotencyKeyHeader,
  listQuery,
  messageBody,
  ticketIdParam,
} from './schemas';
import type { DocContext, ErrorStatus, JsonSchema, Operation } from './openapi-operation';

export type { DocContext, Operation } from './openapi-operation';

/**
 * The OpenAPI 3.1 document. Request shapes come from the zod schemas the routes validate with, so the
 * document cannot drift from what the API accepts; response shapes are written by hand below. Adding a
 * route means adding one entry to OPERATIONS (and an example, which /docs turns into a curl command).
 * What a schema cannot say (a caller's role, one field against another, what the store holds) is an
 * error status with its reason in `errorNotes`.
 */

/** The policy's categories a ticket body can carry; none (an unusable policy) documents that no value is valid. */
function ticketCategory(ctx: DocContext): z.ZodType {
  const usable = ctx.categories.filter((c) => categoryName.safeParse(c).success);
  return usable.length ? z.enum(usable as [string, ...string[]]) : z.never();
}

/** JSON Schema of a zod schema as a client must send it (defaults make fields optional). */
export function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const orNull = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type, 'null'] });
const obj = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
});

/** Response shapes (no zod schema exists for them: the services build them). */
const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  Problem: {
    ...obj(
      {
        type: { ...str, description: '`about:blank` or `/problems/<kind>`' },
        title: str,
        status: { type: 'integer' },
        detail: str,
        instance: { ...str, description: 'the request path' },
        errors: { type: 'array', items: obj({ field: str, message: str }) },
      },
      ['type', 'title', 'status'],
    ),
    description: 'RFC 9457 problem details (`application/problem+json`); `errors` names each invalid field.',
  },
  Clock: obj({
    metric: { enum: ['first_response', 'next_response', 'resolution'] },
    clock: { enum: ['business', '24x7'] },
    targetMinutes: { type: 'number', description: "the policy's target in minutes (a policy may set a fraction)" },
    usedMinutes: {
      type: 'number',
      description: 'minutes the clock has counted, to the thousandth (a fraction mid-minute)',
    },
    remainingMinutes: {
      type: 'number',
      description: 'minutes to the target, to the thousandth; negative once overdue',
    },
    dueAt: orNull(time),
    warningAt: orNull(time),
    paused: { type: 'boolean' },
    stopped: { type: 'boolean' },
    breached: { type: 'boolean' },
    cycle: { type: 'integer' },
  }),
  Sla: {
    ...obj(
      {
        ticketId: str,
        status: { enum: ['new', 'acknowledged', 'open', 'pending_customer', 'resolved', 'closed', 'out_of_scope'] },
        priority: str,
        category: str,
        customerId: str,
        assignee: { ...orNull(str), description: "staff only: the assigned agent's user id, or null" },
        assigned: {
          type: 'boolean',
          description: 'customers only, in place of `assignee`: whether an agent has the ticket (never which one)',
        },
        escalationLevel: str,
        slaState: { enum: ['ok', 'warning', 'breached'] },
        awaitingScopeReview: { type: 'boolean' },
        scopeReviewDueAt: orNull(time),
        nextDeadline: orNull(time),
        receivedAt: time,
        policyVersion: { type: 'integer' },
        clocks: { type: 'array', items: ref('Clock') },
        live: {
          oneOf: [{ type: 'object' }, { type: 'null' }],
          description:
            'the live support session, if one was asked for: status, tool, preferred times, the booked start, duration and link, the outcome; staff also see the booking `agent` and outcome `notes`',
        },
        version: {
          type: 'integer',
          description: "the ticket state's version (bumped on every change); the agreement's is `agreement.version`",
        },
        agreement: {
          ...obj({ id: str, version: { type: 'integer' } }),
          description: 'the agreement the ticket runs under: an organization id or `default`, and its version',
        },
        calendar: {
          oneOf: [obj({ id: str, version: { type: 'integer' } }), { type: 'null' }],
          description: 'its calendar by name and version (null for tickets opened before agreements)',
        },
        policy: obj({ id: str, version: { type: 'integer' } }),
        availableActions: {
          type: 'array',
          items: { enum: [...AGENT_ACTIONS] },
          description:
            "the agent actions the workflow accepts now, by the lifecycle's rules and the ticket's own policy (its escalation ladder); empty once the ticket is finished, for customers, and while the workflow does not answer",
        },
      },
      // Every field a customer reads is one every reader gets: the allow-list is the required list.
      [...CUSTOMER_SNAPSHOT_FIELDS, 'availableActions'],
    ),
    description:
      "The ticket's live SLA state, read from its workflow; each clock's `dueAt` is the deadline. Staff read `assignee`; a customer reads `assigned` instead (the customer's view is an allow-list, desk/customer-view.ts: no staff id, name or address).",
  },
  CreatedTicket: obj({
    id: str,
    status: str,
    priority: str,
    category: str,
    subject: str,
    receivedAt: time,
    sla: ref('Sla'),
  }),
  Message: {
    ...obj(
      {
        id: str,
        ticketId: str,
        authorId: { ...str, description: "the author's user id; absent on support's messages in a customer's view" },
        authorRole: {
          ...str,
          description: "`customer`, `agent` or `admin`; a customer reads support's messages as `support`",
        },
        authorName: { ...str, description: "a customer reads support's messages signed `Support`, not by the agent" },
        body: str,
        kind: { enum: [...MESSAGE_KINDS] },
        internal: { type: 'boolean' },
        channel: str,
        createdAt: time,
      },
      ['id', 'ticketId', 'authorRole', 'authorName', 'body', 'kind', 'internal', 'channel', 'createdAt'],
    ),
    description:
      'One entry of the thread. `kind`: `message` (the customer), `reply`, `resolution_note`, `pending_reason` and `close_reason` (typed by an agent, shown to the customer), `internal_note` and `escalation_reason` (agents only; `internal` is true). A message that came by mail has `mail`: `original` (the whole text), `refusedFiles`, `proof` (what proved the sender, or why nothing did); the note of a held mail (agents only) has `mail.held`: `status` (`pending`, `released` or `discarded`), the `reply` it would add, and who decided when.',
  },
  TicketDetail: obj(
    {
      id: str,
      subject: str,
      description: str,
      errorMessage: str,
      category: str,
      priority: str,
      channel: str,
      liveSupportTool: str,
      customerId: str,
      customerEmail: str,
      customerName: str,
      receivedAt: time,
      slaVersion: str,
      unverified: {
        type: 'boolean',
        description:
          "opened on the web form under an existing customer's address and its mailed private link not opened yet: the sender is unproven",
      },
      status: str,
      sla: { oneOf: [ref('Sla'), { type: 'null' }] },
      actions: {
        type: 'array',
        items: { enum: [...AGENT_ACTIONS] },
        description:
          'the agent actions valid in the current state: `sla.availableActions` (empty for customers and finished tickets)',
      },
      thread: { type: 'array', items: ref('Message') },
      slaAcceptance: {
        oneOf: [
          obj(
            {
              via: { enum: ['portal', 'implied'] },
              at: time,
              ticketId: { ...str, description: 'the ticket whose opening implied the acceptance' },
            },
            ['via', 'at'],
          ),
          { type: 'null' },
        ],
        description:
          "how the customer agreed to the ticket's SLA version (`slaVersion`): accepted in the portal, or implied by opening a ticket before accepting; null for tickets opened before acceptances were recorded",
      },
    },
    ['id', 'subject', 'description', 'category', 'priority', 'customerId', 'receivedAt', 'status', 'sla', 'thread'],
  ),
  TicketList: obj({
    items: {
      type: 'array',
      items: {
        type: 'object',
        description:
          'a projection of each ticket: id, status, priority, slaState, nextDeadline (under a scope review: the review’s end), scopeReviewDueAt (null unless under review), …; staff also read `assignee` (a user id), a customer reads `assigned` (whether an agent has it) instead',
      },
    },
    nextCursor: { ...orNull(str), description: 'pass as `cursor` for the next page; null on the last' },
  }),
  MessageResult: obj({
    message: ref('Message'),
    sla: { oneOf: [ref('Sla'), { type: 'null' }], description: 'null for an internal note' },
  }),
  Timeline: obj({
    events: {
      type: 'array',
      items: obj({ type: str, metric: str, at: time, dueAt: time, level: str, detail: { type: 'object' } }, [
        'type',
        'at',
      ]),
    },
  }),
  ActionResult: obj({ id: str, status: str, sla: ref('Sla') }),
  CreatedUser: {
    ...obj(
      {
        id: str,
        role: { enum: ['customer', 'agent', 'admin'] },
        name: str,
        email: str,
        agreement: obj({ trainingIncluded: { type: 'boolean' } }),
        organizationId: str,
        organizationRole: { enum: ['member', 'admin'] },
        createdAt: time,
        apiKey: str,
      },
      ['id', 'role', 'name', 'email', 'agreement', 'createdAt', 'apiKey'],
    ),
    description: 'The `apiKey` is shown only here; only its hash is stored.',
  },
  RotatedKey: { ...obj({ userId: str, apiKey: str }), description: 'The new `apiKey` is shown only here.' },
  Health: obj({ status: { const: 'ok' } }),
  Ready: obj({ status: { enum: ['ready', 'not ready'] }, checks: { type: 'object', additionalProperties: str } }),
};

const ERROR_RESPONSES: Record<ErrorStatus, { name: string; description: string; header?: string }> = {
  400: { name: 'BadRequest', description: 'invalid input; `errors` names each field' },
  401: { name: 'Unauthorized', description: 'missing or invalid API key', header: 'WWW-Authenticate' },
  403: { name: 'Forbidden', description: 'the key is valid but its role may not do this' },
  404: {
    name: 'NotFound',
    description: "no such ticket (also another customer's ticket: its existence is never revealed)",
  },
  409: {
    name: 'Conflict',
    description: 'refused by the ticket lifecycle, or an Idempotency-Key reused with another body',
  },
  413: {
    name: 'ContentTooLarge',
    description:
      "the body is over its limit (256 kB of JSON, 5 MB a file), or the ticket's attachment quota would be passed",
  },
  415: {
    name: 'UnsupportedMediaType',
    description: "the body's media type, encoding or charset is not one this endpoint reads",
  },
  422: {
    name: 'Unprocessable',
    description: 'the content could not be processed within its budget; it was kept for operators',
  },
  429: {
    name: 'TooManyRequests',
    description: 'rate limit exceeded; wait `Retry-After` seconds',
    header: 'Retry-After',
  },
  503: {
    name: 'Unavailable',
    description: 'a backing service is down; nothing was changed; retry after `Retry-After` seconds',
    header: 'Retry-After',
  },
};

/** The errors every authenticated JSON endpoint can answer. */
const API_ERRORS: ErrorStatus[] = [400, 401, 429, 503];
const TICKET = '/api/v1/tickets/{id}';

const CORE_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/users',
    tag: 'Users',
    access: 'admin',
    body: createUserBody,
    summary: 'Create a user',
    description:
      "Creates a customer, agent or admin and returns its API key, once. A customer's `agreement.trainingIncluded` says whether training requests are in scope when they belong to no organization. `organizationId` makes a customer a member (`organizationRole`: `member`, the default, or `admin`) of an organization, whose agreement their tickets follow; without it a customer whose mail domain an organization holds joins that one.",
    example: {
      body: {
        role: 'customer',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        agreement: { trainingIncluded: false },
      },
    },
    success: { status: 201, description: 'the user, with its API key', schema: ref('CreatedUser') },
    errors: [...API_ERRORS, 403, 409, 413],
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/api-keys',
    tag: 'Users',
    access: 'any',
    params: { id: z.string() },
    summary: "Rotate a user's API key",
    description:
      "An admin, or the user themself, gets a new key, shown once; the old key stops working at once, in every API process, and the user's console sessions end.",
    success: { status: 200, description: 'the new key', schema: ref('RotatedKey') },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'delete',
    path: '/api/v1/users/{id}/api-keys',
    tag: 'Users',
    access: 'admin',
    params: { id: z.string() },
    summary: "Revoke a user's API key",
    description: 'The user is left with no working key (rotate to give them a new one); their console sessions end.',
    success: { status: 204, description: 'revoked', schema: { type: 'object' } },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'post',
    path: '/api/v1/tickets',
    tag: 'Tickets',
    access: 'any',
    body: createTicketBody,
    idempotencyKey: true,
    bodyInDoc: (ctx) => createTicketBody.extend({ category: ticketCategory(ctx) }),
    summary: 'Submit a ticket',
    description:
      "A customer opens a ticket for themself (`customerEmail` left out, or their own); an agent or admin opens one on behalf of `customerEmail`, which they must give. `category` is one of the SLA policy's categories. The ticket is acknowledged at once and the response carries its SLA due times. With an `Idempotency-Key`, a retry with the same body returns the same ticket (200).",
    example: {
      body: {
        subject: 'Login fails',
        description: 'Error 500 on login since this morning',
        category: 'bug',
        priority: 'high',
        customerEmail: 'ada@example.com',
      },
    },
    success: { status: 201, description: 'the new ticket', schema: ref('CreatedTicket') },
    alsoSuccess: [
      { status: 200, description: 'the ticket an earlier request with the same Idempotency-Key and body created' },
    ],
    errors: [...API_ERRORS, 403, 409, 413],
    errorNotes: {
      400: 'invalid input (`errors` names each field); also an agent or admin leaving out `customerEmail`, or giving the address of an agent',
      403: 'a customer giving another address than their own as `customerEmail`',
    },
  },
  {
    method: 'get',
    path: '/api/v1/tickets',
    tag: 'Tickets',
    access: 'any',
    query: listQuery,
    summary: 'List tickets',
    description:
      "Customers see their own tickets, agents all. `sort=deadline` is the at-risk queue (soonest deadline first); page with `cursor`. `assignee` (staff only; a customer's answers 400 naming it) is `me`, an agent's id or email, or part of an agent's name. `q` finds tickets holding every word (case and accents ignored, words of two or more letters) in the subject, description or public messages, at most 500 matches.",
    example: { query: 'assignee=me&q=export%20timeout' },
    success: { status: 200, description: 'one page', schema: ref('TicketList') },
    errors: API_ERRORS,
    errorNotes: { 400: 'a customer giving `assignee`: who works on a ticket is not shown to customers' },
  },
  {
    method: 'get',
    path: TICKET,
    tag: 'Tickets',
    access: 'any',
    summary: 'Read a ticket',
    description: 'The ticket, its thread (customers never see internal notes) and its live SLA state.',
    success: { status: 200, description: 'the ticket', schema: ref('TicketDetail') },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'post',
    path: `${TICKET}/messages`,
    tag: 'Thread',
    access: 'any',
    body: messageBody,
    summary: 'Reply on a ticket',
    description:
      'A customer reply resumes a ticket pending the customer; an agent reply is the (first or next) response that stops the SLA clock. Agents may add `internal: true` notes that customers never see.',
    example: { body: { body: 'Could you send the exact error message?' } },
    success: { status: 201, description: 'the message and the SLA state after it', schema: ref('MessageResult') },
    errors: [...API_ERRORS, 403, 404, 409, 413],
    errorNotes: { 403: 'a customer sending `internal: true` (internal notes are for agents)' },
  },
  {
    method: 'get',
    path: `${TICKET}/messages`,
    tag: 'Thread',
    access: 'any',
    summary: "Read a ticket's thread",
    description:
      'Every message and every text an agent typed with an action (reply, resolution note, pending reason, close reason, escalation reason), oldest first, each with its `kind`. Customers get only what is meant for them: never internal notes or escalation reasons.',
    success: {
      status: 200,
      description: 'the thread',
      schema: obj({ messages: { type: 'array', items: ref('Message') } }),
    },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'get',
    path: `${TICKET}/timeline`,
    tag: 'Thread',
    access: 'any',
    summary: "Read a ticket's SLA timeline",
    description:
      'Every SLA event in order: received, acknowledged, responded, paused/resumed, warning, breach, escalated, resolved, closed. Customers never see the reason an agent gave for an escalation.',
    success: { status: 200, description: 'the events', schema: ref('Timeline') },
    errors: [...API_ERRORS, 404],
  },
  {
    method: 'post',
    path: `${TICKET}/actions/{action}`,
    tag: 'Agent actions',
    access: 'agent',
    body: actionBody,
    idempotencyKey: true,
    summary: 'Act on a ticket',
    description:
      "`assign` (needs `agent`: an agent's user id or email; anyone else answers 400 on `agent`; the agent is mailed once per assignment, and an `Idempotency-Key` makes a retry the same assignment), `priority` (needs `priority`), `reply` (`body`, mailed to the customer), `pending` (`reason`: what the customer is asked for, mailed to them), `escalate` (`reason`, internal), `resolve` (`body`: the resolution note mailed to the customer), `reopen`, `close` (`reason`), `accept` (an out-of-scope ticket under scope review; during the review only `accept`, `reclassify`, `close`, `reply` and `assign` are allowed, and the clocks wait for the decision), `reclassify` (`category`, `reason`: into an out-of-scope category starts the scope review as at intake and tells the customer; out of one ends it and the clocks run; recorded on the timeline from → to with the reason). Each typed text lands in the thread with its kind; a field the action does not take answers 400 naming it. A transition the lifecycle forbids answers 409 with the reason.",
    example: { body: { body: 'Fixed in release 2.4; clear the browser cache once and log in again.' } },
    success: { status: 200, description: 'the SLA state after the action', schema: ref('ActionResult') },
    errors: [...API_ERRORS, 403, 404, 409, 413],
    errorNotes: {
      400: 'invalid input; also a field the action does not take or a missing one it needs, named in `errors`, and an `agent` who is not an agent',
    },
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    access: 'public',
    summary: 'Liveness',
    description: 'The process is up.',
    success: { status: 200, description: 'alive', schema: ref('Health') },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    access: 'public',
    summary: 'Readiness',
    description: 'MongoDB and Temporal answer; 503 with `Retry-After` otherwise.',
    success: { status: 200, description: 'ready', schema: ref('Ready') },
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Operations',
    access: 'public',
    summary: 'This document',
    description: 'OpenAPI 3.1.',
    success: { status: 200, description: 'the document', schema: { type: 'object' } },
    errors: [],
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'Operations',
    access: 'public',
    summary: 'Documentation',
    description: 'This document as a readable page with a getting-started guide.',
    success: { status: 200, description: 'HTML', schema: str, contentType: 'text/html' },
    errors: [],
  },
  {
    method: 'get',
    path: API_BASE,
    tag: 'Operations',
    access: 'any',
    summary: 'Index of the API',
    description:
      'Every resource of the API (each path without a parameter), with its methods, who may call each and what it does, and links to this document and to /docs.',
    success: { status: 200, description: 'the index', schema: API_INDEX_SCHEMA },
    errors: API_ERRORS,
  },
];

export const OPERATIONS: Operation[] = [
  ...CORE_OPERATIONS,
  ...MORE_OPERATIONS,
  ...AGREEMENT_OPERATIONS,
  ...REPORT_OPERATIONS,
];

/** Path parameters, by name, validated by the same schemas as the routes (`{id}` is a ticket's unless the operation says). */
/** Each path parameter as its route validates it: a value the pattern refuses is refused by the server (400). */
const PATH_PARAMS: Record<string, z.ZodType> = {
  id: ticketIdParam.shape.id,
  action: actionParam.shape.action,
  version: z.int().min(1),
  calendarId: slaNameParam,
  policyId: slaNameParam,
  organizationId: organizationIdParam,
};

function parameters(op: Operation): JsonSchema[] {
  const params: JsonSchema[] = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: inputSchema(op.params?.[name!] ?? PATH_PARAMS[name!] ?? z.string()),
  }));
  for (const [name, field] of Object.entries(op.query?.shape ?? {})) {
    params.push({ name, in: 'query', required: false, schema: inputSchema(field as z.ZodType) });
  }
  if (op.idempotencyKey) {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: inputSchema(idempotencyKeyHeader),
      description: 'the same key and body return the same ticket; the same key with another body answers 409',
    });
  }
  return params;
}

const problemContent = { 'application/problem+json': { schema: ref('Problem') } };

function requestBody(op: Operation, ctx: DocContext): JsonSchema | undefined {
  if (op.multipart) return { required: true, content: { 'multipart/form-data': op.multipart } };
  const body = op.bodyInDoc?.(ctx) ?? op.body;
  if (!body) return undefined;
  return {
    required: true,
    content: {
      'application/json': { schema: inputSchema(body), ...(op.example?.body ? { example: op.example.body } : {}) },
    },
  };
}

function operationObject(op: Operation, ctx: DocContext): JsonSchema {
  // Every JSON body goes through the same parser, which answers 415 for an encoding or charset it cannot read.
  const implied: ErrorStatus[] = [
    ...(op.access === 'admin' || op.access === 'agent' ? [403 as const] : []),
    ...(op.body ? [415 as const] : []),
  ];
  const errors = [...new Set([...op.errors, ...implied])];
  const body = requestBody(op, ctx);
  const errorResponse = (s: ErrorStatus): JsonSchema => {
    const note = op.errorNotes?.[s];
    return note
      ? { description: note, content: problemContent }
      : { $ref: `#/components/responses/${ERROR_RESPONSES[s].name}` };
  };
  return {
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    description: op.description,
    security: op.access === 'public' ? [] : [{ bearer: [] }],
    ...(op.access === 'agent' || op.access === 'admin'
      ? { 'x-roles': op.access === 'admin' ? ['admin'] : ['agent', 'admin'] }
      : {}),
    parameters: parameters(op),
    ...(body ? { requestBody: body } : {}),
    responses: {
      // A 204 has no body, so it documents no content.
      [op.success.status]: {
        description: op.success.description,
        ...(op.success.status === 204
          ? {}
          : { content: { [op.success.contentType ?? 'application/json']: { schema: op.success.schema } } }),
      },
      ...Object.fromEntries(
        (op.alsoSuccess ?? []).map((a) => [
          a.status,
          {
            description: a.description,
            content: { [op.success.contentType ?? 'application/json']: { schema: op.success.schema } },
          },
        ]),
      ),
      ...Object.fromEntries(errors.sort().map((s) => [s, errorResponse(s)])),
    },
  };
}

/** The whole document for the SLA policy in force (its categories); cheap enough to build when that changes. */
export function openApiDocument(ctx: DocContext = { categories: DEFAULT_POLICY.categories }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op, ctx);
  return {
    openapi: '3.1.0',
    info: {
      title: 'sla-desk API',
      version: '1',
      description:
        'A support desk that enforces the SLA: every ticket is a durable workflow with business-hour deadlines. Authenticate with `Authorization: Bearer <API key>`.',
    },
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API key from POST /api/v1/users (or the admin key)',
        },
      },
      schemas: RESPONSE_SCHEMAS,
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description, header }) => [
          name,
          { description, content: problemContent, ...(header ? { headers: { [header]: { schema: str } } } : {}) },
        ]),
      ),
    },
  };
}
