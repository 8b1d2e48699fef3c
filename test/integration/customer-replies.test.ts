import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalOf } from '../../desk/principal';
import { workflowIdFor } from '../../desk/tickets';
import { customerReplyUpdate, customerReplyUpdateId, liveSessionRequestUpdate } from '../../workflows/ticket';
import { recordHistory } from '../support/histories';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { refusal } from '../support/updates';
import { eventually } from '../support/wait';

/**
 * A customer's message and live-session request are Temporal updates: one to a closed ticket is refused and changes
 * nothing (not the thread, the timeline, the projection or the workflow's history), and one message delivered twice
 * counts once.
 */

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let alice: ApiClient;
const ALICE = 'alice-replies@example.com';
/** A webhook subscriber that is down: each delivery to it is retried, holding a finished ticket's run open. */
let down: http.Server;
let deliveries = 0;

beforeAll(async () => {
  down = http.createServer((_req, res) => {
    deliveries += 1;
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', () => resolve()));
  stack = await startStack({ webhookAllowHosts: ['127.0.0.1'] });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const key = async (role: string, email: string) =>
    (await admin.post('/api/v1/users', { role, name: email, email })).body.apiKey as string;
  agent = apiClient(stack.baseUrl, await key('agent', 'agent-replies@support.local'));
  alice = apiClient(stack.baseUrl, await key('customer', ALICE));
});
afterAll(async () => {
  await stack?.close();
  down?.closeAllConnections();
  await new Promise((resolve) => down?.close(resolve));
});

async function openTicket(subject: string): Promise<{ id: string; handle: WorkflowHandle }> {
  const { body } = await alice.post('/api/v1/tickets', { subject, description: 'Export fails', category: 'bug' });
  await eventually(
    async () => (await stack.store.ticketStates.get(body.id))?.status === 'acknowledged',
    15_000,
    'the receipt',
  );
  return { id: body.id, handle: stack.client.workflow.getHandle(workflowIdFor(body.id)) };
}

/** What a refused message must leave as it was. */
async function everything(id: string, handle: WorkflowHandle) {
  return {
    thread: (await agent.get(`/api/v1/tickets/${id}/messages`)).body,
    timeline: (await agent.get(`/api/v1/tickets/${id}/timeline`)).body,
    row: await stack.store.ticketStates.get(id),
    attachments: await stack.store.attachments.forTicket(id, 'any'),
    history: (await handle.fetchHistory()).events!.length,
  };
}

const updatesNamed = (history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>, name: string) =>
  history.events!.filter(
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name,
  );

describe("a closed ticket's customer", () => {
  it('is refused a reply or a live session, and nothing changes', async () => {
    const { id, handle } = await openTicket('Closed, then written to');
    await agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'fixed in 4.2' });
    await handle.result();
    const before = await everything(id, handle);

    const reply = await alice.post(`/api/v1/tickets/${id}/messages`, { body: 'One more thing' });
    expect(reply.status).toBe(409);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body.detail).toBe('the ticket is closed; please open a new ticket');
    const live = await alice.post(`/api/v1/tickets/${id}/live-session`, {
      action: 'request',
      tool: 'google-meet',
      preferredTimes: ['evenings'],
    });
    expect(live.status).toBe(409);
    expect(live.body.detail).toBe('the ticket is closed; please open a new ticket');
    expect(await everything(id, handle)).toEqual(before);
  });

  it('is refused by the workflow when the projection still says open, and what was written goes again', async () => {
    const { id, handle } = await openTicket('Closed while its row lags');
    await agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'fixed in 4.2' });
    await handle.result();
    // A row that has not caught up yet (its write retried): the desk lets the message through to Temporal.
    const row = (await stack.store.ticketStates.get(id))!;
    await stack.store.ticketStates.upsert({ ...row, version: row.version + 1, status: 'open' });
    const before = await everything(id, handle);

    const customer = principalOf((await stack.store.users.byEmail(ALICE))!);
    const refused = stack.desk.actions.addMessage(customer, id, {
      body: 'Screenshot attached',
      files: [{ filename: 'shot.png', contentType: 'image/png', data: Buffer.from('89504e470d0a1a0a', 'hex') }],
    });
    await expect(refused).rejects.toMatchObject({ code: 'invalid_transition' });
    expect(await everything(id, handle)).toEqual(before);
  });

  it("is refused by the workflow's validator while the run still owes a webhook, and its history stays as it was", async () => {
    const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/hook`;
    expect((await admin.post('/api/v1/webhooks', { url, events: ['resolved'] })).status).toBe(201);
    const { id, handle } = await openTicket('Resolved and closed, a webhook still owed');
    await agent.post(`/api/v1/tickets/${id}/actions/resolve`, { body: 'Fixed in 4.2' });
    await agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'confirmed' });
    await eventually(async () => deliveries > 0, 15_000, 'a first delivery of the resolved event');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const events = (await handle.fetchHistory()).events!.length;

    const reply = handle.executeUpdate(customerReplyUpdate, {
      args: [{ messageId: 'M-late' }],
      updateId: customerReplyUpdateId('M-late'),
    });
    expect(await refusal(reply)).toBe('the ticket is closed; please open a new ticket');
    const live = handle.executeUpdate(liveSessionRequestUpdate, { args: [{ tool: 'teamviewer', preferredTimes: [] }] });
    expect(await refusal(live)).toBe('the ticket is closed; please open a new ticket');
    expect((await handle.fetchHistory()).events!.length).toBe(events);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

describe("a customer's message delivered twice", () => {
  it('is recorded once: one thread entry, one change of the ticket, one update in its history', async () => {
    const { id, handle } = await openTicket('Waiting on the logs');
    await agent.post(`/api/v1/tickets/${id}/actions/pending`, { reason: 'Please send the logs' });
    const customer = principalOf((await stack.store.users.byEmail(ALICE))!);
    const deliver = () =>
      stack.desk.actions.addMessage(customer, id, { body: 'Here are the logs', channel: 'email', id: 'E-logs-once' });

    const first = await deliver();
    const second = await deliver();
    expect(first.sla).toMatchObject({ status: 'open' });
    expect(second.sla).toEqual(first.sla);
    const thread = (await agent.get(`/api/v1/tickets/${id}/messages`)).body.messages as { id: string }[];
    expect(thread.filter((m) => m.id === 'E-logs-once')).toHaveLength(1);
    const timeline = (await agent.get(`/api/v1/tickets/${id}/timeline`)).body.events as { type: string }[];
    expect(timeline.filter((e) => e.type === 'resumed')).toHaveLength(1);
    expect(updatesNamed(await handle.fetchHistory(), 'addCustomerReply')).toHaveLength(1);
    // Right after the answer the page reads the change (the projection is written before the update answers).
    expect((await agent.get(`/api/v1/tickets/${id}`)).body.sla).toMatchObject({ status: 'open' });

    // For the replay test: a run that took a customer's message and a live-session request as updates.
    const asked = await alice.post(`/api/v1/tickets/${id}/live-session`, {
      action: 'request',
      tool: 'google-meet',
      preferredTimes: ['evenings'],
    });
    expect(asked.body).toMatchObject({ live: { status: 'requested', tool: 'google-meet' } });
    await agent.post(`/api/v1/tickets/${id}/actions/close`, { reason: 'logs were enough' });
    await handle.result();
    await recordHistory('customer-updates-a-message-delivered-twice-and-a-live-session-request', handle);
  });
});
