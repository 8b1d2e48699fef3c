import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCalendar, SLA_CALENDAR } from '../../domain/calendar';
import { apiClient, type ApiClient } from '../support/http';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The customer's view is an allow-list: every JSON field a customer's key can reach is on the list below, and no
 * staff id, name or address shows in it or on the pages a customer reaches (the private link, the portal). The list
 * is written here, not read from the code, so a field the desk starts to hand out fails this test until it is added
 * here on purpose. Its ticket is handled the way agents do (assigned, replied to, noted, escalated with a reason,
 * reclassified, a live session booked), so every staff field there is to leak exists.
 */

const CLOCK = [
  'metric',
  'clock',
  'targetMinutes',
  'usedMinutes',
  'remainingMinutes',
  'dueAt',
  'warningAt',
  'paused',
  'stopped',
  'stoppedAt',
  'breached',
  'cycle',
];
const LIVE = ['seq', 'status', 'tool', 'preferredTimes', 'startsAt', 'durationMinutes', 'link', 'outcome'];
const SLA = [
  'ticketId',
  'status',
  'priority',
  'category',
  'customerId',
  'assigned',
  // What the ticket waits on, in its pause reason's words (never which vendor).
  'waitingOn',
  'escalationLevel',
  'slaState',
  'awaitingScopeReview',
  'scopeReviewDueAt',
  'nextDeadline',
  'receivedAt',
  'policyVersion',
  'version',
  'agreement.id',
  'agreement.version',
  'calendar.id',
  'calendar.version',
  'policy.id',
  'policy.version',
  'availableActions',
  ...CLOCK.map((k) => `clocks[].${k}`),
  'live',
  ...LIVE.map((k) => `live.${k}`),
  'live.preferredTimes[]',
];
const MESSAGE = ['id', 'ticketId', 'authorId', 'authorRole', 'authorName', 'body', 'kind', 'internal', 'channel'];
const TICKET = [
  'id',
  'subject',
  'description',
  'errorMessage',
  'category',
  'priority',
  'channel',
  'liveSupportTool',
  'customerId',
  'organizationId',
  'customerEmail',
  'customerName',
  'receivedAt',
  'slaVersion',
  'unverified',
  'status',
  'actions',
  'slaAcceptance',
  'slaAcceptance.via',
  'slaAcceptance.at',
  'slaAcceptance.ticketId',
  ...SLA.map((k) => `sla.${k}`),
  ...MESSAGE.map((k) => `thread[].${k}`),
  'thread[].createdAt',
];
const LIST_ITEM = [
  'id',
  'version',
  'status',
  'priority',
  'category',
  'customerId',
  'organizationId',
  'subject',
  'escalationLevel',
  'slaState',
  'nextDeadline',
  'scopeReviewDueAt',
  'receivedAt',
  'updatedAt',
  'assigned',
  ...CLOCK.map((k) => `clocks[].${k}`),
];
const EVENT_DETAIL = [
  'channel',
  'priority',
  'category',
  'outOfScope',
  'reviewDueAt',
  'from',
  'to',
  'manual',
  'escalationDueAt',
  'warningAt',
  'businessMinutesUsed',
  'targetMinutes',
  'met',
  'reason',
  'fromPolicyVersion',
  'toPolicyVersion',
  'status',
  'tool',
  'preferredTimes',
  'link',
  'durationMinutes',
  'minutesBefore',
];

/** What each customer-reachable answer may hold, path by path (`[]` for any array item). */
const ALLOWED: Record<string, string[]> = {
  created: ['id', 'status', 'priority', 'category', 'subject', 'receivedAt', ...SLA.map((k) => `sla.${k}`)],
  ticket: TICKET,
  list: ['nextCursor', ...LIST_ITEM.map((k) => `items[].${k}`)],
  messages: MESSAGE.map((k) => `messages[].${k}`).concat('messages[].createdAt'),
  posted: [...MESSAGE.map((k) => `message.${k}`), 'message.createdAt', ...SLA.map((k) => `sla.${k}`)],
  timeline: [
    'events[].type',
    'events[].metric',
    'events[].at',
    'events[].dueAt',
    'events[].level',
    ...EVENT_DETAIL.map((k) => `events[].detail.${k}`),
  ],
  live: ['id', 'live', ...LIVE.map((k) => `live.${k}`), 'live.preferredTimes[]', ...SLA.map((k) => `sla.${k}`)],
};

/** Every path of a JSON value, leaves and objects alike, with array indices as `[]`. */
function paths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => paths(x, `${at}[]`)).concat(at ? [at] : []);
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => paths(x, at ? `${at}.${k}` : k).concat());
  return at ? [at] : [];
}
const strip = (p: string) => p.replace(/\[\]$/, '');

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let ada: ApiClient;
const staff = { id: '', name: 'Quinta Farthingale', email: 'quinta.farthingale@support.local' };
const customerEmail = 'ada.view@example.com';
let ticketId = '';

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const made = await admin.post('/api/v1/users', { role: 'agent', name: staff.name, email: staff.email });
  staff.id = made.body.id;
  agent = apiClient(stack.baseUrl, made.body.apiKey);
  const customer = await admin.post('/api/v1/users', { role: 'customer', name: 'Ada View', email: customerEmail });
  ada = apiClient(stack.baseUrl, customer.body.apiKey);
});
afterAll(async () => {
  await stack?.close();
});

/** Every string in it (keys and values), to search for staff identities. */
const text = (v: unknown) => JSON.stringify(v);
function expectNoStaff(what: string, content: string) {
  for (const s of [staff.id, staff.name, staff.email, 'Quinta', 'farthingale'])
    expect(content.toLowerCase(), `${what} names ${s}`).not.toContain(s.toLowerCase());
}

describe("a customer's view", () => {
  const answers: Record<string, unknown> = {};

  it('is worked on the way agents work a ticket', async () => {
    const created = await ada.post('/api/v1/tickets', {
      subject: 'Export stalls at 99%',
      description: 'The CSV export never finishes.',
      category: 'bug',
      priority: 'high',
      liveSupportTool: 'teamviewer',
    });
    expect(created.status).toBe(201);
    answers.created = created.body;
    ticketId = created.body.id;
    const id = ticketId;
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
      15_000,
      'acknowledgement',
    );
    const act = async (action: string, body: Record<string, unknown>) =>
      expect((await agent.post(`/api/v1/tickets/${id}/actions/${action}`, body)).status, action).toBe(200);
    await act('assign', { agent: staff.email });
    await act('reply', { body: 'Looking into it now.' });
    expect(
      (await agent.post(`/api/v1/tickets/${id}/messages`, { body: 'Quinta: smells like the proxy', internal: true }))
        .status,
    ).toBe(201);
    await act('escalate', { reason: 'Quinta Farthingale needs L2 help' });
    await act('reclassify', { category: 'incident', reason: 'Quinta thinks it is an outage' });
    await act('priority', { priority: 'urgent' });
    const asked = await ada.post(`/api/v1/tickets/${id}/live-session`, {
      action: 'request',
      tool: 'teamviewer',
      preferredTimes: ['any time'],
    });
    expect(asked.status).toBe(200);
    answers.live = asked.body;
    const booked = await agent.post(`/api/v1/tickets/${id}/live-session`, {
      action: 'confirm',
      // An hour into the next whole shift: inside support hours whatever the hour the suite runs at.
      startsAt: new Date(nextWholeShift(createCalendar(SLA_CALENDAR)).getTime() + 3_600_000).toISOString(),
      durationMinutes: 30,
      link: 'https://tv.example/7',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body.sla.live.agent).toBe(staff.name); // staff see who booked it
    const posted = await ada.post(`/api/v1/tickets/${id}/messages`, { body: 'Thanks, still stuck.' });
    expect(posted.status).toBe(201);
    answers.posted = posted.body;
    await eventually(
      async () => (await ada.get('/api/v1/tickets')).body.items.some((t: { assigned?: boolean }) => t.assigned),
      10_000,
      'the projection to have the assignment',
    );
    answers.ticket = (await ada.get(`/api/v1/tickets/${id}`)).body;
    answers.list = (await ada.get('/api/v1/tickets')).body;
    answers.messages = (await ada.get(`/api/v1/tickets/${id}/messages`)).body;
    answers.timeline = (await ada.get(`/api/v1/tickets/${id}/timeline`)).body;
    // The staff side holds every identity the customer's must not: the test below would see a leak.
    const staffView = (await agent.get(`/api/v1/tickets/${id}`)).body;
    expect(staffView.sla.assignee).toBe(staff.id);
    expect(text(staffView.thread)).toContain(staff.name);
  });

  it('holds only fields on the list, in every JSON answer', () => {
    expect(Object.keys(answers).sort()).toEqual(Object.keys(ALLOWED).sort());
    for (const [name, body] of Object.entries(answers)) {
      // A listed field allows the objects and arrays that hold it.
      const allowed = new Set(
        ALLOWED[name]!.flatMap((p) => [p, ...[...p.matchAll(/\.|\[\]/g)].map((m) => p.slice(0, m.index))]),
      );
      const extra = [...new Set(paths(body).map(strip))].filter((p) => !allowed.has(p));
      expect(extra, `${name}: fields not on the allow-list`).toEqual([]);
      expectNoStaff(name, text(body));
    }
  });

  it('knows an agent has the ticket, not which', () => {
    const ticket = answers.ticket as {
      sla: { assigned: boolean };
      thread: { authorRole: string; authorName: string }[];
    };
    expect(ticket.sla.assigned).toBe(true);
    expect(ticket.thread.filter((m) => m.authorRole !== 'customer').map((m) => m.authorName)).toEqual(
      expect.arrayContaining(['Support']),
    );
    const items = (answers.list as { items: { id: string; assigned: boolean }[] }).items;
    expect(items.find((t) => t.id === ticketId)?.assigned).toBe(true);
  });

  it('reads the SLA terms without who wrote them, and no staff directory', async () => {
    const office = { timezone: 'Europe/Berlin', windows: [{ day: 'monday', open: '09:00', close: '17:00' }] };
    expect((await admin.post('/api/v1/sla/calendars', { id: 'office', ...office })).status).toBe(201);
    for (const path of [
      '/api/v1/sla/calendars/office',
      '/api/v1/sla/calendars/office/versions',
      '/api/v1/sla/calendars/office/versions/1',
      '/api/v1/sla/policies/default',
      '/api/v1/sla/policies/default/versions',
      '/api/v1/sla/calendars/default',
      `/api/v1/tickets/${ticketId}/attachments`,
    ]) {
      const res = await ada.get(path);
      expect(res.status, path).toBe(200);
      expect(
        paths(res.body).filter((p) => /createdBy/.test(p)),
        path,
      ).toEqual([]);
      expectNoStaff(path, text(res.body));
    }
    // Staff still see who wrote a version.
    expect((await agent.get('/api/v1/sla/calendars/office')).body.createdBy).toBeTruthy();
    for (const path of ['/api/v1/agents', '/api/v1/macros', '/api/v1/organizations', '/api/v1/webhooks'])
      expect((await ada.get(path)).status, path).toBe(403);
  });

  it('cannot filter by assignee: 400 naming the field', async () => {
    for (const q of [staff.email, 'Quinta', staff.id, 'me']) {
      const res = await ada.get(`/api/v1/tickets?assignee=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'assignee' })]);
    }
    // Staff still filter by it.
    expect((await agent.get(`/api/v1/tickets?assignee=${staff.email}`)).status).toBe(200);
  });

  it('names no staff on the private page or any portal page', async () => {
    const priv = await fetch(`${stack.baseUrl}${stack.desk.links.customerPath(ticketId)}`);
    expect(priv.status).toBe(200);
    const privPage = await priv.text();
    expect(privPage).toContain('Looking into it now.');
    expectNoStaff('the private page', privPage);

    const b = browserLike(stack.baseUrl);
    await signIn(b, inject('outboxDir'), customerEmail);
    for (const path of ['/portal', `/portal/tickets/${ticketId}`, '/portal/announcements', '/portal/sla']) {
      const page = await b.get(path);
      expect(page.status, path).toBe(200);
      expectNoStaff(path, page.page);
    }
    expect((await b.get(`/portal/tickets/${ticketId}`)).page).toContain('Looking into it now.');
  });
});

/** The opening of the next shift that starts after the current one (if any) closes. */
function nextWholeShift(cal: ReturnType<typeof createCalendar>): Date {
  return cal.nextOpen(cal.nextClose(cal.nextOpen(new Date())));
}
