import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let customer: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, email: string) =>
    apiClient(stack.baseUrl, (await admin.post('/api/v1/users', { role, name: role, email })).body.apiKey);
  agent = await make('agent', 'agent@support.local');
  customer = await make('customer', 'cust@example.com');
});
afterAll(async () => {
  await stack?.close();
});

describe('support hours and previews', () => {
  it('says whether support is open and when that changes, in the caller zone too', async () => {
    const res = await customer.get('/api/v1/sla/status?zone=America/Los_Angeles');
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('UTC-5');
    const next = res.body.open ? res.body.closesAt : res.body.opensAt;
    expect(next.local).toMatch(/(22|06):00 EST$/);
    expect(next.callerLocal).toMatch(/ P[SD]T$/);
    const bad = await customer.get('/api/v1/sla/status?zone=Mars/Olympus');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('zone');
  });

  it('previews the SLA example: Thursday 07:00 EST → first response Tuesday 06:00 EST, explained', async () => {
    // 2026-12-03 is an ordinary Thursday.
    const res = await customer.get('/api/v1/sla/preview?receivedAt=2026-12-03T12:00:00Z&priority=normal');
    expect(res.status).toBe(200);
    const first = res.body.due.find((d: { metric: string }) => d.metric === 'first_response');
    expect(first.dueAt.at).toBe('2026-12-08T11:00:00.000Z');
    expect(first.dueAt.local).toBe('Tue 2026-12-08 06:00 EST');
    expect(first.explanation.periods).toHaveLength(3);
    expect(res.body.due.find((d: { metric: string }) => d.metric === 'resolution').targetMinutes).toBe(40 * 60);
    expect((await customer.get('/api/v1/sla/preview?receivedAt=yesterday')).status).toBe(400);
  });
});

describe('versioned policies and calendars', () => {
  it('keeps each ticket on the version it was opened under until an admin re-times open tickets', async () => {
    const before = await admin.post('/api/v1/tickets', {
      subject: 'Old policy',
      description: 'd',
      category: 'bug',
      priority: 'urgent',
      customerEmail: 'cust@example.com',
    });
    expect(before.body.sla.policyVersion).toBe(1);
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${before.body.id}`)).body.status === 'acknowledged',
      10_000,
      'acknowledgement',
    );

    expect(
      (await agent.put('/api/v1/sla/policies/default', { targets: { urgent: { resolutionMinutes: 240 } } })).status,
    ).toBe(403);
    const invalid = await admin.put('/api/v1/sla/policies/default', { warningAt: 2 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toContain('warningAt');
    const put = await admin.put('/api/v1/sla/policies/default', { targets: { urgent: { resolutionMinutes: 240 } } });
    expect(put.status).toBe(201);
    expect(put.body.version).toBe(2);
    expect(
      (await admin.get('/api/v1/sla/policies/default/versions')).body.versions.map(
        (v: { version: number }) => v.version,
      ),
    ).toEqual([1, 2]);

    const after = await admin.post('/api/v1/tickets', {
      subject: 'New policy',
      description: 'd',
      category: 'bug',
      priority: 'urgent',
      customerEmail: 'cust@example.com',
    });
    expect(after.body.sla.policyVersion).toBe(2);
    expect(after.body.sla.clocks.find((c: { metric: string }) => c.metric === 'resolution').targetMinutes).toBe(240);
    expect((await agent.get(`/api/v1/tickets/${before.body.id}`)).body.sla.policyVersion).toBe(1);

    const retimed = await admin.post('/api/v1/sla/policies/default/retime-open-tickets', {});
    expect(retimed.status).toBe(200);
    expect(retimed.body.retimed).toBeGreaterThanOrEqual(1);
    const moved = (await agent.get(`/api/v1/tickets/${before.body.id}`)).body.sla;
    expect(moved.policyVersion).toBe(2);
    expect(moved.clocks.find((c: { metric: string }) => c.metric === 'resolution').targetMinutes).toBe(240);
    // A rerun under the same terms (a retried request) is the same update: the ticket is retimed once.
    expect((await admin.post('/api/v1/sla/policies/default/retime-open-tickets', {})).status).toBe(200);
    const retimes = await stack.store.slaEvents.forTicket(before.body.id);
    expect(retimes.filter((e) => e.type === 'retimed')).toHaveLength(1);

    const audit = await stack.store.audit.recent();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['policy.update', 'tickets.retime']));
  });

  it('opens a mail ticket under the policy version in force, like every other channel', async () => {
    const put = await admin.put('/api/v1/sla/policies/default', { targets: { high: { resolutionMinutes: 1200 } } });
    expect(put.status).toBe(201);
    const mime = `From: mail-sla@example.com\r\nTo: support@desk.test\r\nSubject: Mail after a revision\r\nMessage-ID: <sla-${Date.now()}@example.com>\r\n\r\nHello.\r\n`;
    const res = await fetch(`${stack.baseUrl}/api/v1/inbound/email`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${stack.inboundToken}` },
      body: mime,
    });
    expect(res.status).toBe(202);
    const { ticketId } = (await res.json()) as { ticketId: string };
    const ticket = (await admin.get(`/api/v1/tickets/${ticketId}`)).body;
    expect(ticket.channel).toBe('email');
    expect(ticket.slaVersion).toBe(`default@${put.body.version}`);
    expect(ticket.sla.policyVersion).toBe(put.body.version);
  });

  it('refuses a policy whose first response is due after its resolution, naming the field, and keeps the version', async () => {
    const before = (await admin.get('/api/v1/sla/policies/default')).body.version;
    const res = await admin.put('/api/v1/sla/policies/default', {
      targets: { urgent: { firstResponseMinutes: 600, resolutionMinutes: 480 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toContain('targets.urgent.firstResponse');
    expect((await admin.get('/api/v1/sla/policies/default')).body.version).toBe(before);
  });

  it('refuses an invalid calendar naming the field, and stores a valid one as a new version', async () => {
    const bad = await admin.put('/api/v1/sla/calendars/default', {
      timezone: 'UTC-5',
      windows: [{ day: 'sunday', open: '24:30', close: '06:00' }],
      holidays: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('windows[0].open');
    const good = await admin.put('/api/v1/sla/calendars/default', {
      timezone: 'America/New_York',
      windows: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'].map((day) => ({
        day,
        open: '22:00',
        close: '06:00',
      })),
      holidays: ['2026-12-24'],
    });
    expect(good.status).toBe(201);
    expect(good.body.version).toBe(2);
    expect((await customer.get('/api/v1/sla/status')).body.timezone).toBe('America/New_York');
    expect((await admin.get('/api/v1/sla/calendars/default/versions/1')).body.body.timezone).toBe('UTC-5');
  });
});

describe('the attainment report', () => {
  it('counts met first responses per priority with business-minute percentiles', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const t = await admin.post('/api/v1/tickets', {
      subject: 'Report me',
      description: 'd',
      category: 'bug',
      priority: 'low',
      customerEmail: 'cust@example.com',
    });
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${t.body.id}`)).body.status === 'acknowledged',
      10_000,
      'acknowledgement',
    );
    expect((await agent.post(`/api/v1/tickets/${t.body.id}/messages`, { body: 'On it' })).status).toBe(201);
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await eventually(
      async () => {
        const r = await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}`);
        return r.body.rows?.some(
          (x: { priority: string; metric: string }) => x.priority === 'low' && x.metric === 'first_response',
        )
          ? r.body
          : null;
      },
      10_000,
      'the report row',
    );
    const row = report.rows.find(
      (x: { priority: string; metric: string }) => x.priority === 'low' && x.metric === 'first_response',
    );
    expect(row).toMatchObject({ met: 1, missed: 0, completed: 1, attainment: 1 });
    expect(row.medianBusinessMinutes).toBeGreaterThanOrEqual(0);
    expect((await customer.get(`/api/v1/reports/sla?from=${from}&to=${to}`)).status).toBe(403);
    expect((await agent.get(`/api/v1/reports/sla?from=${to}&to=${from}`)).status).toBe(400);
  });
});
