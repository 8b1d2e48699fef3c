import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { principalOf } from '../../desk/principal';
import { agentActionUpdate } from '../../workflows/ticket';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The agent's day through the JSON API: assignment only to agents who exist, `assignee=me`, word
 * search over subject, description and public messages, the actions valid now, canned responses,
 * and the assignee's mails, each sent once.
 */

let stack: TestStack;
let admin: ApiClient;
let sam: ApiClient;
let kim: ApiClient;
let ada: ApiClient;
let samId = '';
let kimId = '';
let adaId = '';

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    return { client: apiClient(stack.baseUrl, res.body.apiKey), id: res.body.id as string };
  };
  ({ client: sam, id: samId } = await make('agent', 'Sam Agent', 'sam@support.local'));
  ({ client: kim, id: kimId } = await make('agent', 'Kim Lee', 'kim@support.local'));
  ({ client: ada, id: adaId } = await make('customer', 'Ada', 'ada@example.com'));
});
afterAll(async () => {
  await stack?.close();
});

async function openTicket(subject: string, description: string): Promise<string> {
  const res = await ada.post('/api/v1/tickets', { subject, description, category: 'bug', priority: 'high' });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(
    async () => (await sam.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
    15_000,
    'acknowledgement',
  );
  return id;
}

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((t) => t.id);
const agentMails = async (ticketId: string, kind: string) =>
  (await mailsFor(inject('outboxDir'), ticketId)).filter((m) => m.headers.get('x-notification-kind') === kind);

describe('assignment', () => {
  it('refuses anyone who is not an agent, naming the field, and changes nothing', async () => {
    const id = await openTicket('Invoices missing', 'The November invoices are not listed.');
    for (const agent of ['Sam', 'Nobody Here', adaId, 'ada@example.com', 'ghost@support.local']) {
      const res = await sam.post(`/api/v1/tickets/${id}/actions/assign`, { agent });
      expect(res.status, agent).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'agent' })]);
    }
    expect((await sam.get(`/api/v1/tickets/${id}`)).body.sla.assignee).toBeNull();
  });

  it('assigns by id or email, lists the ticket under assignee=me for that agent only, and finds it by part of a name', async () => {
    const id = await openTicket('Login loops', 'After SSO the login page reloads forever.');
    const byEmail = await sam.post(`/api/v1/tickets/${id}/actions/assign`, { agent: 'KIM@support.local' });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.sla.assignee).toBe(kimId);

    await eventually(
      async () => ids(await kim.get('/api/v1/tickets?assignee=me')).includes(id),
      10_000,
      'the projection to name Kim',
    );
    expect(ids(await sam.get('/api/v1/tickets?assignee=me'))).not.toContain(id);
    expect(ids(await sam.get(`/api/v1/tickets?assignee=${kimId}`))).toContain(id);
    expect(ids(await sam.get('/api/v1/tickets?assignee=kim'))).toContain(id); // a first name, any case
    expect(ids(await sam.get('/api/v1/tickets?assignee=Sam'))).not.toContain(id);

    const byId = await kim.post(`/api/v1/tickets/${id}/actions/assign`, { agent: samId });
    expect(byId.body.sla.assignee).toBe(samId);
    await eventually(
      async () => ids(await sam.get('/api/v1/tickets?assignee=me')).includes(id),
      10_000,
      'the projection to name Sam',
    );
    expect(ids(await kim.get('/api/v1/tickets?assignee=me'))).not.toContain(id);

    // The timeline says who had it, who has it and who assigned; the customer's says only that it changed hands.
    const assigned = (res: { body: { events: { type: string; detail?: unknown }[] } }) =>
      res.body.events.filter((e) => e.type === 'assigned').map((e) => e.detail);
    expect(assigned(await sam.get(`/api/v1/tickets/${id}/timeline`))).toEqual([
      { from: '', to: kimId, by: samId },
      { from: kimId, to: samId, by: kimId },
    ]);
    expect(assigned(await ada.get(`/api/v1/tickets/${id}/timeline`))).toEqual([undefined, undefined]);
  });

  it('mails the assignee once per assignment, a retry with the same Idempotency-Key included', async () => {
    const id = await openTicket('Report blank', 'The usage report renders an empty page.');
    const key = { 'idempotency-key': `assign-${id}` };
    const first = await kim.post(`/api/v1/tickets/${id}/actions/assign`, { agent: samId }, key);
    const retry = await kim.post(`/api/v1/tickets/${id}/actions/assign`, { agent: samId }, key);
    expect(first.status).toBe(200);
    expect(retry.body.sla.version).toBe(first.body.sla.version);
    const mails = await eventually(
      async () => {
        const m = await agentMails(id, 'assigned');
        return m.length ? m : null;
      },
      10_000,
      'the assignment mail',
    );
    expect(mails).toHaveLength(1);
    expect((mails[0]!.to as { text: string }).text).toBe('sam@support.local');
    expect(mails[0]!.subject).toContain('Assigned to you');

    // A new assignment (to Kim, by Sam) is a new mail, to Kim; Sam's stays single.
    await sam.post(`/api/v1/tickets/${id}/actions/assign`, { agent: kimId });
    const all = await eventually(
      async () => {
        const m = await agentMails(id, 'assigned');
        return m.length === 2 ? m : null;
      },
      10_000,
      'the second assignment mail',
    );
    expect(all.map((m) => (m.to as { text: string }).text).sort()).toEqual(['kim@support.local', 'sam@support.local']);
    const claims = (await stack.store.notifications.forTicket(id)).filter((n) => n.kind === 'assigned');
    expect(claims.map((c) => c.status)).toEqual(['sent', 'sent']);
  });

  it('mails no agent about their own action: one who takes a ticket is not told they have it', async () => {
    const id = await openTicket('Dashboard slow', 'The dashboard takes a minute to load.');
    expect((await sam.post(`/api/v1/tickets/${id}/actions/assign`, { agent: samId })).status).toBe(200);
    // Then Kim hands it over to herself and back: only the assignment Kim made for Sam is mailed, to Sam.
    await kim.post(`/api/v1/tickets/${id}/actions/assign`, { agent: kimId });
    await kim.post(`/api/v1/tickets/${id}/actions/assign`, { agent: samId });
    const mails = await eventually(
      async () => {
        const m = await agentMails(id, 'assigned');
        return m.length ? m : null;
      },
      10_000,
      'the assignment mail Kim made for Sam',
    );
    // The workflow finished all three changes (its timeline has them) before the one mail is counted.
    await eventually(
      async () =>
        (await sam.get(`/api/v1/tickets/${id}/timeline`)).body.events.filter(
          (e: { type: string }) => e.type === 'assigned',
        ).length === 3,
      10_000,
      'three assignments on the timeline',
    );
    const all = await agentMails(id, 'assigned');
    expect(all.map((m) => (m.to as { text: string }).text)).toEqual(['sam@support.local']);
    expect(mails).toHaveLength(1);
    const claims = (await stack.store.notifications.forTicket(id)).filter((n) => n.kind === 'assigned');
    expect(claims).toHaveLength(1);
  });

  it('mails the assignee once when the customer replies', async () => {
    const id = await openTicket('Sync stalls', 'Calendar sync stops at 50 %.');
    await sam.post(`/api/v1/tickets/${id}/actions/assign`, { agent: kimId });
    expect(
      (await ada.post(`/api/v1/tickets/${id}/messages`, { body: 'It stalls again since this morning.' })).status,
    ).toBe(201);
    const mails = await eventually(
      async () => {
        const m = await agentMails(id, 'customer_reply');
        return m.length ? m : null;
      },
      10_000,
      'the reply mail',
    );
    expect(mails).toHaveLength(1);
    expect((mails[0]!.to as { text: string }).text).toBe('kim@support.local');
    expect(mails[0]!.text).toContain('It stalls again since this morning.');
  });

  it("lists the files that came with the customer's reply, with their sizes and console links", async () => {
    const id = await openTicket('Report empty', 'The monthly report is empty.');
    await sam.post(`/api/v1/tickets/${id}/actions/assign`, { agent: kimId });
    const customer = principalOf((await stack.store.users.byId(adaId))!);
    const files = [
      { filename: 'report.csv', contentType: 'text/csv', data: Buffer.from('month,total\nnov,0\n') },
      {
        filename: 'screen.png',
        contentType: 'image/png',
        data: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000)]),
      },
    ];
    await stack.desk.actions.addMessage(customer, id, { body: 'Here is what I see.', files });
    const [mail] = await eventually(
      async () => {
        const m = await agentMails(id, 'customer_reply');
        return m.length ? m : null;
      },
      10_000,
      'the reply mail',
    );
    const stored = await stack.store.attachments.forTicket(id);
    expect(stored).toHaveLength(2);
    expect(mail!.text).toContain('Files with the reply (2):');
    for (const f of stored) {
      expect(mail!.text).toContain(
        `- ${f.filename} (${f.filename === 'report.csv' ? '18 B' : '2.9 KB'}): ${stack.baseUrl}/console/tickets/${id}/files/${f.id}`,
      );
    }
  });
});

describe("the assignee's mails come from the workflow", () => {
  it('an assignment whose API call died after the change still mails the agent, once, with a link to the console', async () => {
    const id = await openTicket('Exports fail', 'CSV export answers 502.');
    // The change alone, as if the API process had died right after the workflow took it.
    const handle = stack.client.workflow.getHandle(`ticket-${id}`);
    const first = await handle.executeUpdate(agentActionUpdate, {
      args: ['assign', { agent: samId }],
      updateId: 'assign:crashed-once',
    });
    await eventually(async () => (await agentMails(id, 'assigned')).length === 1, 10_000, 'the mail the worker sends');
    // The caller's retry with the same Idempotency-Key is the same update: the same version, no second mail.
    const retry = await sam.post(
      `/api/v1/tickets/${id}/actions/assign`,
      { agent: samId },
      { 'idempotency-key': 'crashed-once' },
    );
    expect(retry.status).toBe(200);
    expect(retry.body.sla.version).toBe(first.version);
    expect((await sam.post(`/api/v1/tickets/${id}/actions/close`, {})).status).toBe(200);
    await handle.result(); // every mail the workflow decided is out once it has finished

    const mails = await agentMails(id, 'assigned');
    expect(mails.map((m) => (m.to as { text: string }).text)).toEqual(['sam@support.local']);
    expect(mails[0]!.messageId).toMatch(
      new RegExp(`^<${id}\\.assigned\\.${first.version}\\.[0-9a-f]{16}@test\\.local>$`),
    );
    const link = /View the ticket: (\S+)/.exec(mails[0]!.text ?? '')![1]!;
    expect(link).toBe(`${stack.baseUrl}/console/tickets/${id}`);
    // The link opens the ticket for a signed-in agent and the sign-in page for anyone else.
    const page = await fetch(link, { headers: { cookie: await consoleLogin(stack.baseUrl, stack.adminKey) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`#${id}: Exports fail`);
    const anonymous = await fetch(link, { redirect: 'manual' });
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/console/login']);
  });
});

describe('search', () => {
  it("finds words of the subject, description and public messages; never internal notes, never another customer's ticket", async () => {
    const id = await openTicket(
      'Webhook retries',
      'Deliveries to our Zürich endpoint fail with a TLS handshake error.',
    );
    const other = await admin.post('/api/v1/tickets', {
      subject: 'TLS handshake',
      description: 'Another company sees handshake errors.',
      category: 'bug',
      customerEmail: 'bo@example.org',
    });
    expect(other.status).toBe(201);
    await eventually(
      async () => (await sam.get(`/api/v1/tickets/${other.body.id}`)).body.status === 'acknowledged',
      15_000,
      'acknowledgement',
    );

    expect(ids(await sam.get('/api/v1/tickets?q=webhook'))).toEqual([id]);
    expect(ids(await sam.get('/api/v1/tickets?q=zurich%20HANDSHAKE'))).toContain(id); // accents and case folded
    expect(ids(await sam.get('/api/v1/tickets?q=handshake')).sort()).toEqual([id, other.body.id].sort());
    expect(ids(await ada.get('/api/v1/tickets?q=handshake'))).toEqual([id]); // a customer searches only their own
    expect(ids(await sam.get('/api/v1/tickets?q=webhook%20quokka'))).toEqual([]); // every word must match

    await ada.post(`/api/v1/tickets/${id}/messages`, { body: 'Our proxy is a quokka-brand appliance.' });
    await sam.post(`/api/v1/tickets/${id}/messages`, { body: 'Suspect the wombat cipher list.', internal: true });
    await sam.post(`/api/v1/tickets/${id}/messages`, { body: 'Please send the numbat logs.' });
    expect(ids(await sam.get('/api/v1/tickets?q=quokka'))).toEqual([id]);
    expect(ids(await sam.get('/api/v1/tickets?q=numbat'))).toEqual([id]);
    expect(ids(await sam.get('/api/v1/tickets?q=wombat'))).toEqual([]);
    expect(ids(await sam.get(`/api/v1/tickets?q=${id.toLowerCase()}`))).toEqual([id]); // the ticket's own id
    expect(ids(await sam.get('/api/v1/tickets?q=a'))).toEqual([]); // too short to search
  });
});

describe('the actions valid now', () => {
  it('lists them with the ticket and changes them with its state', async () => {
    const id = await openTicket('Quota wrong', 'Storage quota shows 0 GB.');
    const acknowledged = (await sam.get(`/api/v1/tickets/${id}`)).body.actions as string[];
    expect(acknowledged).toEqual([
      'assign',
      'reply',
      'priority',
      'pending',
      'escalate',
      'resolve',
      'close',
      'reclassify',
    ]);
    await sam.post(`/api/v1/tickets/${id}/actions/resolve`, {});
    expect((await sam.get(`/api/v1/tickets/${id}`)).body.actions).toEqual([
      'assign',
      'reply',
      'reopen',
      'close',
      'reclassify',
    ]);
    expect((await ada.get(`/api/v1/tickets/${id}`)).body.actions).toEqual([]);
    await sam.post(`/api/v1/tickets/${id}/actions/close`, {});
    expect((await sam.get(`/api/v1/tickets/${id}`)).body.actions).toEqual([]);
  });

  it("follow the ticket's own policy when a newer one has another escalation ladder", async () => {
    const id = await openTicket('Invoices slow', 'Invoice PDFs take a minute.');
    expect((await sam.post(`/api/v1/tickets/${id}/actions/escalate`, {})).body.sla.escalationLevel).toBe('L2');
    // The newest policy stops at L2; this ticket keeps the ladder it was opened with (L1, L2, management).
    expect(
      (await admin.put('/api/v1/sla/policies/default', { escalation: [{ level: 'L2', afterBreachMinutes: 0 }] }))
        .status,
    ).toBe(201);
    const actions = (await sam.get(`/api/v1/tickets/${id}`)).body.actions as string[];
    expect(actions).toContain('escalate');
    expect((await sam.post(`/api/v1/tickets/${id}/actions/escalate`, {})).body.sla.escalationLevel).toBe('management');
    expect((await sam.get(`/api/v1/tickets/${id}`)).body.actions).not.toContain('escalate');
  });
});

describe('canned responses', () => {
  it('are managed by admins, read by agents, and refuse unknown placeholders', async () => {
    const body = 'Hello {{customer.name}}, ticket #{{ticket.id}} is with us; first answer by {{firstResponseDue}}.';
    const created = await admin.post('/api/v1/macros', { title: 'Received', body });
    expect(created.status).toBe(201);
    expect((await sam.post('/api/v1/macros', { title: 'Mine', body: 'x' })).status).toBe(403);
    const typo = await admin.post('/api/v1/macros', { title: 'Typo', body: 'Hi {{customer.nmae}}' });
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
    expect((await sam.get('/api/v1/macros')).body.items.map((m: { title: string }) => m.title)).toEqual(['Received']);
    const id = created.body.id as string;
    expect((await admin.put(`/api/v1/macros/${id}`, { title: 'Received v2', body })).body.title).toBe('Received v2');
    expect((await sam.get(`/api/v1/macros/${id}`)).body.title).toBe('Received v2');
    const del = await fetch(`${stack.baseUrl}/api/v1/macros/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
    expect(del.status).toBe(204);
    expect((await sam.get(`/api/v1/macros/${id}`)).status).toBe(404);
  });

  it('lists the agents a ticket can be assigned to', async () => {
    const agents = (await sam.get('/api/v1/agents')).body.items as { id: string; name: string }[];
    expect(agents.map((a) => a.name)).toEqual(['Kim Lee', 'Sam Agent']);
    expect(agents.map((a) => a.id)).not.toContain(adaId);
    expect((await ada.get('/api/v1/agents')).status).toBe(403);
  });
});
