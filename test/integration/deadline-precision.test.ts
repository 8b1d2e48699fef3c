import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { apiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The issue's own check on the real dev server in real time: a 24/7 calendar and an urgent first
 * response of 12 seconds (warning at half), so warning, breach and escalation happen during the test.
 */
let stack: TestStack;
beforeAll(async () => {
  const policy = parsePolicyOverrides({
    warningAt: 0.5,
    targets: { urgent: { firstResponseMinutes: 0.2, resolutionMinutes: 3 } },
    escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
  });
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy } });
});
afterAll(async () => {
  await stack?.close();
});

describe('deadlines on durable timers, in real time', () => {
  it('fires warning, breach and escalation each less than a second after it was due', async () => {
    const api = apiClient(stack.baseUrl, stack.adminKey);
    const created = await api.post('/api/v1/tickets', {
      subject: 'Checkout is down',
      description: 'Every payment fails.',
      category: 'incident',
      priority: 'urgent',
      customerEmail: 'ops@example.com',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const receivedAt = new Date(created.body.receivedAt).getTime();
    const dueAt = new Date(
      created.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').dueAt,
    ).getTime();
    expect(dueAt - receivedAt).toBe(12_000);

    const events = await eventually(
      async () => {
        const t = await api.get(`/api/v1/tickets/${id}/timeline`);
        return t.body.events.some((e: { type: string }) => e.type === 'escalated') ? t.body.events : null;
      },
      30_000,
      'the escalation',
    );
    const find = (type: string) =>
      events.find(
        (e: { type: string; metric?: string }) =>
          e.type === type && (e.metric ?? 'first_response') === 'first_response',
      );
    const lag = (at: string, due: number) => new Date(at).getTime() - due;

    const warning = find('warning');
    expect(lag(warning.at, receivedAt + 6_000)).toBeGreaterThanOrEqual(0);
    expect(lag(warning.at, receivedAt + 6_000)).toBeLessThan(1_000);
    const breach = find('breached');
    expect(new Date(breach.dueAt).getTime()).toBe(dueAt);
    expect(lag(breach.at, dueAt)).toBeGreaterThanOrEqual(0);
    expect(lag(breach.at, dueAt)).toBeLessThan(1_000);
    const escalated = events.find((e: { type: string }) => e.type === 'escalated');
    expect(escalated.level).toBe('L2');
    expect(lag(escalated.at, dueAt)).toBeLessThan(1_000);

    // Operators find it by its search attributes.
    const listed = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of stack.client.workflow.list({
          query: `TicketPriority="urgent" AND SlaState="breached" AND EscalationLevel="L2"`,
        }))
          ids.push(wf.workflowId);
        return ids.includes(`ticket-${id}`) ? ids : null;
      },
      10_000,
      'visibility',
    );
    expect(listed).toContain(`ticket-${id}`);
    const description = await stack.client.workflow.getHandle(`ticket-${id}`).describe();
    expect(await description.staticSummary()).toContain('Checkout is down');
  });
});
