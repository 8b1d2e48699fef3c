import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { apiClient, type ApiClient } from '../support/http';
import { createSlaRegistry } from '../../desk/sla-registry';
import { connectTestStore, startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Level clocks on the real dev server in real time, like the deadline-precision check: a 24/7 calendar, a high
 * ticket's first response due in 12 seconds, its breach escalating to L2 at once, and L2 given 12 seconds to act;
 * L2's step also raises the priority. So the level breach is due 24 seconds after receipt.
 */
let stack: TestStack;
let admin: ApiClient;
let customer: ApiClient;
type Event = {
  type: string;
  metric?: string;
  level?: string;
  at: string;
  dueAt?: string;
  detail?: Record<string, unknown>;
};
type Clock = { metric: string; level?: string; dueAt: string | null; breached: boolean; stopped: boolean };

beforeAll(async () => {
  const policy = parsePolicyOverrides({
    warningAt: 0.5,
    targets: {
      high: { firstResponseMinutes: 0.2, resolutionMinutes: 30 },
      urgent: { firstResponseMinutes: 0.2, resolutionMinutes: 20 },
    },
    escalation: [
      { level: 'L2', afterBreachMinutes: 0, respondWithinMinutes: 0.2, actions: [{ type: 'raise_priority' }] },
      { level: 'management', afterBreachMinutes: 600 },
    ],
  });
  // Two real-time waits poll one admin key about 20 times a second, past the default 600 requests a minute.
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy }, rateLimit: { limit: 100_000 } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  customer = apiClient(
    stack.baseUrl,
    (await admin.post('/api/v1/users', { role: 'customer', name: 'Ops', email: 'ops@example.com' })).body.apiKey,
  );
});
afterAll(async () => {
  await stack?.close();
});

async function openTicket(subject: string) {
  const created = await admin.post('/api/v1/tickets', {
    subject,
    description: 'Every payment fails.',
    category: 'incident',
    priority: 'high',
    customerEmail: 'ops@example.com',
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, receivedAt: new Date(created.body.receivedAt).getTime() };
}

const timeline = async (id: string): Promise<Event[]> =>
  (await admin.get(`/api/v1/tickets/${id}/timeline`)).body.events;

describe('a level clock in real time', () => {
  it('breaches less than a second after its instant, after raising the priority at the escalation', async () => {
    const { id, receivedAt } = await openTicket('Checkout is down');
    const reached = receivedAt + 12_000;
    const due = reached + 12_000;
    const events = await eventually(
      async () => {
        const e = await timeline(id);
        return e.some((x) => x.type === 'breached' && x.metric === 'level') ? e : null;
      },
      45_000,
      'the level breach',
    );
    const lag = (e: Event | undefined, instant: number) => new Date(e!.at).getTime() - instant;
    const escalated = events.find((e) => e.type === 'escalated');
    expect(escalated?.level).toBe('L2');
    const breach = events.find((e) => e.type === 'breached' && e.metric === 'level');
    expect(breach?.level).toBe('L2');
    expect(new Date(breach!.dueAt!).getTime()).toBe(due);
    expect(lag(breach, due)).toBeGreaterThanOrEqual(0);
    expect(lag(breach, due)).toBeLessThan(1_000);
    const warning = events.find((e) => e.type === 'warning' && e.metric === 'level');
    expect(lag(warning, reached + 6_000)).toBeGreaterThanOrEqual(0);
    expect(lag(warning, reached + 6_000)).toBeLessThan(1_000);
    const raised = events.find((e) => e.type === 'breach_action');
    expect(raised?.detail).toMatchObject({ action: 'raise_priority', from: 'high', to: 'urgent' });

    const ticket = (await admin.get(`/api/v1/tickets/${id}`)).body;
    expect(ticket.priority).toBe('urgent');
    const level = (ticket.sla.clocks as Clock[]).find((c) => c.metric === 'level');
    expect(level).toMatchObject({ level: 'L2', breached: true, stopped: false });
    // The customer reads neither the level's clock nor what the breach made the desk do.
    const theirs = await customer.get(`/api/v1/tickets/${id}`);
    expect((theirs.body.sla.clocks as Clock[]).map((c) => c.metric)).not.toContain('level');
    const theirEvents: Event[] = (await customer.get(`/api/v1/tickets/${id}/timeline`)).body.events;
    expect(theirEvents.filter((e) => e.metric === 'level' || e.type === 'breach_action')).toEqual([]);
  });

  it('stops when an agent of the level writes an internal note, met', async () => {
    const { id } = await openTicket('Refunds are stuck');
    await eventually(
      async () => {
        const t = (await admin.get(`/api/v1/tickets/${id}`)).body;
        return (t.sla.clocks as Clock[]).some((c) => c.metric === 'level') ? t : null;
      },
      30_000,
      'the level clock',
    );
    const noted = await admin.post(`/api/v1/tickets/${id}/messages`, {
      body: 'Looking at the gateway logs.',
      internal: true,
    });
    expect(noted.status).toBe(201);
    const events = await eventually(
      async () => {
        const e = await timeline(id);
        return e.some((x) => x.type === 'responded' && x.metric === 'level') ? e : null;
      },
      10_000,
      'the level acting',
    );
    const acted = events.find((e) => e.type === 'responded' && e.metric === 'level')!;
    expect(acted.detail).toMatchObject({ action: 'note', met: true, targetMinutes: 0.2 });
    const ticket = (await admin.get(`/api/v1/tickets/${id}`)).body;
    expect((ticket.sla.clocks as Clock[]).find((c) => c.metric === 'level')).toMatchObject({
      stopped: true,
      breached: false,
    });
  });
});

describe('the report', () => {
  it('gives the time held per level and the level clocks met and breached', async () => {
    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    // Both tickets above are at L2: closing them ends L2's holds.
    const open = (await admin.get('/api/v1/tickets?limit=50')).body.items as { id: string }[];
    expect(open).toHaveLength(2);
    for (const t of open) expect((await admin.post(`/api/v1/tickets/${t.id}/actions/close`, {})).status).toBe(200);
    const report = await eventually(
      async () => {
        const r = (
          await admin.get(`/api/v1/reports/sla?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`)
        ).body;
        return r.levels?.find((l: { level: string; holds: number }) => l.level === 'L2')?.holds === 2 ? r : null;
      },
      10_000,
      'both closes on the timeline',
    );
    const [l1, l2] = report.levels as { level: string; holds: number; businessMinutes: number; minutes: number }[];
    // L1 held each ticket from its receipt to its escalation, 12 seconds after (and the timer's lag, under a second).
    expect(l1).toMatchObject({ level: 'L1', holds: 2, met: 0, missed: 0, breached: 0 });
    expect(l1!.businessMinutes).toBeGreaterThanOrEqual(0.4);
    expect(l1!.businessMinutes).toBeLessThan(0.4 + 2 / 60);
    expect(l1!.minutes).toBe(l1!.businessMinutes); // 24/7: every minute is a business minute
    expect(l2).toMatchObject({ level: 'L2', holds: 2, met: 1, missed: 0, breached: 1 });
    // The customer's attainment rows know nothing of levels.
    expect((report.rows as { metric: string }[]).map((r) => r.metric)).not.toContain('level');
  });
});

describe('level terms through the policy API', () => {
  const step = (extra: Record<string, unknown>) => ({
    escalation: [{ level: 'L2', afterBreachMinutes: 0, respondWithinMinutes: 60, ...extra }],
  });

  it('refuses an unknown agent, action or field with 400 naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { actions: [{ type: 'raise_priority' }, { type: 'assign', agent: 'nobody@example.com' }] },
        'escalation[0].actions[1].agent',
      ],
      [{ actions: [{ type: 'page_everyone' }] }, 'escalation[0].actions[0].type'],
      // An unknown key is named in the message of the object holding it, as for every policy field.
      [{ respondWithin: 60 }, 'escalation[0]'],
      [{ respondWithinMinutes: -5 }, 'escalation[0].respondWithinMinutes'],
    ];
    for (const [extra, field] of cases) {
      const res = await admin.post('/api/v1/sla/policies', { id: 'ola-refused', ...step(extra) });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(res.body),
      ).toContain(field);
      if (extra.respondWithin) expect(res.body.errors[0].message).toContain('respondWithin');
    }
    expect((await admin.get('/api/v1/sla/policies/ola-refused')).status).toBe(404);
  });

  it('keeps an assign action by the agent id, given the email', async () => {
    const lee = await admin.post('/api/v1/users', { role: 'agent', name: 'Lee', email: 'lee@support.local' });
    const created = await admin.post('/api/v1/sla/policies', {
      id: 'ola',
      ...step({ actions: [{ type: 'assign', agent: 'lee@support.local' }] }),
    });
    expect(created.status).toBe(201);
    const stored = (await admin.get('/api/v1/sla/policies/ola')).body;
    expect(stored.body.escalation[0]).toEqual({
      level: 'L2',
      afterBreachMinutes: 0,
      respondWithinMinutes: 60,
      actions: [{ type: 'assign', agent: lee.body.id }],
    });
  });
});

describe('level terms in SLA_CONFIG', () => {
  it("resolves an assign action's agent at startup, refusing an unknown one by its field", async () => {
    const store = await connectTestStore();
    try {
      await store.users.create(
        {
          id: 'U-lead',
          role: 'agent',
          name: 'Lead',
          email: 'lead@support.example',
          agreement: { trainingIncluded: false },
          createdAt: new Date(),
        },
        'hash-lead',
      );
      const configured = (agent: string) =>
        createSlaRegistry({
          store,
          configFile: 'sla.json',
          now: () => new Date(),
          seed: {
            calendar: ALWAYS_OPEN_CALENDAR,
            policy: parsePolicyOverrides({
              escalation: [
                { level: 'L2', afterBreachMinutes: 0, respondWithinMinutes: 60, actions: [{ type: 'assign', agent }] },
              ],
            }),
          },
        });
      await expect(configured('ghost@support.example').init()).rejects.toMatchObject({
        field: 'escalation[0].actions[0].agent',
      });
      const registry = configured('lead@support.example');
      await registry.init();
      expect(registry.current().policy.escalation[0]).toEqual({
        level: 'L2',
        afterBreachMinutes: 0,
        respondWithinMinutes: 60,
        actions: [{ type: 'assign', agent: 'U-lead' }],
      });
      // The same file at the next start is the version already stored, not a new one.
      const restarted = configured('lead@support.example');
      await restarted.init();
      expect(restarted.current().policy.version).toBe(registry.current().policy.version);
    } finally {
      await store.conn.dropDatabase().catch(() => undefined);
      await store.conn.close();
    }
  });
});
