import { z } from 'zod';
import { API_ERRORS, type ResourceDocs } from '../openapi-operation';
import { API_BASE } from './api-index';

/** The API's index (api/routes/api-index.ts). */

const apiIndex = z.object({
  name: z.string(),
  version: z.string(),
  links: z
    .object({ openapi: z.string(), docs: z.string() })
    .describe('the OpenAPI document and the readable reference'),
  resources: z.array(
    z.object({
      href: z.string(),
      tag: z.string(),
      operations: z.array(
        z.object({
          method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
          summary: z.string(),
          access: z.enum(['public', 'any', 'agent', 'admin']),
        }),
      ),
    }),
  ),
});

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: API_BASE,
      tag: 'Operations',
      access: 'any',
      summary: 'Index of the API',
      description:
        'Every resource of the API (each path without a parameter), with its methods, who may call each and what it does, and links to this document and to /docs.',
      success: { status: 200, description: 'the index', schema: apiIndex },
      errors: API_ERRORS,
    },
  ],
};
