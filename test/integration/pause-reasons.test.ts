import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { consoleLogin } from '../support/console';
import { browserLike, signIn } from '../support/portal';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * `pending` with `waitingOn` through the API, on a policy whose `vendor` reason pauses resolution and next response
 * (not the default, so the configured clocks are what is seen): an unknown reason is a 400 naming `waitingOn`,
 * the reason's text stays among agents, and the paused time per reason shows in the ticket and the console.
 */

let stack: TestStack;
let admin: ApiClient;
let customer: ApiClient;
let agent: ApiClient;
let agentKey: string;

beforeAll(async () => {
  stack = await startStack({
    sla: {
      calendar: ALWAYS_OPEN_CALENDAR,
      policy: parsePolicyOverrides({ pauses: { vendor: { clocks: ['resolution', 'next_response'] } } }),
    },
  });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    return res.body.apiKey as string;
  };
  customer = apiClient(stack.baseUrl, await make('customer', 'Alice', 'alice@example.com'));
  agentKey = await make('agent', 'Sam Agent', 'sam@support.local');
  agent = apiClient(stack.baseUrl, agentKey);
  const vendor = await admin.post('/api/v1/vendors', {
    id: 'acme-host',
    name: 'Acme Hosting',
    calendar: '24x7',
    targetMinutes: 240,
    contacts: ['support@acme-hosting.example'],
  });
  expect(vendor.status).toBe(201);
});
afterAll(async () => {
  await stack?.close();
});

type Clock = { metric: string; paused: boolean; stopped: boolean };
const clock = (sla: { clocks: Clock[] }, metric: string) => sla.clocks.find((c) => c.metric === metric)!;

async function ticketWithNextResponse(): Promise<string> {
  const created = await customer.post('/api/v1/tickets', {
    subject: 'Checkout fails',
    description: 'Payments are declined since this morning.',
    category: 'bug',
    priority: 'high',
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await eventually(
    async () => ((await agent.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged' ? true : null),
    10_000,
    'acknowledgement',
  );
  expect((await agent.post(`/api/v1/tickets/${id}/messages`, { body: 'Which card brand?' })).status).toBe(201);
  expect((await customer.post(`/api/v1/tickets/${id}/messages`, { body: 'All of them.' })).status).toBe(201);
  await eventually(
    async () => {
      const sla = (await agent.get(`/api/v1/tickets/${id}`)).body.sla;
      return sla?.clocks.some((c: Clock) => c.metric === 'next_response' && !c.stopped) ? true : null;
    },
    10_000,
    'the next-response clock',
  );
  return id;
}

describe('pending with waitingOn', () => {
  it('answers 400 naming waitingOn for a reason the policy does not have', async () => {
    const id = await ticketWithNextResponse();
    const res = await agent.post(`/api/v1/tickets/${id}/actions/pending`, { waitingOn: 'lunch' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('waitingOn');
    expect(res.body.errors[0].message ?? res.body.detail).toContain('customer, vendor, hold');
    const vendorElsewhere = await agent.post(`/api/v1/tickets/${id}/actions/pending`, {
      waitingOn: 'hold',
      vendor: 'acme-host',
    });
    expect(vendorElsewhere.status).toBe(400);
    expect(vendorElsewhere.body.errors[0].field).toBe('vendor');
    const unknownVendor = await agent.post(`/api/v1/tickets/${id}/actions/pending`, {
      waitingOn: 'vendor',
      vendor: 'nobody-we-know',
    });
    expect(unknownVendor.status).toBe(400);
    expect(unknownVendor.body.errors[0].field).toBe('vendor');
    expect((await agent.get(`/api/v1/tickets/${id}`)).body.status).toBe('open');
  });

  it('pauses the clocks the policy gives the reason, keeps its text among agents, and counts its time', async () => {
    const id = await ticketWithNextResponse();
    const res = await agent.post(`/api/v1/tickets/${id}/actions/pending`, {
      waitingOn: 'vendor',
      vendor: 'acme-host',
      reason: 'Host ticket 42 opened',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('pending_customer');
    const sla = res.body.sla;
    expect(sla.pause).toMatchObject({
      waitingOn: 'vendor',
      label: 'Waiting on a third party',
      vendor: 'acme-host',
      clocks: ['resolution', 'next_response'],
      endsAt: null,
    });
    expect(clock(sla, 'resolution').paused).toBe(true);
    expect(clock(sla, 'next_response').paused).toBe(true);
    // The vendor's own clock runs meanwhile, 24x7 toward its 240 minutes.
    const vendorClock = sla.clocks.find((c: { metric: string }) => c.metric === 'vendor');
    expect(vendorClock).toMatchObject({ vendor: 'acme-host', clock: '24x7', targetMinutes: 240, paused: false });
    expect(new Date(vendorClock.dueAt).getTime() - new Date(sla.pause.since).getTime()).toBe(240 * 60_000);

    // The vendor reason does not tell the customer: its text is an agents' note, and no mail asks them anything.
    const theirs = (await customer.get(`/api/v1/tickets/${id}/messages`)).body.messages as { body: string }[];
    expect(theirs.map((m) => m.body)).not.toContain('Host ticket 42 opened');
    const ours = (await agent.get(`/api/v1/tickets/${id}/messages`)).body.messages as { body: string; kind: string }[];
    expect(ours.find((m) => m.body === 'Host ticket 42 opened')?.kind).toBe('internal_note');
    const asCustomer = (await customer.get(`/api/v1/tickets/${id}`)).body.sla;
    expect(asCustomer.pause).toBeUndefined();
    // They read what it waits on in the reason's words, on the API and on their private page.
    expect(asCustomer.waitingOn).toBe('Waiting on a third party');
    const privatePage = await (await fetch(`${stack.baseUrl}${stack.desk.links.customerPath(id)}`)).text();
    expect(privatePage).toContain('<strong id="ticket-status">Waiting on a third party</strong>');
    expect(privatePage).not.toContain('acme');
    const portal = browserLike(stack.baseUrl);
    await signIn(portal, inject('outboxDir'), 'alice@example.com');
    const portalPage = await eventually(
      async () => {
        const page = (await portal.get(`/portal/tickets/${id}`)).page;
        return page.includes('<strong id="ticket-status">Waiting on a third party</strong>') ? page : null;
      },
      10_000,
      'the portal page',
    );
    expect(portalPage).not.toContain('acme');
    expect(asCustomer.clocks.map((c: { metric: string }) => c.metric)).not.toContain('vendor');

    // The customer's message ends the wait.
    expect((await customer.post(`/api/v1/tickets/${id}/messages`, { body: 'Any news?' })).status).toBe(201);
    const events = await eventually(
      async () => {
        const e = (await agent.get(`/api/v1/tickets/${id}/timeline`)).body.events as {
          type: string;
          at: string;
          detail?: Record<string, unknown>;
        }[];
        return e.some((x) => x.type === 'pause_ended') ? e : null;
      },
      10_000,
      'the pause to end',
    );
    const ended = events.find((e) => e.type === 'pause_ended')!;
    const lasted = (new Date(ended.at).getTime() - new Date(String(ended.detail!.since)).getTime()) / 60_000;
    expect(ended.detail).toMatchObject({ waitingOn: 'vendor', vendor: 'acme-host', endedBy: 'customer_reply' });
    // 24/7 calendar: the business minutes paused are the wall minutes between the pause and the message.
    expect(Math.abs(Number(ended.detail!.businessMinutesPaused) - lasted)).toBeLessThan(0.001);

    // The customer's timeline says what the ticket waited on, in the reason's words, and nothing of the vendor.
    const theirEvents = (await customer.get(`/api/v1/tickets/${id}/timeline`)).body.events as {
      type: string;
      detail?: Record<string, unknown>;
    }[];
    const theirEnd = theirEvents.find((e) => e.type === 'pause_ended')!;
    expect(theirEnd.detail).toMatchObject({ label: 'Waiting on a third party', endedBy: 'customer_reply' });
    expect(JSON.stringify(theirEvents)).not.toContain('acme');

    const after = (await agent.get(`/api/v1/tickets/${id}`)).body.sla;
    expect(after.pause).toBeNull();
    expect(after.pausedTime).toEqual([
      {
        waitingOn: 'vendor',
        pauses: 1,
        businessMinutes: ended.detail!.businessMinutesPaused,
        minutes: ended.detail!.minutesPaused,
      },
    ]);
    expect(clock(after, 'resolution').paused).toBe(false);

    // The report counts the pauses that ended in its period, per reason.
    const from = new Date(new Date(ended.at).getTime() - 60_000).toISOString();
    const to = new Date(new Date(ended.at).getTime() + 60_000).toISOString();
    const report = (await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}`)).body;
    expect(report.pausedTime).toEqual([
      {
        waitingOn: 'vendor',
        pauses: 1,
        businessMinutes: ended.detail!.businessMinutesPaused,
        minutes: ended.detail!.minutesPaused,
      },
    ]);
    expect(report.vendors).toEqual([
      {
        vendor: 'acme-host',
        vendorName: 'Acme Hosting',
        met: 1,
        missed: 0,
        breached: 0,
        completed: 1,
        attainment: 1,
        medianMinutes: ended.detail!.vendorMinutesUsed,
      },
    ]);
    const otherOrganization = await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}&organization=org-none-such`);
    expect(otherOrganization.body.pausedTime).toEqual([]);

    // The console's explanation of the ticket's deadlines lists the paused time per reason.
    const cookie = await consoleLogin(stack.baseUrl, agentKey);
    const page = await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie } })).text();
    const section = /<section id="paused-time">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(section).toContain('Paused time per reason');
    expect(section).toMatch(/<tr data-waiting-on="vendor">\s*<td>Waiting on a third party<\/td>\s*<td>1<\/td>/);
  });

  it('takes vendors on a named calendar or 24x7, refusing an unknown calendar and a taken id', async () => {
    const unknown = await admin.post('/api/v1/vendors', {
      id: 'gateway',
      name: 'Payment Gateway',
      calendar: 'no-such-hours',
      targetMinutes: 60,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('calendar');
    const named = await admin.post('/api/v1/vendors', {
      id: 'gateway',
      name: 'Payment Gateway',
      calendar: 'default',
      targetMinutes: 60,
    });
    expect(named.status).toBe(201);
    const taken = await admin.post('/api/v1/vendors', {
      id: 'gateway',
      name: 'Other',
      calendar: '24x7',
      targetMinutes: 5,
    });
    expect(taken.status).toBe(409);
    expect(
      (await agent.post('/api/v1/vendors', { id: 'x', name: 'X', calendar: '24x7', targetMinutes: 5 })).status,
    ).toBe(403);
    const listed = (await agent.get('/api/v1/vendors')).body.items.map((v: { id: string }) => v.id);
    expect(listed).toEqual(['acme-host', 'gateway']);
    expect((await agent.get('/api/v1/vendors/gateway')).body).toMatchObject({ calendar: 'default', contacts: [] });
  });

  it("the console's pending form offers the policy's reasons and the vendors, and sets the ticket waiting", async () => {
    const id = await ticketWithNextResponse();
    const cookie = await consoleLogin(stack.baseUrl, agentKey);
    const page = await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie } })).text();
    const form = /<form[^>]*id="action-pending"[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
    const options = [...form.matchAll(/<option value="([^"]*)">\s*([^<]*?)\s*<\/option>/g)].map((m) => [m[1], m[2]]);
    expect(options).toEqual([
      ['customer', 'Waiting on you (the customer is told the reason)'],
      ['vendor', 'Waiting on a third party (the reason stays internal)'],
      ['hold', 'On hold at your request (the reason stays internal) — ends by itself after 40 h 0 min'],
      ['', '—'],
      ['acme-host', 'Acme Hosting'],
      ['gateway', 'Payment Gateway'],
    ]);
    const token = /name="csrf" value="([^"]+)"/.exec(form)![1]!;
    const posted = await fetch(`${stack.baseUrl}/console/tickets/${id}/actions/pending`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: token, waitingOn: 'vendor', vendor: 'acme-host', reason: '' }).toString(),
    });
    expect(posted.status).toBe(303);
    const sla = (await agent.get(`/api/v1/tickets/${id}`)).body.sla;
    expect(sla.pause).toMatchObject({ waitingOn: 'vendor', vendor: 'acme-host' });
    const after = await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie } })).text();
    expect(after).toMatch(/<tr data-metric="vendor" data-state="running" data-vendor="acme-host">/);
    expect(after).toContain('id="waiting-on" data-waiting-on="vendor"');
  });

  it('refuses a policy whose reason has an unknown field, naming it', async () => {
    const res = await admin.put('/api/v1/sla/policies/default', { pauses: { vendor: { colour: 'red' } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toContain('pauses.vendor');
    const clocks = await admin.put('/api/v1/sla/policies/default', { pauses: { vendor: { clocks: ['vendor'] } } });
    expect(clocks.status).toBe(400);
    expect(clocks.body.errors[0].field).toBe('pauses.vendor.clocks[0]');
  });
});
