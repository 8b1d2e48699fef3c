import { API_ERRORS, type Operation, type ResourceDocs } from '../openapi-operation';
import { createSettingsBody, settingsBody, slaNameParam, versionParam } from './sla-named';
import { slaVersion, slaVersions } from './sla.openapi';

/** Named calendars and policies beside `default` (api/routes/sla-named.ts). */

const EXAMPLE_CALENDAR = {
  id: 'acme-hours',
  timezone: 'America/New_York',
  windows: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
    day,
    open: '09:00',
    close: '17:00',
  })),
  holidays: ['2026-12-24', '2026-12-25'],
};
const EXAMPLE_POLICY = {
  id: 'acme-gold',
  targets: { urgent: { firstResponseMinutes: 60 }, high: { firstResponseMinutes: 240 } },
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
  const params = { [param]: slaNameParam };
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
      success: { status: 201, description: 'version 1', schema: slaVersion },
      errors: [...API_ERRORS, 403, 409, 413],
    },
    {
      method: 'get',
      path: one,
      params,
      tag: 'SLA',
      access: 'any',
      summary: `A named ${what}`,
      description: 'Its newest version.',
      success: { status: 200, description: 'the newest version', schema: slaVersion },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'put',
      path: one,
      params,
      tag: 'SLA',
      access: 'admin',
      body: settingsBody[settingsKind],
      summary: `Change a named ${what}`,
      description: `Stores a new version (audited). New tickets of the organizations naming it use it; open tickets keep theirs until their organization is re-timed.`,
      example: { body },
      success: { status: 201, description: 'the new version', schema: slaVersion },
      errors: [...API_ERRORS, 403, 404, 413],
    },
    {
      method: 'delete',
      path: one,
      params,
      tag: 'SLA',
      access: 'admin',
      summary: `Delete a named ${what}`,
      description: `Deletes it with its versions (audited); tickets keep the copy they were opened under. \`default\`, and a ${what} an organization's agreement names, cannot be deleted: 409 naming the organizations.`,
      success: { status: 204, description: 'deleted' },
      errors: [...API_ERRORS, 403, 404, 409],
    },
    {
      method: 'get',
      path: `${one}/versions`,
      params,
      tag: 'SLA',
      access: 'any',
      summary: `Every version of a named ${what}`,
      description: 'Oldest first, without bodies.',
      success: { status: 200, description: 'the versions', schema: slaVersions },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'get',
      path: `${one}/versions/{version}`,
      params: { ...params, version: versionParam },
      tag: 'SLA',
      access: 'any',
      summary: `One version of a named ${what}`,
      description: 'As it was stored.',
      success: { status: 200, description: 'the version', schema: slaVersion },
      errors: [...API_ERRORS, 404],
    },
  ];
};

export const docs: ResourceDocs = {
  operations: [
    ...named('calendars', 'support calendar', 'calendarId', EXAMPLE_CALENDAR),
    ...named('policies', 'SLA policy', 'policyId', EXAMPLE_POLICY),
  ],
};
