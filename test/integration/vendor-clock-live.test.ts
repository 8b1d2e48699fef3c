import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A vendor clock on the real dev server in real time, like the deadline-precision check: a 24x7 vendor with a
 * 12-second target, so its breach is due 12 s after the ticket starts waiting on it, and its warning (the default
 * policy's warningAt of 0.75) 9 s after.
 */

let stack: TestStack;
let customer: ApiClient;
let agent: ApiClient;

beforeAll(async () => {
  // The wait below polls the timeline about 20 times a second, past the default 600 requests a minute.
  stack = await startStack({
    sla: { calendar: ALWAYS_OPEN_CALENDAR, policy: DEFAULT_POLICY },
    rateLimit: { limit: 100_000 },
  });
  const admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    return apiClient(stack.baseUrl, res.body.apiKey as string);
  };
  customer = await make('customer', 'Alice', 'alice@example.com');
  agent = await make('agent', 'Sam Agent', 'sam@support.local');
  const quick = await admin.post('/api/v1/vendors', {
    id: 'quick-host',
    name: 'Quick Hosting',
    calendar: '24x7',
    targetMinutes: 0.2,
    contacts: ['noc@quick-hosting.example'],
  });
  expect(quick.status).toBe(201);
});
afterAll(async () => {
  await stack?.close();
});

describe('a vendor clock in real time', () => {
  it('breaches a vendor clock less than a second after its instant, on the dev server in real time', async () => {
    const created = await customer.post('/api/v1/tickets', {
      subject: 'Checkout fails',
      description: 'Payments are declined since this morning.',
      category: 'bug',
      priority: 'high',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually(async () => (await agent.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged');
    const res = await agent.post(`/api/v1/tickets/${id}/actions/pending`, {
      waitingOn: 'vendor',
      vendor: 'quick-host',
    });
    expect(res.status).toBe(200);
    const since = new Date(res.body.sla.pause.since).getTime();
    const due = since + 12_000;
    const vendorClock = res.body.sla.clocks.find((c: { metric: string }) => c.metric === 'vendor');
    expect(new Date(vendorClock.dueAt).getTime()).toBe(due);
    type Event = { type: string; at: string; dueAt?: string };
    const events = await eventually(
      async () => {
        const all: Event[] = (await agent.get(`/api/v1/tickets/${id}/timeline`)).body.events;
        return all.some((e) => e.type === 'vendor_breached') ? all : null;
      },
      30_000,
      'the vendor breach',
    );
    const lag = (type: string, instant: number) =>
      new Date(events.find((e) => e.type === type)!.at).getTime() - instant;
    expect(new Date(events.find((e) => e.type === 'vendor_breached')!.dueAt!).getTime()).toBe(due);
    expect(lag('vendor_breached', due)).toBeGreaterThanOrEqual(0);
    expect(lag('vendor_breached', due)).toBeLessThan(1_000);
    expect(lag('vendor_warning', since + 9_000)).toBeGreaterThanOrEqual(0);
    expect(lag('vendor_warning', since + 9_000)).toBeLessThan(1_000);
  });
});
