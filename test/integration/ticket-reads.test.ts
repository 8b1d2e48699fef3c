import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { ClockSnapshot, TicketSnapshot } from '../../domain/ticket-sla';
import { workflowIdFor } from '../../desk/tickets';
import { stateQuery } from '../../workflows/ticket';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { supportHours } from '../support/support-hours';
import { eventually } from '../support/wait';

/**
 * A ticket's page and the API read its SLA state from the projection the workflow writes with every change, and
 * count its clocks on to the moment of the request: with no worker running, an open ticket and a closed one read as
 * the workflow would answer, clocks moving. Support is open around the clock (a business calendar), so the counting
 * does not depend on where the wall clock stands.
 */

let stack: TestStack;
let agent: ApiClient;
let agentKey: string;

beforeAll(async () => {
  stack = await startStack({ sla: { calendar: supportHours('open').calendar, policy: DEFAULT_POLICY } });
  const admin = apiClient(stack.baseUrl, stack.adminKey);
  agentKey = (await admin.post('/api/v1/users', { role: 'agent', name: 'Reed', email: 'reed@support.local' })).body
    .apiKey;
  agent = apiClient(stack.baseUrl, agentKey);
});
afterAll(async () => {
  await stack?.close();
});

const open = (subject: string) =>
  agent.post('/api/v1/tickets', {
    subject,
    description: 'The export fails',
    category: 'bug',
    priority: 'normal',
    customerEmail: 'rosa@example.com',
  });

const clock = (sla: TicketSnapshot, metric: ClockSnapshot['metric']) => sla.clocks.find((c) => c.metric === metric)!;

/** Everything but the minutes a running clock has counted, which move with the instant of the read. */
const standing = (sla: TicketSnapshot) => ({
  ...sla,
  clocks: sla.clocks.map(({ usedMinutes: _u, remainingMinutes: _r, ...c }) => c),
});

describe('reading tickets with no worker running', () => {
  it('answers an open and a closed ticket from the projection, the open one with its clocks counted to now', async () => {
    const { body: running } = await open('Running while nobody works');
    const { body: closing } = await open('Closed before the workers stop');
    const read = async (id: string) => (await agent.get(`/api/v1/tickets/${id}`)).body;
    await eventually(async () => (await read(running.id)).sla?.status === 'acknowledged', 15_000, 'the receipt');
    await agent.post(`/api/v1/tickets/${closing.id}/actions/close`, { reason: 'duplicate' });
    await stack.client.workflow.getHandle(workflowIdFor(closing.id)).result();

    // While the worker runs, the page shows what the workflow answers (but for the minutes counted since).
    const live = await stack.client.workflow.getHandle(workflowIdFor(running.id)).query(stateQuery);
    expect(standing((await read(running.id)).sla)).toEqual(standing(live));

    // A closed ticket whose row was stored before rows carried the whole snapshot.
    const { body: older } = await open('Closed before rows carried the snapshot');
    await eventually(async () => (await read(older.id)).sla?.status === 'acknowledged', 15_000, 'the receipt');
    await agent.post(`/api/v1/tickets/${older.id}/actions/close`, { reason: 'duplicate' });
    await stack.client.workflow.getHandle(workflowIdFor(older.id)).result();
    await stack.store.conn
      .collection('ticket_states')
      .updateOne(
        { _id: older.id as never },
        { $unset: { awaitingScopeReview: 1, live: 1, policy: 1, availableActions: 1, clockStates: 1 } },
      );

    await stack.stopWorker();
    const before = Date.now();
    const page = await agent.get(`/api/v1/tickets/${running.id}`);
    const after = Date.now();
    expect(page.status).toBe(200);
    const sla = page.body.sla as TicketSnapshot & { stale?: boolean };
    expect(sla.stale).toBeUndefined();
    expect(standing(sla)).toEqual(standing(live));
    expect(page.body.actions).toEqual(expect.arrayContaining(['reply', 'assign', 'close']));
    // The first response's clock has counted every minute since receipt (support open throughout), to the read.
    const first = clock(sla, 'first_response');
    const received = new Date(running.receivedAt).getTime();
    const minutes = (t: number) => (t - received) / 60_000;
    expect(first.usedMinutes).toBeGreaterThanOrEqual(Math.floor(minutes(before) * 1000) / 1000);
    expect(first.usedMinutes).toBeLessThanOrEqual(Math.ceil(minutes(after) * 1000) / 1000);
    expect(first.usedMinutes).toBeGreaterThan(clock(live, 'first_response').usedMinutes);
    expect(first.remainingMinutes).toBeCloseTo(first.targetMinutes - first.usedMinutes, 3);

    const done = (await read(closing.id)).sla as TicketSnapshot & { stale?: boolean };
    expect(done).toMatchObject({ status: 'closed', availableActions: [] });
    expect(done.stale).toBeUndefined();
    expect(done.clocks.every((c) => c.stopped)).toBe(true);

    // The older row's ticket: its finished run's own answer, from its close event (no worker replays it).
    const legacy = (await read(older.id)).sla as TicketSnapshot & { stale?: boolean };
    expect(legacy).toMatchObject({ status: 'closed', availableActions: [], policy: done.policy });
    expect(legacy.stale).toBeUndefined();

    // The console's ticket page reads the same way.
    const cookie = await consoleLogin(stack.baseUrl, agentKey);
    const consolePage = await fetch(`${stack.baseUrl}/console/tickets/${running.id}`, { headers: { cookie } });
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('id="clocks"');
  });
});
