import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mailsFor } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { eventually, json } from '../support/wait';
import { createCalendar, formatUtcMinute } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { humanTimeProblems } from '../support/human-time';
import { supportHours } from '../support/support-hours';

// Support open around the clock: a due time is the receipt plus the target, to the millisecond, whatever the hour.
const open = supportHours('open').calendar;
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ sla: { calendar: open, policy: DEFAULT_POLICY } });
});
afterAll(async () => {
  await stack?.close();
});

const ticket = {
  subject: 'Login fails with error 500',
  description: 'Since this morning the login page answers 500.',
  category: 'bug',
  priority: 'high',
  customerEmail: 'ada@example.com',
};

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminKey}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const get = (path: string, key = stack.adminKey) =>
  fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
const ticketCount = () => stack.store.conn.collection('tickets').countDocuments();

describe('the thin slice over real HTTP, Temporal and FerretDB', () => {
  it('creates a ticket, acknowledges it by mail and shows it acknowledged', async () => {
    const res = await post('/api/v1/tickets', ticket);
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toMatchObject({ status: 'new', priority: 'high' });
    expect(created.id).toMatch(/^[0-9A-Z]{10}$/);
    const due = new Date(created.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').dueAt);
    expect(due.getTime()).toBeGreaterThan(0);

    const shown = await eventually(
      async () => {
        const r = await get(`/api/v1/tickets/${created.id}`);
        const body = await json(r);
        return body.status === 'acknowledged' ? body : null;
      },
      10_000,
      'the ticket to be acknowledged',
    );
    expect(shown).toMatchObject({ id: created.id, subject: ticket.subject, customerEmail: 'ada@example.com' });

    const mails = await eventually(
      async () => {
        const m = await mailsFor(inject('outboxDir'), created.id);
        return m.length ? m : null;
      },
      10_000,
      'the acknowledgement mail',
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain(`#${created.id}`);
    // The due time to the minute, rounded up, in the calendar's zone by its name (once '… 02:50:17.347 UTC-5').
    const dueText = `${createCalendar(open).formatLocal(due)} (${formatUtcMinute(due)})`;
    expect(dueText).toMatch(/^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} EST \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)$/);
    expect(mails[0]!.text).toContain(dueText);
    expect(humanTimeProblems(`${mails[0]!.subject}\n${mails[0]!.text}`)).toEqual([]);
    expect(mails[0]!.to).toMatchObject({ text: 'ada@example.com' });
    // Replies come back tagged with the ticket and this recipient's reply token, and mail clients thread them.
    expect(mails[0]!.replyTo?.value[0]?.address).toMatch(
      new RegExp(`^support\\+${created.id}\\.[0-9a-f]{16}@test\\.local$`),
    );
    expect(mails[0]!.inReplyTo).toBe(`<ticket-${created.id}@test.local>`);
    expect(mails[0]!.html).toContain(`#${created.id}`);

    const description = await stack.client.workflow.getHandle(`ticket-${created.id}`).describe();
    expect(description.taskQueue).toBe(stack.taskQueue);
    expect(description.status.name).toBe('RUNNING');
  });

  it('answers 400 problem+json naming the missing field, and writes nothing', async () => {
    const before = await ticketCount();
    const { subject: _omit, ...withoutSubject } = ticket;
    const res = await post('/api/v1/tickets', withoutSubject);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(res);
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(problem.errors).toContainEqual(expect.objectContaining({ field: 'subject' }));
    expect(await ticketCount()).toBe(before);
  });

  it('answers 400 for malformed JSON and for a bad priority', async () => {
    const before = await ticketCount();
    const bad = await post('/api/v1/tickets', '{"subject": ');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await post('/api/v1/tickets', { ...ticket, priority: 'asap' });
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).errors).toContainEqual(expect.objectContaining({ field: 'priority' }));
    expect(await ticketCount()).toBe(before);
  });

  it('answers 401 without a key or with a wrong key', async () => {
    const none = await fetch(`${stack.baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ticket),
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await post('/api/v1/tickets', ticket, { authorization: 'Bearer not-the-key' });
    expect(wrong.status).toBe(401);
  });

  it('answers 404 for an unknown ticket', async () => {
    const res = await get('/api/v1/tickets/ZZZZZZZZZZ');
    expect(res.status).toBe(404);
    expect((await json(res)).status).toBe(404);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({ checks: { mongodb: 'ok', temporal: 'ok' } });
  });
});
