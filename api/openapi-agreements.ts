import type { ErrorStatus, Operation } from './openapi-operation';
import { organizationBody } from './routes/organizations';
import { createSettingsBody, settingsBody } from './routes/sla-named';

/** Named calendars and policies, and organizations with their versioned agreements. */

const str = { type: 'string' };
const int = { type: 'integer' };
const time = { type: 'string', format: 'date-time' };
const API_ERRORS: ErrorStatus[] = [400, 401, 429, 503];
const version = {
  type: 'object',
  properties: {
    kind: str,
    name: str,
    version: int,
    body: { type: 'object' },
    createdAt: time,
    createdBy: { ...str, description: "who wrote it; absent in a customer's answer" },
  },
};
const scope = {
  type: 'object',
  properties: {
    training: { type: 'boolean' },
    customDevelopment: { type: 'boolean' },
    thirdParty: { type: 'boolean' },
  },
};
const organization = {
  type: 'object',
  properties: {
    id: { ...str, description: '`org-` and ten hex digits' },
    name: str,
    domains: { type: 'array', items: str },
    agreement: {
      type: 'object',
      properties: {
        calendar: str,
        policy: str,
        scope,
        contacts: { type: 'object', additionalProperties: { type: 'array', items: str } },
        text: {
          ...str,
          description:
            "the agreement's own SLA document (plain text, at most 50,000 characters), versioned with it; the portal shows it with the agreement's terms. Without it the portal shows the default document with its hours, response times and limitations as this agreement sets them",
        },
      },
    },
    version: { ...int, description: "the agreement's version: each PUT adds one" },
    createdAt: time,
    updatedAt: time,
  },
  required: ['id', 'name', 'domains', 'agreement', 'version'],
};

export const EXAMPLE_CALENDAR = {
  id: 'acme-hours',
  timezone: 'America/New_York',
  windows: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
    day,
    open: '09:00',
    close: '17:00',
  })),
  holidays: ['2026-12-24', '2026-12-25'],
};
export const EXAMPLE_POLICY = {
  id: 'acme-gold',
  targets: { urgent: { firstResponseMinutes: 60 }, high: { firstResponseMinutes: 240 } },
};
export const EXAMPLE_ORGANIZATION = {
  name: 'Acme Corp',
  domains: ['acme.example'],
  agreement: {
    calendar: 'acme-hours',
    policy: 'acme-gold',
    scope: { training: true, customDevelopment: false, thirdParty: false },
    contacts: { L2: ['acme-l2@support.example'], management: ['acme-account@support.example'] },
  },
};

const named = (
  kind: 'calendars' | 'policies',
  what: string,
  param: string,
  example: Record<string, unknown>,
): Operation[] => {
  const one = `/api/v1/sla/${kind}/{${param}}`;
  const settingsKind = kind === 'calendars' ? 'calendar' : 'policy';
  const { id: _id, ...body } = example;
  return [
    {
      method: 'post',
      path: `/api/v1/sla/${kind}`,
      tag: 'SLA',
      access: 'admin',
      body: createSettingsBody[settingsKind],
      summary: `Create a named ${what}`,
      description: `\`{id, …}\`: a lowercase name and the ${what} in the same form as \`default\`'s PUT. Version 1 is stored (audited); organizations' agreements refer to it by name. 409 when the name is taken; invalid fields answer 400 naming them.`,
      example: { body: example },
      success: { status: 201, description: 'version 1', schema: version },
      errors: [...API_ERRORS, 403, 409, 413],
    },
    {
      method: 'get',
      path: one,
      tag: 'SLA',
      access: 'any',
      summary: `A named ${what}`,
      description: 'Its newest version.',
      success: { status: 200, description: 'the newest version', schema: version },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'put',
      path: one,
      tag: 'SLA',
      access: 'admin',
      body: settingsBody[settingsKind],
      summary: `Change a named ${what}`,
      description: `Stores a new version (audited). New tickets of the organizations naming it use it; open tickets keep theirs until their organization is re-timed.`,
      example: { body },
      success: { status: 201, description: 'the new version', schema: version },
      errors: [...API_ERRORS, 403, 404, 413],
    },
    {
      method: 'delete',
      path: one,
      tag: 'SLA',
      access: 'admin',
      summary: `Delete a named ${what}`,
      description: `Deletes it with its versions (audited); tickets keep the copy they were opened under. \`default\`, and a ${what} an organization's agreement names, cannot be deleted: 409 naming the organizations.`,
      success: { status: 204, description: 'deleted', schema: { type: 'object' } },
      errors: [...API_ERRORS, 403, 404, 409],
    },
    {
      method: 'get',
      path: `${one}/versions`,
      tag: 'SLA',
      access: 'any',
      summary: `Every version of a named ${what}`,
      description: 'Oldest first, without bodies.',
      success: {
        status: 200,
        description: 'the versions',
        schema: { type: 'object', properties: { versions: { type: 'array', items: version } } },
      },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'get',
      path: `${one}/versions/{version}`,
      tag: 'SLA',
      access: 'any',
      summary: `One version of a named ${what}`,
      description: 'As it was stored.',
      success: { status: 200, description: 'the version', schema: version },
      errors: [...API_ERRORS, 404],
    },
  ];
};

const ORG = '/api/v1/organizations/{organizationId}';

export const AGREEMENT_OPERATIONS: Operation[] = [
  ...named('calendars', 'support calendar', 'calendarId', EXAMPLE_CALENDAR),
  ...named('policies', 'SLA policy', 'policyId', EXAMPLE_POLICY),
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
      schema: { type: 'object', properties: { organizations: { type: 'array', items: organization } } },
    },
    errors: [...API_ERRORS, 403],
  },
  {
    method: 'get',
    path: ORG,
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
    tag: 'Organizations',
    access: 'agent',
    summary: "Every version of an organization's agreement",
    description: 'Oldest first, without bodies.',
    success: {
      status: 200,
      description: 'the versions',
      schema: { type: 'object', properties: { versions: { type: 'array', items: version } } },
    },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'get',
    path: `${ORG}/versions/{version}`,
    tag: 'Organizations',
    access: 'agent',
    summary: "One version of an organization's agreement",
    description: 'As it was stored: name, domains and agreement.',
    success: { status: 200, description: 'the version', schema: version },
    errors: [...API_ERRORS, 403, 404],
  },
  {
    method: 'post',
    path: `${ORG}/retime`,
    tag: 'Organizations',
    access: 'admin',
    summary: "Move the organization's open tickets to its agreement in force",
    description:
      'Each open ticket of the organization adopts its newest agreement version with the newest versions of the calendar and policy it names, its scope and contacts, keeping the business time it has already used. Audited.',
    success: {
      status: 200,
      description: 'how many tickets moved, and to what',
      schema: {
        type: 'object',
        properties: {
          retimed: int,
          refused: int,
          failed: int,
          agreement: str,
          version: int,
          calendar: { type: 'object' },
          policy: { type: 'object' },
        },
      },
    },
    errors: [...API_ERRORS, 403, 404],
  },
];
