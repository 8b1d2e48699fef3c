import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ticketView } from '../../api/web/view';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/** Every piece of text a person types lands in the thread with its kind, visible where it belongs. */

let stack: TestStack;
let admin: ApiClient;
let customer: ApiClient;
let agent: ApiClient;
let customerId: string;

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) =>
    (await admin.post('/api/v1/users', { role, name, email })).body;
  const c = await make('customer', 'Ada', 'ada-thread@example.com');
  customerId = c.id;
  customer = apiClient(stack.baseUrl, c.apiKey);
  agent = apiClient(stack.baseUrl, (await make('agent', 'Sam Agent', 'sam-thread@support.local')).apiKey);
});
afterAll(async () => {
  await stack?.close();
});

type Message = { kind: string; body: string; internal: boolean; authorRole: string };

describe('the thread of a ticket worked from receipt to close', () => {
  let id: string;
  const expectStatus = async (res: Promise<{ status: number; body: unknown }>, status: number) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r;
  };

  beforeAll(async () => {
    id = (
      await customer.post('/api/v1/tickets', {
        subject: 'Login fails',
        description: 'Error 500',
        category: 'bug',
        priority: 'high',
      })
    ).body.id;
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
      15_000,
      'acknowledgement',
    );
    await expectStatus(agent.post(`/api/v1/tickets/${id}/messages`, { body: 'Which browser do you use?' }), 201);
    await expectStatus(
      agent.post(`/api/v1/tickets/${id}/messages`, { body: 'Probably the new proxy.', internal: true }),
      201,
    );
    await expectStatus(
      agent.post(`/api/v1/tickets/${id}/actions/pending`, { reason: 'Please send the exact browser version.' }),
      200,
    );
    await expectStatus(customer.post(`/api/v1/tickets/${id}/messages`, { body: 'Firefox 128.0.3' }), 201);
    await expectStatus(agent.post(`/api/v1/tickets/${id}/actions/escalate`, { reason: 'Proxy team owns this' }), 200);
    await expectStatus(agent.post(`/api/v1/tickets/${id}/actions/reply`, { body: 'We reproduced it.' }), 200);
    await expectStatus(agent.post(`/api/v1/tickets/${id}/actions/resolve`, { body: 'Fixed in release 2.4.' }), 200);
    await expectStatus(
      agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'Confirmed fixed by the customer.' }),
      200,
    );
  });

  it('GET …/messages gives agents every text in order, each with its kind', async () => {
    const messages: Message[] = (await agent.get(`/api/v1/tickets/${id}/messages`)).body.messages;
    expect(messages.map((m) => [m.kind, m.body])).toEqual([
      ['reply', 'Which browser do you use?'],
      ['internal_note', 'Probably the new proxy.'],
      ['pending_reason', 'Please send the exact browser version.'],
      ['message', 'Firefox 128.0.3'],
      ['escalation_reason', 'Proxy team owns this'],
      ['reply', 'We reproduced it.'],
      ['resolution_note', 'Fixed in release 2.4.'],
      ['close_reason', 'Confirmed fixed by the customer.'],
    ]);
    expect(messages.filter((m) => m.internal).map((m) => m.kind)).toEqual(['internal_note', 'escalation_reason']);
  });

  it('gives the customer what was meant for them, in the API and on the private page, never internal reasons', async () => {
    const visible = ['reply', 'pending_reason', 'message', 'reply', 'resolution_note', 'close_reason'];
    const messages: Message[] = (await customer.get(`/api/v1/tickets/${id}/messages`)).body.messages;
    expect(messages.map((m) => m.kind)).toEqual(visible);
    const ticket = (await customer.get(`/api/v1/tickets/${id}`)).body;
    expect(ticket.thread.map((m: Message) => m.kind)).toEqual(visible);
    // The private page reads the ticket through the same desk call as the customer.
    const principal = {
      id: customerId,
      role: 'customer' as const,
      email: 'ada-thread@example.com',
      name: 'Ada',
      trainingIncluded: false,
    };
    const page = await stack.desk.tickets.get(principal, id);
    const view = ticketView(stack.desk.sla(), page.ticket, page.sla, page.thread);
    expect(view.thread.map((m) => m.body)).toEqual(messages.map((m) => m.body));
    expect(JSON.stringify(view)).not.toMatch(/proxy/i);
  });

  it('keeps the reason of an escalation out of the customer timeline, and in the agents one', async () => {
    const escalated = (who: ApiClient) =>
      who
        .get(`/api/v1/tickets/${id}/timeline`)
        .then((r) => r.body.events.find((e: { type: string }) => e.type === 'escalated'));
    expect((await escalated(agent)).detail.reason).toMatch(/Proxy team owns this/);
    const seen = await escalated(customer);
    expect(seen).toMatchObject({ type: 'escalated', level: 'L2' });
    expect(JSON.stringify(seen)).not.toMatch(/Proxy team/);
  });

  it('mails the customer the pending reason, the reply and the resolution note', async () => {
    const mails = await eventually(
      async () => {
        const m = await mailsFor(inject('outboxDir'), id);
        return m.filter((x) => x.headers.get('x-notification-kind') !== 'acknowledgement').length >= 3 ? m : null;
      },
      15_000,
      'the customer mails',
    );
    const text = (kind: string) =>
      mails.filter((m) => m.headers.get('x-notification-kind') === kind).map((m) => m.text ?? '');
    expect(text('awaiting_customer').join()).toContain('Please send the exact browser version.');
    expect(text('agent_reply').join()).toContain('We reproduced it.');
    expect(text('resolution').join()).toContain('Fixed in release 2.4.');
    // The escalation reason reaches L2 only, never the customer.
    const toCustomer = mails.filter((m) => JSON.stringify(m.to).includes('ada-thread@example.com'));
    expect(toCustomer.length).toBeGreaterThanOrEqual(4);
    expect(toCustomer.map((m) => m.text ?? '').join()).not.toMatch(/proxy/i);
  });
});

describe('action fields', () => {
  it('refuses a field the action would drop, naming it, and changes nothing', async () => {
    const id = (
      await customer.post('/api/v1/tickets', {
        subject: 'Export',
        description: 'd',
        category: 'bug',
        priority: 'normal',
      })
    ).body.id;
    const refused = await agent.post(`/api/v1/tickets/${id}/actions/resolve`, { reason: 'Fixed in release 2.4' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('reason');
    expect((await agent.get(`/api/v1/tickets/${id}/messages`)).body.messages).toEqual([]);
    expect((await agent.get(`/api/v1/tickets/${id}`)).body.status).not.toBe('resolved');
  });

  it('takes a refused transition back out of the thread', async () => {
    const id = (
      await customer.post('/api/v1/tickets', {
        subject: 'Import',
        description: 'd',
        category: 'bug',
        priority: 'normal',
      })
    ).body.id;
    expect((await agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'duplicate' })).status).toBe(200);
    expect((await agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'again' })).status).toBe(409);
    expect((await agent.get(`/api/v1/tickets/${id}/messages`)).body.messages.map((m: Message) => m.body)).toEqual([
      'duplicate',
    ]);
  });
});
