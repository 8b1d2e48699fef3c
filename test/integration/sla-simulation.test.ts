import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The what-if through the API over tickets worked through the API (receipt, replies, a priority change, pauses
 * with reasons, customers' answers, resolutions, a reopening, a close) on a 24/7 calendar, so business minutes are
 * wall minutes and a first response given after the acknowledgement is late under a proposal of 6 ms.
 * The self-check reads the terms from the store as the API does (desk/sla-simulation-terms.ts); the test stack's
 * own check, as it closes, reads them from each workflow's history.
 */

let stack: TestStack;
let admin: ApiClient;
let customer: ApiClient;
let agent: ApiClient;
const from = new Date(Date.now() - 60_000).toISOString();
const ids: Record<string, string> = {};
/** 6 ms: any answer comes later than that after its receipt (the acknowledgement alone is a round trip of its own). */
const TIGHT_MINUTES = 0.0001;

beforeAll(async () => {
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy: DEFAULT_POLICY } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    return res.body.apiKey as string;
  };
  customer = apiClient(stack.baseUrl, await make('customer', 'Alice', 'alice@example.com'));
  agent = apiClient(stack.baseUrl, await make('agent', 'Sam Agent', 'sam@support.local'));

  const open = async (priority: string) => {
    const res = await customer.post('/api/v1/tickets', {
      subject: `What-if ${priority}`,
      description: 'Something is wrong.',
      category: 'bug',
      priority,
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await eventually(
      async () => ((await agent.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged' ? true : null),
      10_000,
      'acknowledgement',
    );
    return id;
  };
  const act = async (id: string, action: string, body: object = {}) =>
    expect((await agent.post(`/api/v1/tickets/${id}/actions/${action}`, body)).status).toBe(200);
  const say = async (who: ApiClient, id: string, body: string) =>
    expect((await who.post(`/api/v1/tickets/${id}/messages`, { body })).status).toBe(201);

  // Answered after a couple of seconds, resolved.
  ids.answered = await open('normal');
  await say(agent, ids.answered, 'Looking into it.');
  await act(ids.answered, 'resolve', { body: 'Fixed.' });
  // A conversation: a reply, a priority change, a pause with a reason, the customer's answers, a reopening, a close.
  ids.conversation = await open('high');
  await say(agent, ids.conversation, 'Which browser?');
  await act(ids.conversation, 'priority', { priority: 'urgent' });
  await say(customer, ids.conversation, 'Firefox.');
  await act(ids.conversation, 'pending', { waitingOn: 'hold', reason: 'Waiting for your maintenance window' });
  await say(customer, ids.conversation, 'Window is open now.');
  await act(ids.conversation, 'resolve', { body: 'Done.' });
  await say(customer, ids.conversation, 'It broke again.');
  await act(ids.conversation, 'close', { reason: 'duplicate of another ticket' });
  // Still open, waiting on the customer.
  ids.waiting = await open('low');
  await act(ids.waiting, 'pending', { waitingOn: 'customer', reason: 'Please send a screenshot' });
  // Still open, never answered.
  ids.silent = await open('urgent');
  await eventually(
    async () => ((await agent.get(`/api/v1/tickets/${ids.conversation}`)).body.status === 'closed' ? true : null),
    10_000,
    'the close',
  );
});
afterAll(async () => {
  await stack?.close();
});

const window = () => ({ from, to: new Date(Date.now() + 60_000).toISOString() });

describe('the self-check', () => {
  it('replays every ticket of the window under its pinned terms to its recorded outcomes', async () => {
    const { checked, mismatches, skipped } = await stack.desk.simulations.selfCheck(
      new Date(window().from),
      new Date(window().to),
    );
    expect(skipped).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(checked).toBe(Object.keys(ids).length);
  });
});

describe('POST /api/v1/sla/simulations', () => {
  it('under the terms in force changes nothing', async () => {
    const res = await admin.post('/api/v1/sla/simulations', window());
    expect(res.status).toBe(200);
    expect(res.body.tickets).toBe(4);
    expect(res.body.changed).toEqual([]);
    for (const line of res.body.attainment) expect(line.proposed).toEqual(line.current);
    // `organization`: these customers have none; another organization's window is empty.
    const none = await admin.post('/api/v1/sla/simulations', { ...window(), organization: 'none' });
    expect(none.body).toMatchObject({ organization: 'none', tickets: 4 });
    const other = await admin.post('/api/v1/sla/simulations', { ...window(), organization: 'org-elsewhere' });
    expect(other.body).toMatchObject({ tickets: 0, attainment: [], changed: [], open: [] });
  });

  it('a tighter first response flips the ticket answered after its receipt, both deadlines explained', async () => {
    const tighter = { targets: { normal: { firstResponse: { minutes: TIGHT_MINUTES, clock: 'business' } } } };
    const res = await admin.post('/api/v1/sla/simulations', { ...window(), policy: tighter });
    expect(res.status).toBe(200);
    expect(res.body.proposal).toEqual({ policy: 'draft' });
    const changed = res.body.changed.find((t: { id: string }) => t.id === ids.answered);
    expect(changed.clocks).toHaveLength(1);
    const [clock] = changed.clocks;
    expect(clock).toMatchObject({
      clock: 'first_response',
      current: { outcome: 'met' },
      proposed: { outcome: 'breached' },
    });
    expect(clock.current.explanation.join('\n')).toContain('Needs:     1440 min');
    expect(clock.proposed.explanation.join('\n')).toContain('Deadline:');
    expect(Date.parse(clock.proposed.dueAt) - Date.parse(clock.current.dueAt)).toBeLessThan(0);
    const line = res.body.attainment.find(
      (l: { clock: string; priority: string }) => l.clock === 'first_response' && l.priority === 'normal',
    );
    expect(line.current).toMatchObject({ met: 1, breached: 0, attainment: 1 });
    expect(line.proposed).toMatchObject({ met: 0, breached: 1, attainment: 0 });
    // The open tickets: their due instants now, and if re-timed to the proposal now.
    expect(res.body.open.map((t: { id: string }) => t.id).sort()).toEqual([ids.waiting, ids.silent].sort());
  });

  it('answers CSV for Accept: text/csv and for ?format=csv', async () => {
    const tighter = { targets: { normal: { firstResponse: { minutes: TIGHT_MINUTES, clock: 'business' } } } };
    const variants: [string, string][] = [
      ['/api/v1/sla/simulations', 'text/csv'],
      ['/api/v1/sla/simulations?format=csv', '*/*'],
    ];
    for (const [path, accept] of variants) {
      const res = await fetch(`${stack.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json', accept },
        body: JSON.stringify({ ...window(), policy: tighter }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await res.text()).trim().split('\r\n');
      expect(lines[0]).toBe(
        'ticket_id,organization_id,priority,clock,cycle,current_outcome,current_due_at,proposed_outcome,proposed_due_at,changed',
      );
      expect(lines.find((l) => l.startsWith(`${ids.answered},,normal,first_response,1,met,`))).toMatch(
        /,breached,.*,yes$/,
      );
    }
  });

  it('names the field of a bad proposal, refuses unknown names and agents', async () => {
    const bad = await admin.post('/api/v1/sla/simulations', {
      ...window(),
      policy: { targets: { high: { firstResponse: { minutes: -1 } } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'policy.targets.high.firstResponse.minutes' })]);
    const unknown = await admin.post('/api/v1/sla/simulations', { ...window(), calendar: 'nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'calendar' })]);
    const backwards = await admin.post('/api/v1/sla/simulations', { from: window().to, to: window().from });
    expect(backwards.status).toBe(400);
    expect((await agent.post('/api/v1/sla/simulations', window())).status).toBe(403);
  });
});

describe('after a re-timing', () => {
  it('replays the re-timed tickets under the terms they were opened under, then those they moved to', async () => {
    const put = await admin.put('/api/v1/sla/policies/default', { targets: { low: { resolutionMinutes: 6000 } } });
    expect(put.status).toBe(201);
    const retimed = await admin.post('/api/v1/sla/policies/default/retime-open-tickets', {});
    expect(retimed.status).toBe(200);
    expect(retimed.body.retimed).toBeGreaterThanOrEqual(2);
    await eventually(
      async () =>
        (await stack.store.slaEvents.forTicket(ids.waiting!)).some((e) => e.type === 'retimed') ? true : null,
      10_000,
      'the re-timing on the timeline',
    );
    const { checked, mismatches } = await stack.desk.simulations.selfCheck(
      new Date(window().from),
      new Date(window().to),
    );
    expect(mismatches).toEqual([]);
    expect(checked).toBe(4);
  });
});
