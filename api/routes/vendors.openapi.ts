import { API_ERRORS, anyObject, type ResourceDocs } from '../openapi-operation';
import { vendorBody, vendorIdParam } from './vendors';

/** Vendors: third parties tickets wait on, with their response targets (api/routes/vendors.ts). */

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: '/api/v1/vendors',
      tag: 'Vendors',
      access: 'agent',
      summary: 'Vendors',
      description: 'Every vendor (`id`, `name`, `calendar`, `targetMinutes`, `contacts`), by name.',
      success: { status: 200, description: 'the vendors', schema: anyObject },
      errors: [...API_ERRORS, 403],
    },
    {
      method: 'post',
      path: '/api/v1/vendors',
      tag: 'Vendors',
      access: 'admin',
      body: vendorBody,
      summary: 'Add a vendor',
      description:
        "An underpinning contract: while a ticket waits on the vendor (`pending` with `waitingOn: \"vendor\"` and `vendor: <id>`), a `vendor` clock runs from the pause's start on the vendor's calendar (`calendar`: a stored calendar's name, whose newest version the ticket pins, or `24x7`) toward `targetMinutes`. It warns the assignee at the ticket's policy `warningAt` (a policy with `reminders`: at each of their fractions of the vendor's target, to the assignee and the level they name), and at its breach mails the assignee and, when `contacts` are given, chases them. It shows in the ticket's `sla.clocks[]` as `metric: \"vendor\"` with `vendor: <id>`; whether the vendor kept its target is on the timeline when the wait ends, and the attainment report gives it per vendor. A calendar that does not exist answers 400 naming `calendar`; an id taken, 409. Audited.",
      example: {
        body: {
          id: 'acme-hosting',
          name: 'Acme Hosting',
          calendar: '24x7',
          targetMinutes: 240,
          contacts: ['support@acme-hosting.example'],
        },
      },
      success: { status: 201, description: 'the vendor', schema: anyObject },
      errors: [...API_ERRORS, 403, 409],
    },
    {
      method: 'get',
      path: '/api/v1/vendors/{id}',
      tag: 'Vendors',
      access: 'agent',
      params: vendorIdParam.shape,
      summary: 'One vendor',
      description: 'As stored.',
      success: { status: 200, description: 'the vendor', schema: anyObject },
      errors: [...API_ERRORS, 403, 404],
    },
  ],
};
