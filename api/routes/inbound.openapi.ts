import { API_ERRORS, anyObject, type ResourceDocs } from '../openapi-operation';

/** Mail posted by the MTA (api/routes/inbound.ts). */

export const docs: ResourceDocs = {
  operations: [
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
  ],
};
