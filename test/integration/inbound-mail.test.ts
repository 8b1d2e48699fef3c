import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startInboundSmtp, type InboundSmtp } from '../../channels/inbound-smtp';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor, readOutbox } from '../support/outbox';
import { replyTag } from '../../lib/reply-token';
import { startStack, TEST_REPLY_SECRET, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

let stack: TestStack;
let smtp: InboundSmtp;
let transport: nodemailer.Transporter;
let agent: ApiClient;
let agentEmail: string;
let agentKey: string;
const outbox = inject('outboxDir');
const run = randomBytes(3).toString('hex');
const addr = (who: string) => `${who}-${run}@example.com`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

beforeAll(async () => {
  stack = await startStack();
  smtp = await startInboundSmtp({ port: 0, processor: stack.desk.inboundMail });
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  agentEmail = addr('sam');
  const res = await apiClient(stack.baseUrl, stack.adminKey).post('/api/v1/users', {
    role: 'agent',
    name: 'Sam Agent',
    email: agentEmail,
  });
  agentKey = res.body.apiKey;
  agent = apiClient(stack.baseUrl, agentKey);
});
afterAll(async () => {
  transport?.close();
  await smtp?.close();
  await stack?.close();
});

/** Delivers over real SMTP; our listener's 250 reply names the outcome ("accepted: created #ID"). */
async function deliver(mail: Mail.Options): Promise<{ outcome: string; ticketId?: string }> {
  const info = await transport.sendMail({ to: 'support@desk.test', ...mail });
  const m = /accepted: (\w+)(?: #(\w+))?/.exec(String(info.response));
  if (!m) throw new Error(`unexpected SMTP response: ${info.response}`);
  return { outcome: m[1]!, ticketId: m[2] };
}

const newId = () => `<${randomBytes(8).toString('hex')}@client.example>`;
const thread = (id: string) => stack.store.messages.forTicket(id, { includeInternal: true });
/** The updates of one name a ticket's workflow accepted. */
const updatesNamed = (history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>, name: string) =>
  history.events!.filter(
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name,
  );
const mailsTo = async (address: string) =>
  (await readOutbox(outbox)).filter((m) => JSON.stringify(m.to).includes(address));

async function acknowledgement(ticketId: string) {
  return eventually(
    async () =>
      (await mailsFor(outbox, ticketId)).find((m) => m.headers.get('x-notification-kind') === 'acknowledgement'),
    15_000,
    'the acknowledgement',
  );
}

describe('a new message and its replies', () => {
  const ada = addr('ada');
  let ticketId: string;

  it('opens a ticket for an unknown sender and acknowledges it by mail', async () => {
    const r = await deliver({
      from: `Ada Lovelace <${ada}>`,
      subject: 'Export fails',
      text: 'The CSV export times out.',
      messageId: newId(),
    });
    expect(r.outcome).toBe('created');
    ticketId = r.ticketId!;
    const ticket = await stack.store.tickets.get(ticketId);
    expect(ticket).toMatchObject({
      subject: 'Export fails',
      description: 'The CSV export times out.',
      channel: 'email',
      category: 'question',
      priority: 'normal',
      customerEmail: ada,
    });
    expect(await stack.store.users.byEmail(ada)).toMatchObject({ role: 'customer', name: 'Ada Lovelace' });
    const ack = await acknowledgement(ticketId);
    expect(JSON.stringify(ack.to)).toContain(ada);
  });

  it('threads a reply citing the acknowledgement and passes it to the workflow as an update', async () => {
    const ack = await acknowledgement(ticketId);
    const r = await deliver({
      from: ada,
      subject: `Re: ${ack.subject}`,
      text: 'It is 2 GB.\n\nOn Mon, 1 Jan 2026, Support wrote:\n> We received your request',
      inReplyTo: ack.messageId,
      references: [ack.messageId!],
      messageId: newId(),
    });
    expect(r).toEqual({ outcome: 'threaded', ticketId });
    expect((await thread(ticketId)).map((m) => [m.authorRole, m.channel, m.body])).toEqual([
      ['customer', 'email', 'It is 2 GB.'],
    ]);
    const history = await stack.client.workflow.getHandle(`ticket-${ticketId}`).fetchHistory();
    expect(updatesNamed(history, 'addCustomerReply')).toHaveLength(1);
  });

  it('holds unproven mail naming the ticket, from its customer or from an agent: an internal note, never mailed, never counted', async () => {
    expect(
      await deliver({ from: ada, subject: `Also the PDF export [#${ticketId}]`, text: 'PDF too.', messageId: newId() }),
    ).toMatchObject({ outcome: 'held', ticketId });
    expect(
      await deliver({ from: agentEmail, subject: `Re: [#${ticketId}]`, text: 'Forged fix.', messageId: newId() }),
    ).toMatchObject({ outcome: 'held', ticketId });
    expect((await thread(ticketId)).map((m) => [m.authorRole, m.internal, m.body.split('\n').pop()])).toEqual([
      ['customer', false, 'It is 2 GB.'],
      ['customer', true, 'PDF too.'],
      ['agent', true, 'Forged fix.'],
    ]);
    const history = await stack.client.workflow.getHandle(`ticket-${ticketId}`).fetchHistory();
    expect(updatesNamed(history, 'addCustomerReply')).toHaveLength(1);
    expect(updatesNamed(history, 'agentAction')).toHaveLength(0);
  });

  it("threads an agent's mail to its reply-token address and mails it to the customer", async () => {
    const to = `support+${replyTag(TEST_REPLY_SECRET, ticketId, agentEmail)}@desk.test`;
    expect(
      await deliver({
        from: agentEmail,
        to,
        subject: `Re: [#${ticketId}]`,
        text: 'Fixed in 2.3.1.',
        messageId: newId(),
      }),
    ).toEqual({ outcome: 'threaded', ticketId });
    expect((await thread(ticketId)).filter((m) => !m.internal).map((m) => [m.authorRole, m.body])).toEqual([
      ['customer', 'It is 2 GB.'],
      ['agent', 'Fixed in 2.3.1.'],
    ]);
    const reply = await eventually(
      async () =>
        (await mailsFor(outbox, ticketId)).find((m) => m.headers.get('x-notification-kind') === 'agent_reply'),
      15_000,
      'the agent reply mail',
    );
    expect(reply.text).toContain('Fixed in 2.3.1.');
    expect(reply.text).not.toContain('Forged fix.');
    // A person's answer: no Auto-Submitted, threaded, Exchange asked for no out-of-office reply, a reply token for the customer.
    expect(reply.headers.get('auto-submitted')).toBeUndefined();
    expect(reply.headers.get('x-auto-response-suppress')).toBe('OOF, AutoReply');
    expect(reply.inReplyTo).toBe(`<ticket-${ticketId}@test.local>`);
    expect(reply.references).toBe(`<ticket-${ticketId}@test.local>`);
    expect(reply.replyTo?.value[0]?.address).toBe(`support+${replyTag(TEST_REPLY_SECRET, ticketId, ada)}@test.local`);
    const ack = await acknowledgement(ticketId);
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
  });

  it("does not let a stranger write into someone else's ticket: the stranger gets a ticket of their own", async () => {
    const before = (await thread(ticketId)).length;
    const r = await deliver({
      from: addr('mallory'),
      subject: `Re: [#${ticketId}]`,
      text: 'Let me in.',
      messageId: newId(),
    });
    expect(r.outcome).toBe('created');
    expect(r.ticketId).not.toBe(ticketId);
    expect((await stack.store.tickets.get(r.ticketId!))?.subject).toBe('Re:');
    expect(await thread(ticketId)).toHaveLength(before);
  });

  it('opens a follow-up ticket, referring to the old one, when the customer writes to a closed ticket', async () => {
    expect((await agent.post(`/api/v1/tickets/${ticketId}/actions/close`, {})).status).toBe(200);
    const ack = await acknowledgement(ticketId);
    const r = await deliver({
      from: ada,
      subject: `Re: Export fails [#${ticketId}]`,
      text: 'It broke again.',
      inReplyTo: ack.messageId,
      messageId: newId(),
    });
    expect(r.outcome).toBe('created');
    const followUp = await stack.store.tickets.get(r.ticketId!);
    expect(followUp?.description).toBe(`Follow-up to ticket #${ticketId}, which is closed.\n\nIt broke again.`);
    expect(followUp?.subject).toBe('Re: Export fails');
  });
});

describe('mail from machines', () => {
  it('ignores an auto-reply: no ticket, no customer, no mail back', async () => {
    const robot = addr('ooo');
    const r = await deliver({
      from: robot,
      subject: 'Out of office',
      text: 'Back Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
      messageId: newId(),
    });
    expect(r).toEqual({ outcome: 'ignored', ticketId: undefined });
    expect(await stack.store.users.byEmail(robot)).toBeNull();
    expect(await mailsTo(robot)).toEqual([]);
  });

  it('ignores a mailer-daemon bounce with a null sender, even when it cites a ticket', async () => {
    const owner = addr('bounced');
    const { ticketId } = await deliver({ from: owner, subject: 'Hello', text: 'Hi.', messageId: newId() });
    await acknowledgement(ticketId!);
    const r = await deliver({
      envelope: { from: '', to: ['support@desk.test'] },
      from: 'MAILER-DAEMON@mx.example.org',
      subject: 'Undelivered Mail Returned to Sender',
      text: 'Delivery failed.',
      references: [`<ticket-${ticketId}@test.local>`],
      messageId: newId(),
    } as Mail.Options);
    expect(r.outcome).toBe('ignored');
    expect(await thread(ticketId!)).toEqual([]);
    const record = await stack.store.conn.collection('inbound_mail').findOne({ reason: /mailer-daemon|null sender/ });
    expect(record?.outcome).toBe('ignored');
    expect((await mailsFor(outbox, ticketId!)).map((m) => m.headers.get('x-notification-kind'))).toEqual([
      'acknowledgement',
    ]);
  });
});

describe('robustness', () => {
  it('processes the same Message-ID once', async () => {
    const from = addr('twice');
    const mail = { from, subject: 'Twice', text: 'Sent twice by a retrying server.', messageId: newId() };
    const first = await deliver(mail);
    const second = await deliver(mail);
    expect(first.outcome).toBe('created');
    expect(second).toEqual({ outcome: 'duplicate', ticketId: first.ticketId });
    expect(await stack.store.conn.collection('tickets').countDocuments({ customerEmail: from })).toBe(1);
  });

  it('processes a different message that reuses a Message-ID from another sender', async () => {
    const messageId = newId();
    const first = await deliver({ from: addr('first'), subject: 'First', text: 'One.', messageId });
    const second = await deliver({ from: addr('second'), subject: 'Second', text: 'Two.', messageId });
    expect([first.outcome, second.outcome]).toEqual(['created', 'created']);
    expect(second.ticketId).not.toBe(first.ticketId);
    expect((await stack.store.tickets.get(second.ticketId!))?.description).toBe('Two.');
  });

  it('rejects bytes that are not a mail with 550, keeping them', async () => {
    const marker = `garbage-${run}`;
    const err = await transport
      .sendMail({
        envelope: { from: addr('junk'), to: ['support@desk.test'] },
        raw: `${marker} \u0000\u0001 no headers here\r\n`,
      })
      .then(
        () => null,
        (e: { responseCode?: number }) => e,
      );
    expect(err?.responseCode).toBe(550);
    const rejected = await stack.store.conn.collection('inbound_mail').find({ status: 'rejected' }).toArray();
    const kept = rejected.find((r) => Buffer.from(r.raw.buffer).toString('latin1').includes(marker));
    expect(kept?.reason).toMatch(/not a MIME message/);
  });

  it('saves what parses from a broken multipart message', async () => {
    const from = addr('broken');
    const raw = [
      `From: ${from}`,
      'Subject: Half a message',
      `Message-ID: ${newId()}`,
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'The part that survived.',
      '--b1',
      'Content-Type: image/png; name="cut.png"',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0K!!!not base64',
    ].join('\r\n');
    const info = await transport.sendMail({ envelope: { from, to: ['support@desk.test'] }, raw });
    const id = /#(\w+)/.exec(String(info.response))![1]!;
    expect(await stack.store.tickets.get(id)).toMatchObject({
      subject: 'Half a message',
      description: 'The part that survived.',
    });
  });

  it('keeps allowed attachments and skips the rest', async () => {
    const messageId = newId();
    const from = addr('shots');
    const r = await deliver({
      from,
      subject: 'Screenshot attached',
      text: 'See the screenshot.',
      messageId,
      attachments: [
        { filename: 'screen.png', content: PNG, contentType: 'image/png' },
        // Judged by content (desk/attachments.ts): a real executable's header holds NUL bytes, so it is no text.
        {
          filename: 'tool.exe',
          content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]),
          contentType: 'application/x-msdownload',
        },
      ],
    });
    const files = await stack.store.attachments.forTicket(r.ticketId!);
    expect(files.map((f) => [f.filename, f.contentType, f.size])).toEqual([['screen.png', 'image/png', PNG.length]]);
    expect((await stack.store.attachments.get(files[0]!.id))?.data.equals(PNG)).toBe(true);
    const record = await stack.store.conn
      .collection('inbound_mail')
      .findOne({ _id: `mid:${messageId}:${from}` } as never);
    expect(record?.skippedAttachments).toEqual([
      { filename: 'tool.exe', reason: 'not a PNG, JPEG, GIF, WebP, PDF, ZIP or plain text file' },
    ]);
  });
});

describe('POST /api/v1/inbound/email', () => {
  const raw = (from: string, subject: string) =>
    `From: ${from}\r\nTo: support@desk.test\r\nSubject: ${subject}\r\nMessage-ID: ${newId()}\r\n\r\nPosted by a provider.\r\n`;
  const post = (body: string, key?: string, type = 'message/rfc822') =>
    fetch(`${stack.baseUrl}/api/v1/inbound/email`, {
      method: 'POST',
      headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });

  it('takes raw MIME with the inbound token only', async () => {
    expect((await post(raw(addr('http'), 'No key'))).status).toBe(401);
    const res = await post(raw(addr('http'), 'Via HTTP'), stack.inboundToken);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { outcome: string; ticketId: string };
    expect(body.outcome).toBe('created');
    expect((await stack.store.tickets.get(body.ticketId))?.subject).toBe('Via HTTP');
  });

  it("refuses an agent's or admin's key: nobody but the MTA posts mail in a customer's name", async () => {
    const victim = addr('victim');
    const ownerOf = await deliver({ from: victim, subject: 'Mine', text: 'My ticket.', messageId: newId() });
    for (const key of [stack.adminKey, agentKey]) {
      const res = await post(raw(victim, `Forged [#${ownerOf.ticketId}]`), key);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect(await thread(ownerOf.ticketId!)).toEqual([]);
    expect(await stack.store.conn.collection('tickets').countDocuments({ customerEmail: victim })).toBe(1);
  });

  it('takes a bounce with X-Envelope-From <>: recorded, no customer "<>", no ticket', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/inbound/email`, {
      method: 'POST',
      headers: {
        'content-type': 'message/rfc822',
        authorization: `Bearer ${stack.inboundToken}`,
        'x-envelope-from': '<>',
      },
      body: `To: support@desk.test\r\nSubject: Delivery failure\r\nMessage-ID: ${newId()}\r\n\r\nCould not deliver.\r\n`,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/null sender/) });
    expect(await stack.store.users.byEmail('<>')).toBeNull();
    expect(await stack.store.conn.collection('users').countDocuments({ email: { $in: ['<>', ''] } })).toBe(0);
  });

  it('refuses customers, non-MIME content types and unusable messages', async () => {
    const customer = await apiClient(stack.baseUrl, stack.adminKey).post('/api/v1/users', {
      role: 'customer',
      name: 'C',
      email: addr('cust'),
    });
    expect((await post(raw(addr('http'), 'Customer key'), customer.body.apiKey)).status).toBe(403);
    expect((await post('{"a":1}', stack.inboundToken, 'application/json')).status).toBe(415);
    const bad = await post('Subject: no sender\r\n\r\n', stack.inboundToken);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/no sender address/);
  });
});
