import { randomBytes } from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { HELD_NOTICES_PER_TICKET } from '../../desk/held-mail-notice';
import { openInboundMail } from '../support/inbound-mail';
import { mailsFor } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';
import { expectReadableOutbox } from '../support/human-time';

/**
 * A new mail (not a reply to ours) naming a ticket from its customer's address is held, since a From can be
 * forged; the customer hears of it at the address on file, once per held mail and a few times per ticket at most.
 */

let stack: TestStack;
let inbound: Awaited<ReturnType<typeof openInboundMail>>;
const outbox = inject('outboxDir');
const run = randomBytes(3).toString('hex');
const ada = `ada-${run}@example.com`;
let ticketId = '';

beforeAll(async () => {
  stack = await startStack();
  inbound = await openInboundMail(stack);
  ticketId = (await deliver({ from: `Ada <${ada}>`, subject: 'Export fails', text: 'The CSV export times out.' }))
    .ticketId!;
});
afterAll(async () => {
  await inbound?.close();
  await stack?.close();
});

const deliver = (mail: Mail.Options) => inbound.deliver(mail);
const notices = async () =>
  (await mailsFor(outbox, ticketId)).filter((m) => m.headers.get('x-notification-kind') === 'held_mail_notice');
const heldNotes = async () =>
  (await stack.store.messages.forTicket(ticketId, { includeInternal: true })).filter((m) => m.kind === 'internal_note');

describe("a held mail naming a customer's ticket", () => {
  it('is held, and its customer is mailed once, at the address on file, how to add to the ticket for certain', async () => {
    const messageId = `<${randomBytes(8).toString('hex')}@client.example>`;
    const mail = {
      envelope: { from: `mallory-${run}@evil.example`, to: ['support@desk.test'] },
      from: ada,
      subject: `More on this [#${ticketId}]`,
      text: 'Also the PDF.',
      messageId,
    };
    expect(await deliver(mail as Mail.Options)).toEqual({ outcome: 'held', ticketId });
    const [notice] = await eventually(async () => ((await notices()).length ? notices() : null), 15_000, 'the notice');
    expect(notice!.to).toMatchObject({ value: [{ address: ada }] });
    expect(notice!.subject).toContain(`[#${ticketId}]`);
    expect(notice!.text).toContain(`ticket #${ticketId}`);
    expect(notice!.text).toContain('reply to one of the mails we sent you');
    expect(notice!.text).toMatch(/\/t\/[A-Za-z0-9_-]{43}/);
    expect(notice!.headers.get('auto-submitted')).toBe('auto-replied');
    // Agents see on the held note that the customer was told.
    const [note] = await heldNotes();
    expect(note!.body).toContain('The customer was told by mail');
    // The same message delivered again is a duplicate: no second notice.
    expect(await deliver(mail as Mail.Options)).toMatchObject({ outcome: 'duplicate' });
    expect(await notices()).toHaveLength(1);
  });

  it('mails no notice for an auto-reply naming the ticket', async () => {
    const before = (await notices()).length;
    const r = await deliver({
      from: ada,
      subject: `Out of office: Re: [#${ticketId}]`,
      text: 'I am away.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(r).toMatchObject({ outcome: 'ignored' });
    expect(await notices()).toHaveLength(before);
  });

  it('sends at most a few notices per ticket under a flood of forged mails, and says so on the notes', async () => {
    for (let i = 0; i < HELD_NOTICES_PER_TICKET + 3; i++) {
      expect(await deliver({ from: ada, subject: `Flood ${i} [#${ticketId}]`, text: `forged ${i}` })).toEqual({
        outcome: 'held',
        ticketId,
      });
    }
    const notes = await heldNotes();
    expect(notes).toHaveLength(HELD_NOTICES_PER_TICKET + 4);
    expect(notes.filter((n) => n.body.includes('The customer was told by mail'))).toHaveLength(HELD_NOTICES_PER_TICKET);
    expect(notes.filter((n) => n.body.includes('The customer was not told'))).toHaveLength(4);
    await eventually(async () => (await notices()).length === HELD_NOTICES_PER_TICKET, 15_000, 'the notices');
    expect(await notices()).toHaveLength(HELD_NOTICES_PER_TICKET);
  });
});

it('writes every time in the mails it sent to the minute, with the zone named', async () => {
  await expectReadableOutbox(outbox);
});
