import { z } from 'zod';
import { actionBody, actionParam, messageBody, ticketIdParam } from '../schemas';
import { API_ERRORS, anyObject, TICKET_PATH, time, type ResourceDocs } from '../openapi-operation';
import { message, sla } from './tickets.openapi';

/** A ticket's thread, timeline and the agents' actions on it (api/routes/ticket-thread.ts). */

const messageResult = z.object({
  message,
  sla: sla.nullable().describe('null for an internal note'),
});

const timeline = z.object({
  events: z.array(
    z.object({
      type: z.string(),
      metric: z.string().optional(),
      at: time,
      dueAt: time.optional(),
      level: z.string().optional(),
      threshold: z
        .number()
        .optional()
        .describe(
          "a `warning` from a policy's reminder: the fraction of the target it is at (also `detail.threshold`; `detail.warningAt` is its instant, `detail.heldUntil` when it waited for support hours)",
        ),
      detail: anyObject.optional(),
    }),
  ),
});

const actionResult = z.object({ id: z.string(), status: z.string(), sla });

export const docs: ResourceDocs = {
  components: { MessageResult: messageResult, Timeline: timeline, ActionResult: actionResult },
  operations: [
    {
      method: 'post',
      path: `${TICKET_PATH}/messages`,
      tag: 'Thread',
      access: 'any',
      params: ticketIdParam.shape,
      body: messageBody,
      summary: 'Reply on a ticket',
      description:
        'A customer reply resumes a ticket pending the customer and reopens a resolved one; an agent reply is the (first or next) response that stops the SLA clock. Agents may add `internal: true` notes that customers never see; a note (like a reply, an acceptance or a resolution) stops a running level clock (`sla.clocks[]` `metric: \"level\"`), met or late. A closed (or out-of-scope) ticket takes no more replies: 409, and nothing is kept (not the message, not its files). A customer reply is one Temporal update whose id derives from the message, so the same message delivered twice (a mail redelivered, a held mail released twice) counts once.',
      example: { body: { body: 'Could you send the exact error message?' } },
      success: { status: 201, description: 'the message and the SLA state after it', schema: messageResult },
      errors: [...API_ERRORS, 403, 404, 409, 413],
      errorNotes: {
        403: 'a customer sending `internal: true` (internal notes are for agents)',
        409: 'the ticket is closed; open a new ticket',
      },
    },
    {
      method: 'get',
      path: `${TICKET_PATH}/messages`,
      tag: 'Thread',
      access: 'any',
      params: ticketIdParam.shape,
      summary: "Read a ticket's thread",
      description:
        'Every message and every text an agent typed with an action (reply, resolution note, pending reason, close reason, escalation reason), oldest first, each with its `kind`. Customers get only what is meant for them: never internal notes or escalation reasons.',
      success: { status: 200, description: 'the thread', schema: z.object({ messages: z.array(message) }) },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'get',
      path: `${TICKET_PATH}/timeline`,
      tag: 'Thread',
      access: 'any',
      params: ticketIdParam.shape,
      summary: "Read a ticket's SLA timeline",
      description:
        'Every SLA event in order: received, acknowledged, responded, paused/resumed, warning, breach, escalated, resolved, closed. A level clock\'s events are `warning`, `breached` and `responded` (the level acted: `detail.action`, `met`) with `metric: "level"` and `level`; a breach action is `breach_action` (`detail.action` `raise_priority` or `assign`, `from`, `to`, `changed`). Customers never see the reason an agent gave for an escalation, a level clock\'s events or breach actions.',
      success: { status: 200, description: 'the events', schema: timeline },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'post',
      path: `${TICKET_PATH}/actions/{action}`,
      tag: 'Agent actions',
      access: 'agent',
      params: actionParam.shape,
      body: actionBody,
      idempotencyKey: true,
      summary: 'Act on a ticket',
      description:
        "`assign` (needs `agent`: an agent's user id or email; anyone else answers 400 on `agent`; the agent is mailed once per assignment, and an `Idempotency-Key` makes a retry the same assignment), `priority` (needs `priority`), `reply` (`body`, mailed to the customer), `pending` (`waitingOn`: a reason of the ticket's policy, `customer` when absent, another answers 400 naming `waitingOn`; it decides which clocks pause and whether the customer is told; `reason`: what the customer is asked for, mailed to them when the reason tells the customer, else an internal note; `vendor`: with `waitingOn` `vendor`, a vendor's id (`/api/v1/vendors`; another answers 400 naming `vendor`), whose own clock then runs on its calendar as `sla.clocks[]` `metric: \"vendor\"`), `escalate` (`reason`, internal), `resolve` (`body`: the resolution note mailed to the customer), `reopen`, `close` (`reason`), `accept` (an out-of-scope ticket under scope review; during the review only `accept`, `reclassify`, `close`, `reply` and `assign` are allowed, and the clocks wait for the decision), `reclassify` (`category`, `reason`: into an out-of-scope category starts the scope review as at intake and tells the customer; out of one ends it and the clocks run; recorded on the timeline from → to with the reason). Each typed text lands in the thread with its kind; a field the action does not take answers 400 naming it. A transition the lifecycle forbids answers 409 with the reason.",
      example: { body: { body: 'Fixed in release 2.4; clear the browser cache once and log in again.' } },
      success: { status: 200, description: 'the SLA state after the action', schema: actionResult },
      errors: [...API_ERRORS, 403, 404, 409, 413],
      errorNotes: {
        400: 'invalid input; also a field the action does not take or a missing one it needs, named in `errors`, and an `agent` who is not an agent',
      },
    },
  ],
};
