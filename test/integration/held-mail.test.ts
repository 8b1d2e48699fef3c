import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { openInboundMail } from '../support/inbound-mail';
import { startStack, type TestStack } from '../support/stack';

/**
 * Held means held: a mail naming a ticket from its customer's address without proof is kept for agents, and so are
 * its files. They are not the customer's until an agent releases the mail, and they take nothing of the customer's
 * quota (here 3 files a ticket), so forged mail can neither put files in front of the customer nor crowd theirs out.
 */

let stack: TestStack;
let inbound: Awaited<ReturnType<typeof openInboundMail>>;
let admin: ApiClient;
let customer: ApiClient;
let customerKey = '';
let agent: ApiClient;
let agentKey = '';
let ticketId = '';
const run = Date.now().toString(36);
const mia = `mia-${run}@example.com`;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c80000000049454e44ae426082',
  'hex',
);

beforeAll(async () => {
  stack = await startStack({ attachmentQuota: { maxBytes: 1024 * 1024, maxFiles: 3 } });
  inbound = await openInboundMail(stack);
  admin = apiClient(stack.baseUrl, stack.adminKey);
  customerKey = (await admin.post('/api/v1/users', { role: 'customer', name: 'Mia', email: mia })).body.apiKey;
  customer = apiClient(stack.baseUrl, customerKey);
  agentKey = (await admin.post('/api/v1/users', { role: 'agent', name: 'Ola', email: `ola-${run}@support.local` })).body
    .apiKey;
  agent = apiClient(stack.baseUrl, agentKey);
  ticketId = (await customer.post('/api/v1/tickets', { subject: 'Invoice wrong', description: 'See', category: 'bug' }))
    .body.id;
});
afterAll(async () => {
  await inbound?.close();
  await stack?.close();
});

/** Mail From the customer's address, sent by someone else, citing the ticket by its subject tag only. */
const forge = (n: number) =>
  inbound.deliver({
    envelope: { from: `mallory-${run}@evil.example`, to: ['support@desk.test'] },
    from: mia,
    subject: `Re: Invoice wrong [#${ticketId}]`,
    text: `Forged ${n}: pay the attached invoice.`,
    attachments: [{ filename: `invoice-from-support-${n}.png`, content: PNG }],
  } as Mail.Options);

async function upload(name: string) {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(PNG)]), name);
  const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${ticketId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customerKey}` },
    body: form,
  });
  return res.status;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const names = (list: any[]) => list.map((a) => a.filename as string).sort();
const heldNotes = async () =>
  (await agent.get(`/api/v1/tickets/${ticketId}/messages`)).body.messages.filter(
    (m: { mail?: { held?: unknown } }) => m.mail?.held,
  ) as { id: string; mail: { held: { status: string } } }[];

describe('files of a held mail', () => {
  it('are for agents only and outside the customer’s quota: the customer’s own upload still fits', async () => {
    for (const n of [1, 2, 3]) expect(await forge(n)).toEqual({ outcome: 'held', ticketId });

    expect((await customer.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments).toEqual([]);
    const page = await (await fetch(stack.desk.links.customerUrl(ticketId))).text();
    expect(page).not.toContain('invoice-from-support');
    const portalView = await stack.desk.portal.ticket(
      { id: (await stack.store.users.byEmail(mia))!.id, email: mia, name: 'Mia', trainingIncluded: false },
      ticketId,
    );
    expect(portalView.files).toEqual([]);

    const forAgents = (await agent.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments;
    expect(names(forAgents)).toEqual([1, 2, 3].map((n) => `invoice-from-support-${n}.png`));
    expect(forAgents.every((a: { held?: boolean }) => a.held === true)).toBe(true);
    // A held file is not the customer's to download, by any path.
    const fileId = forAgents[0].id;
    const download = (key: string) =>
      fetch(`${stack.baseUrl}/api/v1/tickets/${ticketId}/attachments/${fileId}`, {
        headers: { authorization: `Bearer ${key}` },
      }).then((r) => r.status);
    expect(await download(customerKey)).toBe(404);
    expect((await fetch(`${stack.desk.links.customerUrl(ticketId)}/files/${fileId}`)).status).toBe(404);
    expect(await download(agentKey)).toBe(200);

    // The held files take none of the 3-file quota: the customer's own two uploads fit.
    expect(await upload('screenshot-1.png')).toBe(201);
    expect(await upload('screenshot-2.png')).toBe(201);
    expect(names((await customer.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments)).toEqual([
      'screenshot-1.png',
      'screenshot-2.png',
    ]);
  });

  it("are the customer's once an agent releases the mail, counted then", async () => {
    const [first, second, third] = await heldNotes();
    expect((await customer.post(`/api/v1/tickets/${ticketId}/held-mail/${first!.id}/release`)).status).toBe(403);

    const released = await agent.post(`/api/v1/tickets/${ticketId}/held-mail/${first!.id}/release`);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', files: 1 });
    const mine = (await customer.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments;
    expect(names(mine)).toEqual(['invoice-from-support-1.png', 'screenshot-1.png', 'screenshot-2.png']);
    const thread = (await customer.get(`/api/v1/tickets/${ticketId}/messages`)).body.messages;
    expect(thread.map((m: { body: string }) => m.body)).toContain('Forged 1: pay the attached invoice.');
    expect((await agent.post(`/api/v1/tickets/${ticketId}/held-mail/${first!.id}/release`)).status).toBe(409);

    // The quota is full now (3 files): releasing another held mail with a file is refused whole.
    const over = await agent.post(`/api/v1/tickets/${ticketId}/held-mail/${second!.id}/release`);
    expect(over.status).toBe(413);
    expect((await heldNotes()).find((n) => n.id === second!.id)!.mail.held.status).toBe('pending');

    // Discarded: its file is gone for everyone, the note stays marked.
    const discarded = await agent.post(`/api/v1/tickets/${ticketId}/held-mail/${third!.id}/discard`);
    expect(discarded.body).toMatchObject({ status: 'discarded', files: 1 });
    const left = (await agent.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments;
    expect(names(left)).not.toContain('invoice-from-support-3.png');
    expect((await heldNotes()).find((n) => n.id === third!.id)!.mail.held.status).toBe('discarded');
  });

  it('are released or discarded from the console too', async () => {
    const [, second] = await heldNotes();
    const cookie = await consoleLogin(stack.baseUrl, agentKey);
    const page = await (await fetch(`${stack.baseUrl}/console/tickets/${ticketId}`, { headers: { cookie } })).text();
    expect(page).toContain(`id="discard-${second!.id}"`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const res = await fetch(`${stack.baseUrl}/console/tickets/${ticketId}/held-mail/${second!.id}/discard`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(res.status).toBe(303);
    expect((await heldNotes()).find((n) => n.id === second!.id)!.mail.held.status).toBe('discarded');
  });

  it('answer 404 for a message of the thread that is no held mail, and 400 for what is no message id', async () => {
    const thread = (await agent.get(`/api/v1/tickets/${ticketId}/messages`)).body.messages as {
      id: string;
      mail?: { held?: unknown };
    }[];
    const plain = thread.find((m) => !m.mail?.held)!;
    for (const decision of ['release', 'discard']) {
      const res = await agent.post(`/api/v1/tickets/${ticketId}/held-mail/${plain.id}/${decision}`);
      expect(res.status, `${decision} of ${plain.id}`).toBe(404);
    }
    const malformed = await agent.post(`/api/v1/tickets/${ticketId}/held-mail/not%20an%20id/release`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('messageId');
  });
});
