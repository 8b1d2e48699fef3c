import { z } from 'zod';
import { API_ERRORS, anyObject, time, type ResourceDocs } from '../openapi-operation';
import { organizationBody, organizationParams, versionParam } from './organizations';
import { slaVersion, slaVersions } from './sla.openapi';

/** Organizations and their versioned agreements (api/routes/organizations.ts). */

const scope = z.object({
  training: z.boolean().optional(),
  customDevelopment: z.boolean().optional(),
  thirdParty: z.boolean().optional(),
});
const organization = z.object({
  id: z.string().describe('`org-` and ten hex digits'),
  name: z.string(),
  domains: z.array(z.string()),
  agreement: z.object({
    calendar: z.string().optional(),
    policy: z.string().optional(),
    scope: scope.optional(),
    contacts: z.record(z.string(), z.array(z.string())).optional(),
    text: z
      .string()
      .describe(
        "the agreement's own SLA document (plain text, at most 50,000 characters), versioned with it; the portal shows it with the agreement's terms. Without it the portal shows the default document with its hours, response times and limitations as this agreement sets them",
      )
      .optional(),
  }),
  version: z.int().describe("the agreement's version: each PUT adds one"),
  createdAt: time.optional(),
  updatedAt: time.optional(),
});

const EXAMPLE_ORGANIZATION = {
  name: 'Acme Corp',
  domains: ['acme.example'],
  agreement: {
    calendar: 'acme-hours',
    policy: 'acme-gold',
    scope: { training: true, customDevelopment: false, thirdParty: false },
    contacts: { L2: ['acme-l2@support.example'], management: ['acme-account@support.example'] },
  },
};

const ORG = '/api/v1/organizations/{organizationId}';
const int = z.int().optional();

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'post',
      path: '/api/v1/organizations',
      tag: 'Organizations',
      access: 'admin',
      body: organizationBody,
      summary: 'Create an organization',
      description:
        "An organization and its agreement (version 1, audited): the calendar and the policy by name (`default` or one created under /api/v1/sla), the scope (whether training, custom development and third-party products are supported) and, optionally, escalation contacts per level of that policy (they replace the desk's contacts for that level on this organization's tickets). New customers whose mail domain is in `domains` join it, whichever channel creates them; a domain belongs to one organization, also when two requests claim it at the same instant (409 naming the domain's field, e.g. `domains[1]`). Tickets of its members are opened under the agreement in force at receipt.",
      example: { body: EXAMPLE_ORGANIZATION },
      success: { status: 201, description: 'the organization', schema: organization },
      errors: [...API_ERRORS, 403, 409, 413],
    },
    {
      method: 'get',
      path: '/api/v1/organizations',
      tag: 'Organizations',
      access: 'agent',
      summary: 'List organizations',
      description: 'By name, each with its agreement in force.',
      success: {
        status: 200,
        description: 'the organizations',
        schema: z.object({ organizations: z.array(organization).optional() }),
      },
      errors: [...API_ERRORS, 403],
    },
    {
      method: 'get',
      path: ORG,
      params: organizationParams.shape,
      tag: 'Organizations',
      access: 'agent',
      summary: 'An organization',
      description: 'With its agreement in force and its version.',
      success: { status: 200, description: 'the organization', schema: organization },
      errors: [...API_ERRORS, 403, 404],
    },
    {
      method: 'put',
      path: ORG,
      params: organizationParams.shape,
      tag: 'Organizations',
      access: 'admin',
      body: organizationBody,
      summary: 'Change an organization',
      description:
        'The whole organization, as for POST; the agreement becomes a new version (audited). Open tickets keep the version they were opened under until an admin re-times them (`…/retime`).',
      example: {
        body: {
          ...EXAMPLE_ORGANIZATION,
          agreement: {
            ...EXAMPLE_ORGANIZATION.agreement,
            scope: { training: true, customDevelopment: true, thirdParty: false },
          },
        },
      },
      success: { status: 200, description: 'the organization with its new agreement version', schema: organization },
      errors: [...API_ERRORS, 403, 404, 409, 413],
    },
    {
      method: 'get',
      path: `${ORG}/versions`,
      params: organizationParams.shape,
      tag: 'Organizations',
      access: 'agent',
      summary: "Every version of an organization's agreement",
      description: 'Oldest first, without bodies.',
      success: { status: 200, description: 'the versions', schema: slaVersions },
      errors: [...API_ERRORS, 403, 404],
    },
    {
      method: 'get',
      path: `${ORG}/versions/{version}`,
      params: { ...organizationParams.shape, ...versionParam.shape },
      tag: 'Organizations',
      access: 'agent',
      summary: "One version of an organization's agreement",
      description: 'As it was stored: name, domains and agreement.',
      success: { status: 200, description: 'the version', schema: slaVersion },
      errors: [...API_ERRORS, 403, 404],
    },
    {
      method: 'post',
      path: `${ORG}/retime`,
      params: organizationParams.shape,
      tag: 'Organizations',
      access: 'admin',
      summary: "Move the organization's open tickets to its agreement in force",
      description:
        'Each open ticket of the organization adopts its newest agreement version with the newest versions of the calendar and policy it names, its scope and contacts, keeping the business time it has already used. Audited.',
      success: {
        status: 200,
        description: 'how many tickets moved, and to what',
        schema: z.object({
          retimed: int,
          refused: int,
          failed: int,
          agreement: z.string().optional(),
          version: int,
          calendar: anyObject.optional(),
          policy: anyObject.optional(),
        }),
      },
      errors: [...API_ERRORS, 403, 404],
    },
  ],
};
