import { API_ERRORS, anyObject, type ResourceDocs } from '../openapi-operation';
import { macroBody, macroIdParam } from './macros';

/** The agents to assign to, and canned responses (api/routes/macros.ts). */

export const docs: ResourceDocs = {
  operations: [
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
      success: { status: 204, description: 'removed' },
      errors: [...API_ERRORS, 403, 404],
    },
  ],
};
