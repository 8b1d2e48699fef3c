import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A policy's reminders on the real dev server in real time (like deadline-precision.test.ts): the 24/7 calendar and
 * an urgent first response of 24 seconds with reminders at 50, 75 and 90 %, so each is due 12, 18 and 21.6 seconds
 * after receipt and must be on the timeline less than a second after that. And the policy API takes `reminders`,
 * refusing a bad one with a 400 naming its field.
 */
let stack: TestStack;
let admin: ApiClient;
beforeAll(async () => {
  const policy = parsePolicyOverrides({
    targets: { urgent: { firstResponseMinutes: 0.4, resolutionMinutes: 3 } },
    escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
    reminders: [
      { at: 0.5, notify: ['level'] },
      { at: 0.75, notify: ['level', 'webhook'] },
      { at: 0.9, notify: ['level'], supportHoursOnly: true },
    ],
  });
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
});
afterAll(async () => {
  await stack?.close();
});

type TimelineEvent = { type: string; metric?: string; at: string; dueAt?: string; detail?: Record<string, unknown> };

describe('reminders on durable timers, in real time', () => {
  it('fires each of three reminders less than a second after its instant', async () => {
    const created = await admin.post('/api/v1/tickets', {
      subject: 'Checkout is down',
      description: 'Every payment fails.',
      category: 'incident',
      priority: 'urgent',
      customerEmail: 'ops@example.com',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const receivedAt = new Date(created.body.receivedAt).getTime();
    const first = created.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response');
    expect(new Date(first.dueAt).getTime() - receivedAt).toBe(24_000);
    // The clock warns from its earliest reminder.
    expect(new Date(first.warningAt).getTime() - receivedAt).toBe(12_000);

    const events: TimelineEvent[] = await eventually(
      async () => {
        const t = await admin.get(`/api/v1/tickets/${id}/timeline`);
        const warnings = t.body.events.filter(
          (e: TimelineEvent) => e.type === 'warning' && e.metric === 'first_response',
        );
        return warnings.length === 3 ? warnings : null;
      },
      30_000,
      'three reminders',
    );
    const instants = [12_000, 18_000, 21_600].map((ms) => receivedAt + ms);
    events.forEach((e, i) => {
      expect(e.detail?.threshold).toBe([0.5, 0.75, 0.9][i]);
      expect((e as { threshold?: number }).threshold).toBe([0.5, 0.75, 0.9][i]);
      expect(e.detail?.warningAt).toBe(new Date(instants[i]!).toISOString());
      const lag = new Date(e.at).getTime() - instants[i]!;
      expect(lag, `reminder ${i}`).toBeGreaterThanOrEqual(0);
      expect(lag, `reminder ${i}`).toBeLessThan(1_000);
      expect(new Date(e.dueAt!).getTime()).toBe(receivedAt + 24_000);
    });
    // The console's event list tells the three apart by their share of the target.
    const cookie = await consoleLogin(stack.baseUrl, stack.adminKey);
    const page = await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie } })).text();
    const rows = [...page.matchAll(/<td data-label="Event">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(rows.filter((r) => r!.startsWith('warning'))).toEqual([
      'warning at 50 %',
      'warning at 75 %',
      'warning at 90 %',
    ]);
  });

  it('the preview gives each reminder of a ticket received now: its instant and when it goes out', async () => {
    const res = await admin.get('/api/v1/sla/preview?receivedAt=2026-12-03T12:00:00Z&priority=urgent');
    expect(res.status).toBe(200);
    const first = res.body.due.find((d: { metric: string }) => d.metric === 'first_response');
    // 24 seconds around the clock: 12, 18 and 21.6 seconds in; the calendar never closes, so none waits.
    expect(first.warningAt.at).toBe('2026-12-03T12:00:12.000Z');
    expect(
      first.reminders.map((r: { threshold: number; warningAt: { at: string }; sendAt: { at: string } }) => [
        r.threshold,
        r.warningAt.at,
        r.sendAt.at,
      ]),
    ).toEqual([
      [0.5, '2026-12-03T12:00:12.000Z', '2026-12-03T12:00:12.000Z'],
      [0.75, '2026-12-03T12:00:18.000Z', '2026-12-03T12:00:18.000Z'],
      [0.9, '2026-12-03T12:00:21.600Z', '2026-12-03T12:00:21.600Z'],
    ]);
  });

  it('/docs explains them beside the policy, and /openapi.json states their schema', async () => {
    const docs = await (await fetch(`${stack.baseUrl}/docs`)).text();
    expect(docs).toContain('<code>supportHoursOnly</code> holds one that falls outside');
    const openapi = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { put: { requestBody: unknown } }>;
    };
    const body = JSON.stringify(openapi.paths['/api/v1/sla/policies/default']!.put.requestBody);
    expect(body).toContain('organization');
    expect(body).toContain('supportHoursOnly');
  });

  it('the policy API takes reminders and refuses a bad one naming its field', async () => {
    const created = await admin.post('/api/v1/sla/policies', {
      id: 'reminded',
      reminders: [
        { at: 0.5, notify: ['assignee'] },
        { at: 0.9, notify: ['level', 'organization'], supportHoursOnly: true },
      ],
    });
    expect(created.status).toBe(201);
    expect((await admin.get('/api/v1/sla/policies/reminded')).body.body.reminders).toEqual([
      { at: 0.5, notify: ['assignee'], supportHoursOnly: false },
      { at: 0.9, notify: ['level', 'organization'], supportHoursOnly: true },
    ]);
    const refused = async (reminders: unknown) => {
      const res = await admin.post('/api/v1/sla/policies', { id: 'bad-reminders', reminders });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      return res.body.errors.map((e: { field: string }) => e.field) as string[];
    };
    expect((await refused([{ at: 1.5, notify: ['level'] }])).join()).toMatch(/reminders.*0.*at/);
    expect((await refused([{ at: 0.5, notify: ['cfo'] }])).join()).toMatch(/reminders.*0.*notify/);
    expect((await refused([{ at: 0.5, notify: ['level'], when: 'later' }])).join()).toMatch(/reminders.*0/);
    expect(
      await refused([
        { at: 0.5, notify: ['level'] },
        { at: 0.5, notify: ['assignee'] },
      ]),
    ).toEqual(['reminders[1].at']);
  });
});
