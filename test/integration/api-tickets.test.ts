import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

let stack: TestStack;
let admin: ApiClient;
let alice: ApiClient;
let bob: ApiClient;
let agent: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    expect(res.body.apiKey).toMatch(/^sk_/);
    return apiClient(stack.baseUrl, res.body.apiKey);
  };
  alice = await make('customer', 'Alice', 'alice@example.com');
  bob = await make('customer', 'Bob', 'bob@example.com');
  agent = await make('agent', 'Sam Agent', 'sam@support.local');
});
afterAll(async () => {
  await stack?.close();
});

const newTicket = (subject = 'Export fails') => ({
  subject,
  description: 'The CSV export times out.',
  category: 'bug',
  priority: 'normal',
});

async function acknowledged(id: string) {
  return eventually(
    async () => {
      const r = await agent.get(`/api/v1/tickets/${id}`);
      return r.body.status === 'acknowledged' ? r.body : null;
    },
    10_000,
    'acknowledgement',
  );
}

describe('people and access', () => {
  it('shows the API key once and refuses a duplicate email', async () => {
    const dup = await admin.post('/api/v1/users', {
      role: 'customer',
      name: 'Alice again',
      email: 'ALICE@example.com',
    });
    expect(dup.status).toBe(409);
    const asCustomer = await alice.post('/api/v1/users', { role: 'admin', name: 'Eve', email: 'eve@example.com' });
    expect(asCustomer.status).toBe(403);
  });

  it("never reveals another customer's ticket, thread or timeline", async () => {
    const created = await alice.post('/api/v1/tickets', newTicket());
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const path of [`/api/v1/tickets/${id}`, `/api/v1/tickets/${id}/timeline`, `/api/v1/tickets/${id}/messages`]) {
      const probe = await bob.get(path);
      expect(probe.status).toBe(404);
      expect(probe.body.detail).toBe('no such ticket');
    }
    expect((await bob.post(`/api/v1/tickets/${id}/messages`, { body: 'hi' })).status).toBe(404);
    expect((await bob.get('/api/v1/tickets')).body.items.map((t: { id: string }) => t.id)).not.toContain(id);
    expect((await alice.get(`/api/v1/tickets/${id}`)).status).toBe(200);
  });

  it('lets only agents and admins act on tickets', async () => {
    const { body } = await alice.post('/api/v1/tickets', newTicket());
    expect((await alice.post(`/api/v1/tickets/${body.id}/actions/resolve`, {})).status).toBe(403);
  });
});

describe('idempotency', () => {
  it('returns the same ticket for the same key and body, and 409 for another body', async () => {
    const key = { 'idempotency-key': `k-${Date.now()}` };
    const first = await alice.post('/api/v1/tickets', newTicket('Same'), key);
    const again = await alice.post('/api/v1/tickets', newTicket('Same'), key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await alice.post('/api/v1/tickets', newTicket('Different'), key);
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    // The same key from another customer is another request.
    const bobs = await bob.post('/api/v1/tickets', newTicket('Same'), key);
    expect(bobs.status).toBe(201);
    expect(bobs.body.id).not.toBe(first.body.id);
  });
});

describe('working a ticket through the API', () => {
  it('reply, pending, customer answer, resolve — with the SLA and timeline following', async () => {
    const { body: created } = await alice.post('/api/v1/tickets', newTicket('Working it'));
    await acknowledged(created.id);

    const note = await agent.post(`/api/v1/tickets/${created.id}/messages`, {
      body: 'Looks like the S3 bucket',
      internal: true,
    });
    expect(note.status).toBe(201);
    const reply = await agent.post(`/api/v1/tickets/${created.id}/messages`, { body: 'Which file size?' });
    expect(reply.status).toBe(201);
    expect(reply.body.sla.status).toBe('open');
    expect(reply.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').stopped).toBe(true);

    const pending = await agent.post(`/api/v1/tickets/${created.id}/actions/pending`, {});
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending_customer');

    const answer = await alice.post(`/api/v1/tickets/${created.id}/messages`, { body: 'About 2 GB' });
    expect(answer.status).toBe(201);
    expect(answer.body.sla.status).toBe('open');

    const refused = await agent.post(`/api/v1/tickets/${created.id}/actions/reopen`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('cannot reopen a ticket that is open');

    const resolved = await agent.post(`/api/v1/tickets/${created.id}/actions/resolve`, { body: 'Raised the limit' });
    expect(resolved.body.status).toBe('resolved');

    const seenByCustomer = await alice.get(`/api/v1/tickets/${created.id}`);
    // The resolution note is part of the thread, for the customer too; the internal note is not.
    expect(seenByCustomer.body.thread.map((m: { body: string }) => m.body)).toEqual([
      'Which file size?',
      'About 2 GB',
      'Raised the limit',
    ]);
    const seenByAgent = await agent.get(`/api/v1/tickets/${created.id}`);
    expect(seenByAgent.body.thread).toHaveLength(4);

    const timeline = await eventually(
      async () => {
        const t = await alice.get(`/api/v1/tickets/${created.id}/timeline`);
        return t.body.events.some((e: { type: string }) => e.type === 'resolved') ? t.body.events : null;
      },
      10_000,
      'the resolved event',
    );
    expect(timeline.map((e: { type: string; metric?: string }) => [e.type, e.metric ?? null])).toEqual([
      ['received', null],
      ['acknowledged', 'first_response'],
      ['responded', 'first_response'],
      ['paused', 'resolution'],
      ['resumed', 'resolution'],
      // The wait's end, with how long it lasted (pause reasons).
      ['pause_ended', null],
      ['responded', 'next_response'],
      ['resolved', 'resolution'],
    ]);
    for (const e of timeline) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers 409 when a customer writes on a closed ticket, and 400 for an unknown action', async () => {
    const { body: created } = await alice.post('/api/v1/tickets', newTicket('To close'));
    await acknowledged(created.id);
    expect((await agent.post(`/api/v1/tickets/${created.id}/actions/close`, {})).status).toBe(200);
    const late = await alice.post(`/api/v1/tickets/${created.id}/messages`, { body: 'one more thing' });
    expect(late.status).toBe(409);
    expect((await agent.post(`/api/v1/tickets/${created.id}/actions/close`, {})).status).toBe(409);
    const unknown = await agent.post(`/api/v1/tickets/${created.id}/actions/explode`, {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('action');
  });
});

describe('lists', () => {
  it('filters, sorts by the next deadline, and pages with a cursor without repeats', async () => {
    const ids: string[] = [];
    for (const priority of ['low', 'urgent', 'high', 'normal', 'urgent']) {
      const r = await admin.post('/api/v1/tickets', {
        ...newTicket(`List ${priority}`),
        priority,
        customerEmail: 'carol@example.com',
      });
      ids.push(r.body.id);
    }
    await eventually(
      async () => {
        const all = await agent.get('/api/v1/tickets?q=List&limit=100');
        return all.body.items.length === 5 ? all : null;
      },
      10_000,
      'the projection',
    );
    const urgent = await agent.get('/api/v1/tickets?priority=urgent&q=List');
    expect(urgent.body.items).toHaveLength(2);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await agent.get(`/api/v1/tickets?q=List&sort=deadline&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect([...seen].sort()).toEqual([...ids].sort());
    const all = await agent.get('/api/v1/tickets?q=List&sort=deadline&limit=100');
    const deadlines = all.body.items.map((t: { nextDeadline: string }) => t.nextDeadline);
    expect(deadlines).toEqual([...deadlines].sort());
    expect(all.body.items.map((t: { id: string }) => t.id)).toEqual(seen);

    expect((await agent.get('/api/v1/tickets?cursor=garbage')).status).toBe(400);
    expect((await agent.get('/api/v1/tickets?status=bogus')).status).toBe(400);
    expect((await agent.get('/api/v1/tickets?unknown=1')).status).toBe(400);
  });
});
