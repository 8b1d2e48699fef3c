import { liveSessionBody, ticketIdParam } from '../schemas';
import { API_ERRORS, anyObject, TICKET_PATH, type ResourceDocs } from '../openapi-operation';

/** Live support sessions (api/routes/live-sessions.ts). */

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'post',
      path: `${TICKET_PATH}/live-session`,
      tag: 'Live support',
      access: 'any',
      params: ticketIdParam.shape,
      body: liveSessionBody,
      summary: 'Ask for, book, or record a live session',
      description:
        'A customer asks (`request`, with a tool and preferred times; 409 once the ticket is closed); an agent books (`confirm`) a slot that must lie inside support hours (409 with the reason otherwise) — it counts as a response — and records the `outcome`. Reminders go out 60 and 10 minutes before.',
      example: { body: { action: 'request', tool: 'google-meet', preferredTimes: ['Monday 23:00 EST'] } },
      success: { status: 200, description: 'the session and the SLA state', schema: anyObject },
      errors: [...API_ERRORS, 403, 404, 409],
      errorNotes: {
        403: "a customer sending `confirm` or `outcome` (an agent's), or an agent or admin sending `request` (the customer's)",
      },
    },
  ],
};
