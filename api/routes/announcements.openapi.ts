import { API_ERRORS, anyObject, type ResourceDocs } from '../openapi-operation';
import { announcementBody, announcementIdParam } from './announcements';

/** Announcements to every customer (api/routes/announcements.ts). */

export const docs: ResourceDocs = {
  operations: [
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
        body: {
          title: 'Maintenance on Sunday',
          body: 'The service is read-only 23:00–23:30 EST.',
          kind: 'maintenance',
        },
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
      params: announcementIdParam.shape,
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
      params: announcementIdParam.shape,
      summary: 'Cancel an announcement',
      description: 'Customers not yet mailed are not mailed.',
      success: { status: 202, description: 'cancelling', schema: anyObject },
      errors: [...API_ERRORS, 404, 409],
      errorNotes: { 409: 'the broadcast has already finished' },
    },
  ],
};
