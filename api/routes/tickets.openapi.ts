import { z } from 'zod';
import { MESSAGE_KINDS } from '../../domain/thread';
import { AGENT_ACTIONS, TICKET_STATUSES } from '../../domain/ticket';
import { CUSTOMER_SNAPSHOT_FIELDS } from '../../desk/customer-view';
import { categoryName, createTicketBody, listQuery, ticketIdParam } from '../schemas';
import {
  API_ERRORS,
  anyObject,
  objectRequiring,
  TICKET_PATH,
  time,
  type DocContext,
  type ResourceDocs,
} from '../openapi-operation';

/** Tickets (api/routes/tickets.ts), and the ticket's shapes the thread and actions answer with too. */

/** The policy's categories a ticket body can carry; none (an unusable policy) documents that no value is valid. */
function ticketCategory(ctx: DocContext): z.ZodType {
  const usable = ctx.categories.filter((c) => categoryName.safeParse(c).success);
  return usable.length ? z.enum(usable as [string, ...string[]]) : z.never();
}

const METRICS = ['first_response', 'next_response', 'resolution'] as const;
const versioned = z.object({ id: z.string(), version: z.int() });

const clock = z.object({
  metric: z
    .enum([...METRICS, 'vendor', 'level'])
    .describe(
      "the ticket's clocks; staff only: `vendor`, the clock of the vendor the ticket waits on (`vendor` names it), and `level`, the clock of the escalation level the ticket reached (`level` names it; its step's `respondWithinMinutes`, stopped when an agent replies, writes a note, accepts or resolves)",
    ),
  vendor: z.string().optional().describe('`vendor` clocks: the vendor'),
  level: z.string().optional().describe('`level` clocks: the level'),
  clock: z.enum(['business', '24x7']),
  targetMinutes: z.number().describe("the policy's target in minutes (a policy may set a fraction)"),
  usedMinutes: z
    .number()
    .describe(
      'minutes the clock has counted up to the moment of the request, to the thousandth (a fraction mid-minute)',
    ),
  remainingMinutes: z
    .number()
    .describe('minutes to the target as of the request, to the thousandth; negative once overdue'),
  dueAt: time.nullable(),
  warningAt: time.nullable(),
  paused: z.boolean(),
  stopped: z.boolean(),
  stoppedAt: time.nullable().describe('when the clock stopped: its target met, or answered after its breach'),
  breached: z.boolean(),
  cycle: z.int(),
});

const pause = z
  .object({
    waitingOn: z.string().describe("the reason id, a key of the policy's `pauses`"),
    label: z.string(),
    since: time,
    clocks: z.array(z.enum(METRICS)).describe('the clocks this pause stopped'),
    vendor: z.string().nullable(),
    endsAt: time.nullable().describe("when the reason's `maxMinutes` ends the pause by itself"),
  })
  .describe('staff only: what the ticket waits on while pending');
const pausedTime = z
  .array(
    z.object({
      waitingOn: z.string(),
      pauses: z.int(),
      businessMinutes: z.number().describe("paused business minutes on the ticket's calendar"),
      minutes: z.number().describe('paused wall-clock minutes'),
    }),
  )
  .describe('staff only: time paused per reason so far, the current pause up to now included');

export const sla = objectRequiring(
  {
    ticketId: z.string(),
    status: z.enum(TICKET_STATUSES),
    priority: z.string(),
    category: z.string(),
    customerId: z.string(),
    assignee: z.string().nullable().describe("staff only: the assigned agent's user id, or null"),
    assigned: z
      .boolean()
      .describe('customers only, in place of `assignee`: whether an agent has the ticket (never which one)'),
    waitingOn: z
      .string()
      .nullable()
      .describe(
        "customers only, in place of `pause`: what the ticket waits on in its pause reason's words (`Waiting on you`, `Waiting on a third party`), never which vendor; null when it waits on nothing named",
      ),
    escalationLevel: z.string(),
    slaState: z.enum(['ok', 'warning', 'breached']),
    awaitingScopeReview: z.boolean(),
    scopeReviewDueAt: time.nullable(),
    nextDeadline: time.nullable(),
    receivedAt: time,
    policyVersion: z.int(),
    clocks: z.array(clock),
    live: anyObject
      .nullable()
      .describe(
        'the live support session, if one was asked for: status, tool, preferred times, the booked start, duration and link, the outcome; staff also see the booking `agent` and outcome `notes`',
      ),
    version: z
      .int()
      .describe("the ticket state's version (bumped on every change); the agreement's is `agreement.version`"),
    agreement: versioned.describe(
      'the agreement the ticket runs under: an organization id or `default`, and its version',
    ),
    calendar: versioned
      .nullable()
      .describe('its calendar by name and version (null for tickets opened before agreements)'),
    policy: versioned,
    availableActions: z
      .array(z.enum(AGENT_ACTIONS))
      .describe(
        "the agent actions the workflow accepts now, by the lifecycle's rules and the ticket's own policy (its escalation ladder); empty once the ticket is finished, for customers, and on the rare stale state below",
      ),
    stale: z
      .literal(true)
      .describe(
        'staff only, and rare: the state as stored before this release while the workflow does not answer (no `availableActions`, clocks as of the last change)',
      ),
    pause: pause.nullable(),
    pausedTime,
  },
  // Every field a customer reads is one every reader gets: the allow-list is the required list.
  [...CUSTOMER_SNAPSHOT_FIELDS, 'availableActions'],
).describe(
  "The ticket's SLA state, read from the projection its workflow writes with every change (an action's answer is the workflow's own), with each running clock counted to the moment of the request (`breached` and `slaState` too, once a deadline has passed); each clock's `dueAt` is the deadline. No workflow is asked, so a closed ticket, or any ticket while the workers are down, reads the same. A ticket whose state was stored before this release is read from its workflow until its next change; if that does not answer either, the stored state comes with `stale: true` and no `availableActions`. Staff read `assignee`; a customer reads `assigned` instead (the customer's view is an allow-list, desk/customer-view.ts: no staff id, name or address).",
);

export const message = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    authorId: z.string().describe("the author's user id; absent on support's messages in a customer's view").optional(),
    authorRole: z.string().describe("`customer`, `agent` or `admin`; a customer reads support's messages as `support`"),
    authorName: z.string().describe("a customer reads support's messages signed `Support`, not by the agent"),
    body: z.string(),
    kind: z.enum(MESSAGE_KINDS),
    internal: z.boolean(),
    channel: z.string(),
    createdAt: time,
  })
  .describe(
    'One entry of the thread. `kind`: `message` (the customer), `reply`, `resolution_note`, `pending_reason` and `close_reason` (typed by an agent, shown to the customer), `internal_note` and `escalation_reason` (agents only; `internal` is true). A message that came by mail has `mail`: `original` (the whole text), `refusedFiles`, `proof` (what proved the sender, or why nothing did); the note of a held mail (agents only) has `mail.held`: `status` (`pending`, `released` or `discarded`), the `reply` it would add, and who decided when.',
  );

const createdTicket = z.object({
  id: z.string(),
  status: z.string(),
  priority: z.string(),
  category: z.string(),
  subject: z.string(),
  receivedAt: time,
  sla,
});

const ticketDetail = objectRequiring(
  {
    id: z.string(),
    subject: z.string(),
    description: z.string(),
    errorMessage: z.string(),
    category: z.string(),
    priority: z.string(),
    channel: z.string(),
    liveSupportTool: z.string(),
    customerId: z.string(),
    customerEmail: z.string(),
    customerName: z.string(),
    receivedAt: time,
    slaVersion: z.string(),
    unverified: z
      .boolean()
      .describe(
        "opened on the web form under an existing customer's address and its mailed private link not opened yet: the sender is unproven",
      ),
    status: z.string(),
    sla: sla.nullable(),
    actions: z
      .array(z.enum(AGENT_ACTIONS))
      .describe(
        'the agent actions valid in the current state: `sla.availableActions` (empty for customers and finished tickets)',
      ),
    thread: z.array(message),
    slaAcceptance: z
      .object({
        via: z.enum(['portal', 'implied']),
        at: time,
        ticketId: z.string().describe('the ticket whose opening implied the acceptance').optional(),
      })
      .nullable()
      .describe(
        "how the customer agreed to the ticket's SLA version (`slaVersion`): accepted in the portal, or implied by opening a ticket before accepting; null for tickets opened before acceptances were recorded",
      ),
  },
  ['id', 'subject', 'description', 'category', 'priority', 'customerId', 'receivedAt', 'status', 'sla', 'thread'],
);

const ticketList = z.object({
  items: z.array(
    anyObject.describe(
      'a projection of each ticket: id, status, priority, slaState, nextDeadline (under a scope review: the review’s end), scopeReviewDueAt (null unless under review), …; staff also read `assignee` (a user id), a customer reads `assigned` (whether an agent has it) instead',
    ),
  ),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
});

export const docs: ResourceDocs = {
  components: {
    Clock: clock,
    Sla: sla,
    CreatedTicket: createdTicket,
    Message: message,
    TicketDetail: ticketDetail,
    TicketList: ticketList,
  },
  operations: [
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
      success: { status: 201, description: 'the new ticket', schema: createdTicket },
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
      success: { status: 200, description: 'one page', schema: ticketList },
      errors: API_ERRORS,
      errorNotes: { 400: 'a customer giving `assignee`: who works on a ticket is not shown to customers' },
    },
    {
      method: 'get',
      path: TICKET_PATH,
      tag: 'Tickets',
      access: 'any',
      params: ticketIdParam.shape,
      summary: 'Read a ticket',
      description: 'The ticket, its thread (customers never see internal notes) and its live SLA state.',
      success: { status: 200, description: 'the ticket', schema: ticketDetail },
      errors: [...API_ERRORS, 404],
    },
  ],
};
