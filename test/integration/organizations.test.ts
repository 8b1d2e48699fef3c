import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { apiClient, type ApiClient } from '../support/http';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/** Named calendars and policies, organizations and their agreements, and reclassification, through the real API. */

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agent = apiClient(
    stack.baseUrl,
    (await admin.post('/api/v1/users', { role: 'agent', name: 'Sam', email: 'sam@support.local' })).body.apiKey,
  );
});
afterAll(async () => {
  await stack?.close();
});

const always = { ...ALWAYS_OPEN_CALENDAR };
const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);
const orgBody = (
  over: {
    name?: string;
    domains?: string[];
    calendar?: string;
    policy?: string;
    scope?: Partial<Record<string, boolean>>;
    contacts?: Record<string, string[]>;
  } = {},
) => ({
  name: over.name ?? 'Initech',
  domains: over.domains ?? [],
  agreement: {
    calendar: over.calendar ?? 'always',
    policy: over.policy ?? 'gold',
    scope: { training: false, customDevelopment: false, thirdParty: false, ...over.scope },
    ...(over.contacts ? { contacts: over.contacts } : {}),
  },
});
const ticketFor = (email: string, over: Record<string, string> = {}) =>
  admin.post('/api/v1/tickets', {
    subject: 'Export fails',
    description: 'd',
    category: 'bug',
    priority: 'urgent',
    customerEmail: email,
    ...over,
  });
/**
 * A customer at an organization's domain proves the address as a person does, by the portal sign-in link mailed to
 * it (typing an address proves nothing): their first ticket is an individual's, the ones after it the organization's.
 */
async function provenMember(email: string) {
  if (!(await stack.store.users.byEmail(email))) expect((await ticketFor(email)).status).toBe(201);
  await signIn(browserLike(stack.baseUrl), inject('outboxDir'), email);
}
const clock = (sla: { clocks: { metric: string; targetMinutes: number; usedMinutes: number }[] }, metric: string) =>
  sla.clocks.find((c) => c.metric === metric)!;

describe('named calendars and policies', () => {
  it('are created with {id, …}, versioned by PUT, read by name and version, and refuse bad input naming the field', async () => {
    const created = await admin.post('/api/v1/sla/calendars', { id: 'always', ...always });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'calendar', name: 'always', version: 1, body: { timezone: 'UTC' } });
    expect((await admin.post('/api/v1/sla/calendars', { id: 'always', ...always })).status).toBe(409);
    expect((await agent.post('/api/v1/sla/calendars', { id: 'other', ...always })).status).toBe(403);

    const badId = await admin.post('/api/v1/sla/calendars', { id: 'Not A Name', ...always });
    expect(badId.status).toBe(400);
    expect(badId.headers.get('content-type')).toContain('application/problem+json');
    expect(fields(badId)).toEqual(['id']);
    const badWindow = await admin.post('/api/v1/sla/calendars', {
      id: 'broken',
      timezone: 'UTC',
      windows: [{ day: 'monday', open: '25:00', close: '06:00' }],
    });
    expect(badWindow.status).toBe(400);
    expect(fields(badWindow)).toEqual(['windows[0].open']);
    expect((await admin.get('/api/v1/sla/calendars/broken')).status).toBe(404);

    const policy = await admin.post('/api/v1/sla/policies', {
      id: 'gold',
      targets: { urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 } },
    });
    expect(policy.status).toBe(201);
    expect(policy.body.body).toMatchObject({
      id: 'gold',
      version: 1,
      targets: { urgent: { firstResponse: { minutes: 60 } } },
    });
    const badPolicy = await admin.post('/api/v1/sla/policies', { id: 'lead', warningAt: 3 });
    expect(badPolicy.status).toBe(400);
    expect(fields(badPolicy)).toEqual(['warningAt']);

    const put = await admin.put('/api/v1/sla/calendars/always', { ...always, holidays: ['2027-01-01'] });
    expect(put.status).toBe(201);
    expect(put.body.version).toBe(2);
    expect((await admin.put('/api/v1/sla/calendars/missing', always)).status).toBe(404);
    expect((await agent.get('/api/v1/sla/calendars/always')).body).toMatchObject({
      version: 2,
      body: { holidays: ['2027-01-01'] },
    });
    expect(
      (await agent.get('/api/v1/sla/calendars/always/versions')).body.versions.map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([1, 2]);
    expect((await agent.get('/api/v1/sla/calendars/always/versions/1')).body.body.holidays).toEqual([]);
    // default keeps its own routes and stays the seed's
    expect((await agent.get('/api/v1/sla/calendars/default')).body.body.timezone).toBe('UTC-5');
  });
});

describe('organizations', () => {
  let orgId: string;

  it('are created with an agreement whose references are checked, naming the field', async () => {
    const missing = await admin.post('/api/v1/organizations', orgBody({ calendar: 'nowhere' }));
    expect(missing.status).toBe(400);
    expect(fields(missing)).toEqual(['agreement.calendar']);
    const level = await admin.post('/api/v1/organizations', orgBody({ contacts: { L9: ['x@example.com'] } }));
    expect(level.status).toBe(400);
    expect(fields(level)).toEqual(['agreement.contacts.L9']);
    const domain = await admin.post('/api/v1/organizations', orgBody({ domains: ['not a domain'] }));
    expect(domain.status).toBe(400);
    expect(fields(domain)).toEqual(['domains[0]']);
    const scope = await admin.post('/api/v1/organizations', {
      ...orgBody(),
      agreement: { ...orgBody().agreement, scope: { training: 'yes' } },
    });
    expect(scope.status).toBe(400);
    expect(fields(scope)).toEqual(
      expect.arrayContaining(['agreement.scope.training', 'agreement.scope.customDevelopment']),
    );

    const created = await admin.post(
      '/api/v1/organizations',
      orgBody({
        domains: ['Initech.example'],
        scope: { training: true },
        contacts: { L2: ['initech-l2@support.example'] },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Initech',
      domains: ['initech.example'],
      version: 1,
      agreement: { calendar: 'always', policy: 'gold' },
    });
    orgId = created.body.id;
    expect(orgId).toMatch(/^org-[0-9a-f]{10}$/);

    const taken = await admin.post('/api/v1/organizations', orgBody({ name: 'Copycat', domains: ['initech.example'] }));
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toContain(orgId);

    expect((await agent.get('/api/v1/organizations')).body.organizations.map((o: { id: string }) => o.id)).toContain(
      orgId,
    );
    expect((await agent.get(`/api/v1/organizations/${orgId}`)).body.agreement.scope.training).toBe(true);
    expect((await agent.put(`/api/v1/organizations/${orgId}`, orgBody())).status).toBe(403);
    expect((await agent.get('/api/v1/organizations/org-0000000000')).status).toBe(404);
  });

  it('takes in new customers of its domains (desk/customers.ts ensureCustomer) and customers named on POST /api/v1/users', async () => {
    const opened = await ticketFor('ada@initech.example');
    expect(opened.status).toBe(201);
    // Typing an address at the domain proves nothing: an individual customer's ticket, under the default agreement.
    expect((await stack.store.users.byEmail('ada@initech.example'))?.organizationId).toBeUndefined();
    expect((await agent.get(`/api/v1/tickets/${opened.body.id}`)).body.slaVersion).toBe('default@1');
    await provenMember('ada@initech.example');
    const ada = await stack.store.users.byEmail('ada@initech.example');
    expect(ada).toMatchObject({ organizationId: orgId, organizationRole: 'member' });
    expect(await stack.store.users.byEmail('bob@elsewhere.example').then((u) => u?.organizationId)).toBeUndefined();

    const named = await admin.post('/api/v1/users', {
      role: 'customer',
      name: 'Lead',
      email: 'lead@partner.example',
      organizationId: orgId,
      organizationRole: 'admin',
    });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ organizationId: orgId, organizationRole: 'admin' });
    const unknown = await admin.post('/api/v1/users', {
      role: 'customer',
      name: 'X',
      email: 'x@partner.example',
      organizationId: 'org-0000000000',
    });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(['organizationId']);
    const staff = await admin.post('/api/v1/users', {
      role: 'agent',
      name: 'Y',
      email: 'y@support.local',
      organizationId: orgId,
    });
    expect(fields(staff)).toEqual(['organizationId']);
    const badRole = await admin.post('/api/v1/users', {
      role: 'customer',
      name: 'Z',
      email: 'z@partner.example',
      organizationId: orgId,
      organizationRole: 'owner',
    });
    expect(fields(badRole)).toEqual(['organizationRole']);

    // A member opening a ticket with their own key gets the organization's agreement too.
    const lead = apiClient(stack.baseUrl, named.body.apiKey);
    const own = await lead.post('/api/v1/tickets', {
      subject: 'Training please',
      description: 'd',
      category: 'training',
    });
    expect(own.status).toBe(201);
    // Training is in Initech's scope; custom development is not.
    expect(own.body.sla.awaitingScopeReview).toBe(false);
    const custom = await lead.post('/api/v1/tickets', {
      subject: 'Custom report',
      description: 'd',
      category: 'custom-development',
    });
    expect(custom.body.sla.awaitingScopeReview).toBe(true);
  });

  it('pins each ticket to the agreement in force at receipt until an admin re-times the organization', async () => {
    await provenMember('carol@initech.example');
    const first = await ticketFor('carol@initech.example');
    const id = first.body.id as string;
    const read = async () => (await agent.get(`/api/v1/tickets/${id}`)).body;
    const before = await read();
    expect(before).toMatchObject({ organizationId: orgId, slaVersion: `${orgId}@1` });
    expect(before.sla).toMatchObject({
      agreement: { id: orgId, version: 1 },
      calendar: { id: 'always', version: 2 },
      policy: { id: 'gold', version: 1 },
    });
    expect(clock(before.sla, 'first_response').targetMinutes).toBe(60);
    await eventually(
      async () => (await stack.store.ticketStates.get(id))?.organizationId === orgId,
      10_000,
      'the projection with its organization',
    );

    await admin.post('/api/v1/sla/policies', {
      id: 'silver',
      targets: { urgent: { firstResponseMinutes: 180, resolutionMinutes: 480 } },
    });
    const put = await admin.put(
      `/api/v1/organizations/${orgId}`,
      orgBody({ domains: ['initech.example'], policy: 'silver', scope: { training: true } }),
    );
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(2);
    expect(
      (await stack.store.audit.recent()).some(
        (e) => e.action === 'organization.update' && e.target === `organization:${orgId}:2`,
      ),
    ).toBe(true);
    expect(
      (await agent.get(`/api/v1/organizations/${orgId}/versions`)).body.versions.map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([1, 2]);
    expect((await agent.get(`/api/v1/organizations/${orgId}/versions/1`)).body.body.agreement.policy).toBe('gold');

    const unchanged = await read();
    expect(unchanged.sla.agreement).toEqual({ id: orgId, version: 1 });
    expect(clock(unchanged.sla, 'first_response').targetMinutes).toBe(60);
    await provenMember('dan@initech.example');
    const second = await ticketFor('dan@initech.example');
    expect((await agent.get(`/api/v1/tickets/${second.body.id}`)).body).toMatchObject({
      slaVersion: `${orgId}@2`,
      sla: { agreement: { version: 2 }, policy: { id: 'silver' } },
    });

    // The default re-timing leaves the organization's tickets alone.
    expect((await admin.post('/api/v1/sla/policies/default/retime-open-tickets')).status).toBe(200);
    expect((await read()).sla.agreement).toEqual({ id: orgId, version: 1 });

    expect((await agent.post(`/api/v1/organizations/${orgId}/retime`)).status).toBe(403);
    const retimed = await admin.post(`/api/v1/organizations/${orgId}/retime`);
    expect(retimed.status).toBe(200);
    expect(retimed.body).toMatchObject({
      agreement: orgId,
      version: 2,
      policy: { id: 'silver', version: 1 },
      failed: 0,
    });
    expect(retimed.body.retimed).toBeGreaterThanOrEqual(2);
    const after = await read();
    expect(after.sla).toMatchObject({ agreement: { id: orgId, version: 2 }, policy: { id: 'silver', version: 1 } });
    const first_ = clock(after.sla, 'first_response');
    expect(first_.targetMinutes).toBe(180);
    // Business time already used is kept (a 24/7 calendar: the seconds since receipt).
    expect(first_.usedMinutes).toBeGreaterThan(0);
    expect(first_.usedMinutes).toBeLessThan(5);
    // The ticket content keeps what it was opened under.
    expect(after.slaVersion).toBe(`${orgId}@1`);
  });

  it('refuses to delete a calendar or policy an agreement names (409 naming the organization), and default', async () => {
    const inUse = await admin.delete('/api/v1/sla/calendars/always');
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain(orgId);
    expect(inUse.body.detail).toContain('Initech');
    const policy = await admin.delete('/api/v1/sla/policies/silver');
    expect(policy.status).toBe(409);
    expect(policy.body.detail).toContain(orgId);
    expect((await admin.delete('/api/v1/sla/calendars/default')).status).toBe(405);
    expect((await agent.delete('/api/v1/sla/policies/gold')).status).toBe(403);
    // gold is no longer named by the agreement in force: it may go.
    expect((await admin.delete('/api/v1/sla/policies/gold')).status).toBe(204);
    expect((await admin.get('/api/v1/sla/policies/gold')).status).toBe(404);
    expect((await admin.delete('/api/v1/sla/policies/gold')).status).toBe(404);
  });
});

describe('reclassify', () => {
  it('moves a ticket into and out of the scope review, on the timeline with the reason, refusing bad input naming the field', async () => {
    const opened = await ticketFor('erin@elsewhere.example', { priority: 'normal' });
    const id = opened.body.id as string;
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
      10_000,
      'acknowledgement',
    );
    expect((await agent.get(`/api/v1/tickets/${id}`)).body.actions).toContain('reclassify');

    const unknown = await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, { category: 'astrology' });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(['category']);
    expect(fields(await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, { reason: 'no category' }))).toEqual([
      'category',
    ]);
    expect(
      fields(await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, { category: 'training', body: 'hi' })),
    ).toEqual(['body']);
    expect(fields(await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, { category: 'Training!' }))).toEqual([
      'category',
    ]);
    expect((await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, { category: 'bug' })).status).toBe(409);

    const into = await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, {
      category: 'training',
      reason: 'asks for a course',
    });
    expect(into.status).toBe(200);
    expect(into.body.sla).toMatchObject({ category: 'training', awaitingScopeReview: true });
    expect(into.body.sla.clocks.every((c: { paused: boolean }) => c.paused)).toBe(true);
    const told = await eventually(
      async () => (await stack.store.notifications.forTicket(id)).find((n) => n.kind === 'out_of_scope') ?? null,
      10_000,
      'the out-of-scope mail',
    );
    expect(told).toMatchObject({ _id: `${id}:out_of_scope:1`, to: ['erin@elsewhere.example'] });

    const back = await agent.post(`/api/v1/tickets/${id}/actions/reclassify`, {
      category: 'question',
      reason: 'a how-to question',
    });
    expect(back.body.sla).toMatchObject({ category: 'question', awaitingScopeReview: false });
    expect(clock(back.body.sla, 'first_response')).toMatchObject({ paused: false });

    const timeline = await eventually(
      async () => {
        const events = (await agent.get(`/api/v1/tickets/${id}/timeline`)).body.events as {
          type: string;
          detail: Record<string, unknown>;
        }[];
        return events.filter((e) => e.type === 'reclassified').length === 2 ? events : null;
      },
      10_000,
      'both reclassifications on the timeline',
    );
    expect(
      timeline.filter((e) => e.type === 'reclassified').map((e) => [e.detail.from, e.detail.to, e.detail.reason]),
    ).toEqual([
      ['bug', 'training', 'asks for a course'],
      ['training', 'question', 'a how-to question'],
    ]);
  });
});

describe("the README's three requests", () => {
  it('set up an agreement as written', async () => {
    const readme = fs.readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf("## Set up a customer's agreement in three requests"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    const commands = block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((l) => l.startsWith('curl'));
    expect(commands).toHaveLength(3);
    const answers: { status: number; body: { id: string } }[] = [];
    for (const cmd of commands) {
      const url = /-X POST (\S+)/.exec(cmd)![1]!.replace('http://localhost:3000', stack.baseUrl);
      const body = /-d '([^']*)'/.exec(cmd)![1]!;
      expect(cmd).toContain('Authorization: Bearer $(cat data/admin-key)');
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
        body,
      });
      answers.push({ status: res.status, body: (await res.json()) as { id: string } });
    }
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const org = answers[2]!.body;
    await provenMember('wile@acme.example');
    const ticket = await ticketFor('wile@acme.example');
    expect((await agent.get(`/api/v1/tickets/${ticket.body.id}`)).body).toMatchObject({
      organizationId: org.id,
      slaVersion: `${org.id}@1`,
      sla: { calendar: { id: 'acme-hours', version: 1 }, policy: { id: 'acme-gold', version: 1 } },
    });
    const terms = await stack.desk.agreements.termsFor({ organizationId: org.id });
    expect(terms).toMatchObject({
      agreement: org.id,
      version: 1,
      slaVersion: `${org.id}@1`,
      calendar: { id: 'acme-hours', spec: { timezone: 'America/New_York' } },
      scope: { training: true },
    });
    expect(terms.policy.targets.urgent.firstResponse.minutes).toBe(60);
    expect(await stack.desk.agreements.termsFor({})).toMatchObject({
      agreement: 'default',
      calendar: { id: 'default' },
      scope: { training: false, customDevelopment: false, thirdParty: false },
    });
  });
});
