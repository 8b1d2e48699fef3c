import { z } from 'zod';
import { createUserBody } from '../schemas';
import { API_ERRORS, time, type ResourceDocs } from '../openapi-operation';

/** Users and their API keys (api/routes/users.ts). */

const createdUser = z
  .object({
    id: z.string(),
    role: z.enum(['customer', 'agent', 'admin']),
    name: z.string(),
    email: z.string(),
    agreement: z.object({ trainingIncluded: z.boolean() }),
    organizationId: z.string().optional(),
    organizationRole: z.enum(['member', 'admin']).optional(),
    createdAt: time,
    apiKey: z.string(),
  })
  .describe('The `apiKey` is shown only here; only its hash is stored.');

const rotatedKey = z
  .object({ userId: z.string(), apiKey: z.string() })
  .describe('The new `apiKey` is shown only here.');

/** The routes take any user id: one that names no user is 404. */
const userId = z.string();

export const docs: ResourceDocs = {
  components: { CreatedUser: createdUser, RotatedKey: rotatedKey },
  operations: [
    {
      method: 'post',
      path: '/api/v1/users',
      tag: 'Users',
      access: 'admin',
      body: createUserBody,
      summary: 'Create a user',
      description:
        "Creates a customer, agent or admin and returns its API key, once. A customer's `agreement.trainingIncluded` says whether training requests are in scope when they belong to no organization. `organizationId` makes a customer a member (`organizationRole`: `member`, the default, or `admin`) of an organization, whose agreement their tickets follow; without it a customer whose mail domain an organization holds joins that one.",
      example: {
        body: {
          role: 'customer',
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          agreement: { trainingIncluded: false },
        },
      },
      success: { status: 201, description: 'the user, with its API key', schema: createdUser },
      errors: [...API_ERRORS, 403, 409, 413],
    },
    {
      method: 'post',
      path: '/api/v1/users/{id}/api-keys',
      tag: 'Users',
      access: 'any',
      params: { id: userId },
      summary: "Rotate a user's API key",
      description:
        "An admin, or the user themself, gets a new key, shown once; the old key stops working at once, in every API process, and the user's console sessions end.",
      success: { status: 200, description: 'the new key', schema: rotatedKey },
      errors: [...API_ERRORS, 403, 404],
    },
    {
      method: 'delete',
      path: '/api/v1/users/{id}/api-keys',
      tag: 'Users',
      access: 'admin',
      params: { id: userId },
      summary: "Revoke a user's API key",
      description: 'The user is left with no working key (rotate to give them a new one); their console sessions end.',
      success: { status: 204, description: 'revoked' },
      errors: [...API_ERRORS, 403, 404],
    },
  ],
};
