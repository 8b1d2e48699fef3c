import { z } from 'zod';
import type { ResourceDocs } from '../openapi-operation';

/** Liveness and readiness (api/routes/health.ts). */

const health = z.object({ status: z.literal('ok') });
const ready = z.object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.string()) });

export const docs: ResourceDocs = {
  components: { Health: health, Ready: ready },
  operations: [
    {
      method: 'get',
      path: '/healthz',
      tag: 'Operations',
      access: 'public',
      summary: 'Liveness',
      description: 'The process is up.',
      success: { status: 200, description: 'alive', schema: health },
      errors: [],
    },
    {
      method: 'get',
      path: '/readyz',
      tag: 'Operations',
      access: 'public',
      summary: 'Readiness',
      description: 'MongoDB and Temporal answer; 503 with `Retry-After` otherwise.',
      success: { status: 200, description: 'ready', schema: ready },
      errors: [],
    },
  ],
};
