import { z } from 'zod';
import { anyObject, type ResourceDocs } from '../openapi-operation';

/** This document and its readable page (api/routes/docs.ts). */

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'Operations',
      access: 'public',
      summary: 'This document',
      description: 'OpenAPI 3.1.',
      success: { status: 200, description: 'the document', schema: anyObject },
      errors: [],
    },
    {
      method: 'get',
      path: '/docs',
      tag: 'Operations',
      access: 'public',
      summary: 'Documentation',
      description: 'This document as a readable page with a getting-started guide.',
      success: { status: 200, description: 'HTML', schema: z.string(), contentType: 'text/html' },
      errors: [],
    },
  ],
};
