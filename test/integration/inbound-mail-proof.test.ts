import { randomBytes } from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { openInboundMail } from '../support/inbound-mail';
import { mailsFor } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A reply proves its sender by citing a mail we sent to that person alone. That proof is only worth anything if
 * nobody else can know the cited Message-ID: one built from the ticket number and the kind of mail
 * (`<ID.acknowledgement@…>`) can be typed by anyone who has seen the ticket number, with any From.
 */

let stack: TestStack;
let inbound: Awaited<ReturnType<typeof openInboundMail>>;
let agent: ApiClient;
const outbox = inject('outboxDir');
const run = randomBytes(3).toString('hex');
const ada = `ada-${run}@example.com`;
const samEmail = `sam-${run}@example.com`;
let ticketId = '';

beforeAll(async () => {
  stack = await startStack();
  inbound = await openInboundMail(stack);
  agent = apiClient(
    stack.baseUrl,
    (
      await apiClient(stack.baseUrl, stack.adminKey).post('/api/v1/users', {
        role: 'agent',
        name: 'Sam Agent',
        email: samEmail,
      })
    ).body.apiKey,
  );
  ticketId = (await deliver({ from: `Ada <${ada}>`, subject: 'Export fails', text: 'The CSV export times out.' }))
    .ticketId!;
  await sent('acknowledgement');
});
afterAll(async () => {
  await inbound?.close();
  await stack?.close();
});

const deliver = (mail: Mail.Options) => inbound.deliver(mail);
const sent = (kind: string) =>
  eventually(
    async () => (await mailsFor(outbox, ticketId)).find((m) => m.headers.get('x-notification-kind') === kind),
    15_000,
    `the ${kind} mail`,
  );
const status = async () => (await agent.get(`/api/v1/tickets/${ticketId}`)).body.status as string;
const thread = () => stack.store.messages.forTicket(ticketId, { includeInternal: true });

describe('a cited Message-ID proves the sender only when it could not be guessed', () => {
  it("holds a forged customer reply citing the acknowledgement's guessable ID: the resolved ticket stays resolved", async () => {
    expect((await agent.post(`/api/v1/tickets/${ticketId}/actions/resolve`, { body: 'Fixed in 2.3.1.' })).status).toBe(
      200,
    );
    await eventually(async () => (await status()) === 'resolved', 15_000, 'resolved');
    const guessed = `<${ticketId}.acknowledgement@test.local>`;
    const forged = await deliver({
      envelope: { from: `mallory-${run}@evil.example`, to: ['support@desk.test'] },
      from: ada,
      subject: `Re: We received your request [#${ticketId}]`,
      text: 'Still broken, reopen it.',
      inReplyTo: guessed,
      references: [guessed],
    } as Mail.Options);
    expect(forged).toEqual({ outcome: 'held', ticketId });
    expect(await status()).toBe('resolved');
    expect((await thread()).filter((m) => !m.internal).map((m) => m.body)).toEqual(['Fixed in 2.3.1.']);
  });

  it('still threads the real reply, which cites the Message-ID the customer received', async () => {
    const ack = await sent('acknowledgement');
    const r = await deliver({
      from: ada,
      subject: `Re: ${ack.subject}`,
      text: 'It broke again.',
      inReplyTo: ack.messageId,
      references: [ack.messageId!],
    });
    expect(r).toEqual({ outcome: 'threaded', ticketId });
    await eventually(async () => (await status()) === 'open', 15_000, 'reopened');
  });

  it("holds a forged agent's mail citing the guessable ID of the assignment mail: nothing reaches the customer", async () => {
    // The admin assigns Sam, so Sam is mailed (an agent who takes a ticket themself is not).
    const assigned = await apiClient(stack.baseUrl, stack.adminKey).post(`/api/v1/tickets/${ticketId}/actions/assign`, {
      agent: samEmail,
    });
    expect(assigned.status).toBe(200);
    const mail = await sent('assigned');
    const guessed = `<${ticketId}.assigned.${assigned.body.sla.version}@test.local>`;
    const forged = await deliver({
      envelope: { from: `mallory-${run}@evil.example`, to: ['support@desk.test'] },
      from: `Sam Agent <${samEmail}>`,
      subject: `Re: ${mail.subject}`,
      text: 'Your refund goes to IBAN XX00 0000: reply with your card number.',
      inReplyTo: guessed,
      references: [guessed],
    } as Mail.Options);
    expect(forged).toEqual({ outcome: 'held', ticketId });
    const agentReplies = (await thread()).filter((m) => m.kind === 'reply');
    expect(agentReplies.map((m) => m.body)).toEqual([]);
    // The real assignee, answering the mail they received, is taken at their word.
    const real = await deliver({
      from: samEmail,
      subject: `Re: ${mail.subject}`,
      text: 'Looking into it now.',
      inReplyTo: mail.messageId,
      references: [mail.messageId!],
    });
    expect(real).toEqual({ outcome: 'threaded', ticketId });
    const reply = await sent('agent_reply');
    expect(reply.text).toContain('Looking into it now.');
    expect(
      (await mailsFor(outbox, ticketId)).filter((m) => m.headers.get('x-notification-kind') === 'agent_reply'),
    ).toHaveLength(1);
  });
});
