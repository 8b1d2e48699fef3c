import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startInboundSmtp, type InboundSmtp } from '../../channels/inbound-smtp';
import { ACKNOWLEDGEMENT_KEY } from '../../domain/ticket-sla';
import { notificationMessageId, replyToken } from '../../lib/reply-token';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor } from '../support/outbox';
import { startStack, TEST_REPLY_SECRET, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The committed corpus (test/fixtures/mail/), delivered over real SMTP to a real stack: robots from
 * several MTAs and providers change nothing; replies from each client thread in with only their new
 * text; charsets decode; files are kept or refused with a reason the customer is told.
 */

const FIXTURES = path.join(import.meta.dirname, '../fixtures/mail');
const outbox = inject('outboxDir');
const run = randomBytes(3).toString('hex');
let stack: TestStack;
let smtp: InboundSmtp;
let transport: nodemailer.Transporter;
let agent: ApiClient;
const customer = `ada-${run}@customer.example`;
let ticketId: string;
let delivered = 0;

/** A fixture with the test's ticket, customer and token filled in, and a Message-ID unique to this run. */
function fixture(name: string, ticket = ticketId, address = customer): Buffer {
  const raw = fs.readFileSync(path.join(FIXTURES, name)).toString('latin1');
  return Buffer.from(
    raw
      // A bounce or auto-reply citing our receipt cites the Message-ID it was sent under, MAC and all.
      .replaceAll(
        '<TICKETID.acknowledgement@test.local>',
        notificationMessageId(TEST_REPLY_SECRET, ACKNOWLEDGEMENT_KEY(ticket), 'test.local'),
      )
      .replaceAll('TICKETID', ticket)
      .replaceAll('TOKEN', replyToken(TEST_REPLY_SECRET, ticket, address))
      .replaceAll('ADDRESS', address)
      .replace(/^(Message-I[dD]:\s*<)/m, `$1${run}.${++delivered}.`),
    'latin1',
  );
}

async function deliver(
  raw: Buffer,
  envelopeFrom = 'sender@relay.example',
): Promise<{ outcome: string; ticketId?: string }> {
  const info = await transport.sendMail({ envelope: { from: envelopeFrom, to: ['support@desk.test'] }, raw });
  const m = /accepted: (\w+)(?: #(\w+))?/.exec(String(info.response));
  if (!m) throw new Error(`unexpected SMTP response: ${info.response}`);
  return { outcome: m[1]!, ticketId: m[2] };
}

const thread = (id: string) => stack.store.messages.forTicket(id, { includeInternal: true });
const status = async (id: string) => ((await agent.get(`/api/v1/tickets/${id}`)).body as { status: string }).status;
const kinds = async (id: string) => (await mailsFor(outbox, id)).map((m) => m.headers.get('x-notification-kind'));

beforeAll(async () => {
  stack = await startStack();
  smtp = await startInboundSmtp({ port: 0, processor: stack.desk.inboundMail });
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const res = await apiClient(stack.baseUrl, stack.adminKey).post('/api/v1/users', {
    role: 'agent',
    name: 'Sam Agent',
    email: `sam-${run}@desk.test`,
  });
  agent = apiClient(stack.baseUrl, res.body.apiKey);
  const opened = await transport.sendMail({
    from: `Ada Lovelace <${customer}>`,
    to: 'support@desk.test',
    subject: 'Export fails',
    text: 'The CSV export times out.',
  });
  ticketId = /#(\w+)/.exec(String(opened.response))![1]!;
  await eventually(async () => (await kinds(ticketId)).includes('acknowledgement'), 15_000, 'the acknowledgement');
}, 120_000);
afterAll(async () => {
  transport?.close();
  await smtp?.close();
  await stack?.close();
});

const ROBOTS: [file: string, reason: RegExp, namesTicket: boolean, nullSender: boolean][] = [
  ['robots/postfix-bounce.eml', /Auto-Submitted: auto-replied/, false, true],
  ['robots/exim-bounce.eml', /Auto-Submitted: auto-replied/, false, true],
  ['robots/sendmail-bounce.eml', /Auto-Submitted: auto-generated/, false, true],
  ['robots/exchange-ndr.eml', /report \(delivery-status\)/, true, false],
  ['robots/outlookcom-ndr.eml', /report \(delivery-status\)/, true, false],
  ['robots/gmail-bounce.eml', /Auto-Submitted: auto-replied/, true, true],
  ['robots/post-master-bounce.eml', /sent by post_master/, true, false],
  ['robots/noreply-notice.eml', /sent by no-reply/, false, false],
  ['robots/list-manager.eml', /mailing list \(list-id\)/, false, false],
  ['robots/rfc3834-vacation.eml', /Auto-Submitted: auto-replied/, true, false],
  ['robots/icloud-vacation.eml', /X-Apple-Action: vacation/, true, false],
  ['robots/exchange-oof.eml', /X-Auto-Response-Suppress: All/, true, false],
  ['robots/x-autoreply.eml', /X-Autoreply/, true, false],
  ['robots/x-autorespond.eml', /X-Autorespond/, false, false],
  ['robots/precedence-auto-reply.eml', /Precedence: auto_reply/, true, false],
  ['robots/precedence-bulk.eml', /Precedence: bulk/, false, false],
  ['robots/arf-feedback.eml', /report \(feedback-report\)/, true, false],
  ['robots/null-sender-empty-from.eml', /null sender/, false, true],
];

describe('robots: recorded, linked to the ticket they name, and nothing changes', () => {
  it.each(ROBOTS)('%s', async (file, reason, namesTicket, nullSender) => {
    const before = { thread: await thread(ticketId), status: await status(ticketId), mails: await kinds(ticketId) };
    const raw = fixture(file);
    const r = await deliver(raw, nullSender ? '' : 'sender@relay.example');
    expect(r.outcome).toBe('ignored');
    const from = /^From:[^\n]*?([\w.+-]+@[\w.-]+)/m.exec(raw.toString('latin1'))?.[1]?.toLowerCase();
    const mid = /^Message-I[dD]:\s*(<[^>]+>)/m.exec(raw.toString('latin1'))![1]!;
    const record = await stack.store.conn
      .collection('inbound_mail')
      .findOne({ _id: `mid:${mid}:${from ?? '<>'}` } as never);
    expect(record?.reason).toMatch(reason);
    expect(record?.reason).toMatch(/^robot: /);
    expect(record?.ticketId ?? null).toBe(namesTicket ? ticketId : null);
    if (from && from !== customer) expect(await stack.store.users.byEmail(from)).toBeNull();
    expect(await thread(ticketId)).toEqual(before.thread);
    expect(await status(ticketId)).toBe(before.status);
    expect(await kinds(ticketId)).toEqual(before.mails);
  });

  it('an iCloud vacation reply (no Auto-Submitted, a valid reply token) does not reopen a resolved ticket', async () => {
    const opened = await transport.sendMail({
      from: customer,
      to: 'support@desk.test',
      subject: 'Second problem',
      text: 'The import fails too.',
    });
    const own = /#(\w+)/.exec(String(opened.response))![1]!;
    expect((await agent.post(`/api/v1/tickets/${own}/actions/resolve`, { body: 'Fixed in 2.3.1.' })).status).toBe(200);
    const vacation = await deliver(fixture('robots/icloud-vacation.eml', own));
    expect(vacation).toEqual({ outcome: 'ignored', ticketId: own });
    expect(await status(own)).toBe('resolved');
    expect((await thread(own)).filter((m) => m.authorRole === 'customer')).toEqual([]);
  });
});

const REPLIES: [file: string, reply: string, quoted: string][] = [
  ['people/outlook-reply.eml', 'Thanks, that fixed the export.\n\nAda', 'Sent: Monday, March 2, 2026 10:00 AM'],
  ['people/outlook-original-message.eml', 'The PDF export still fails on large files.', '-----Original Message-----'],
  ['people/gmail-reply.eml', 'Yes, version 2.3.1 works.', 'wrote:'],
  ['people/apple-mail-reply.eml', 'Works on my phone too.', 'Sent from my iPhone'],
  ['people/thunderbird-reply.eml', 'The nightly build works as well.', 'On 02.03.26 11:00, Support wrote:'],
  ['people/german-reply.eml', 'Danke, der Export läuft wieder.', 'schrieb Support'],
  ['people/french-reply.eml', "Merci, l'export fonctionne.", 'a écrit'],
  ['people/signature.eml', 'One more question: does 2.3.1 need a restart?', 'Analytical Engines Ltd'],
];

describe("people's replies: the new text threads in, the original stays for agents", () => {
  it.each(REPLIES)('%s', async (file, reply, quoted) => {
    const raw = fixture(file);
    const r = await deliver(raw);
    expect(r).toEqual({ outcome: 'threaded', ticketId });
    const mid = /^Message-I[dD]:\s*(<[^>]+>)/m.exec(raw.toString('latin1'))![1]!;
    const record = await stack.store.conn
      .collection('inbound_mail')
      .findOne({ _id: `mid:${mid}:${customer}` } as never);
    expect(record?.outcome).toBe('threaded');
    const message = (await thread(ticketId)).at(-1)!;
    expect([message.authorRole, message.internal, message.body]).toEqual(['customer', false, reply]);
    expect(message.mail?.original).toContain(quoted);
    expect(message.mail?.proof).toBe('reply token');
  });

  it('shows the original mail on the console ticket page in a details element', async () => {
    const login = await fetch(`${stack.baseUrl}/console/login`);
    const cookie = (r: Response) =>
      r.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    const [, field, token] = /<input type="hidden" name="([^"]+)" value="([^"]+)"/.exec(await login.text())!;
    const signedIn = await fetch(`${stack.baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(login), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ [field!]: token!, apiKey: stack.adminKey }),
    });
    expect(signedIn.status).toBe(303);
    const page = await fetch(`${stack.baseUrl}/console/tickets/${ticketId}`, {
      headers: { cookie: `${cookie(login)}; ${cookie(signedIn)}` },
    });
    const text = await page.text();
    expect(text).toContain('<details class="original-mail">');
    expect(text).toContain('-----Original Message-----');
  });
});

describe('charsets and text', () => {
  const open = async (file: string) => {
    const r = await deliver(fixture(file));
    expect(r.outcome).toBe('created');
    return (await stack.store.tickets.get(r.ticketId!))!;
  };
  it.each([
    ['charsets/iso-2022-jp.eml', 'エクスポートの不具合', 'エクスポートが失敗します。'],
    ['charsets/iso-8859-2.eml', 'Chyba při exportu - Łódź', 'Zażółć gęślą jaźń.'],
    ['charsets/utf7.eml', 'Grüße aus Köln', 'Der Export für März schlägt fehl.'],
    ['charsets/raw-8bit-latin1-subject.eml', 'Grüße aus Köln: Export hängt', 'Der Export hängt bei 99 %.'],
    ['charsets/raw-8bit-utf8-subject.eml', 'Grüße aus Köln – Übersicht', 'Die Übersicht lädt nicht.'],
    ['charsets/malformed-encoded-words.eml', 'Café menu broken – été škoda', 'The menu page shows garbage.'],
    ['charsets/html-only-nested.eml', 'Frogs page', 'Die Frösche & Kröten page shows <nothing> since “Monday”.'],
  ])('%s', async (file, subject, text) => {
    const ticket = await open(file);
    expect(ticket.subject).toBe(subject);
    expect(ticket.description).toContain(text);
    expect(ticket.description).not.toMatch(/&\w+;|\uFFFD|\+AP/);
  });

  it('keeps uuencoded files out of the text and lists them as not accepted', async () => {
    const ticket = await open('charsets/uuencoded.eml');
    expect(ticket.description).not.toMatch(/^M17|^begin 644/m);
    expect(ticket.refusedFiles).toEqual([{ filename: 'export.log', reason: expect.stringMatching(/uuencoded/) }]);
  });

  it('cuts a long subject on a grapheme boundary', async () => {
    const ticket = await open('charsets/long-subject-emoji.eml');
    expect(ticket.subject.length).toBeLessThanOrEqual(200);
    expect(ticket.subject).toBe(`Export ${'x'.repeat(192)}`);
    expect(ticket.subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('attachments', () => {
  it('keeps a forwarded message as a file and shows its text', async () => {
    const r = await deliver(fixture('attachments/forwarded.eml'));
    const ticket = (await stack.store.tickets.get(r.ticketId!))!;
    expect(ticket.description).toContain('Our monitoring sent this overnight');
    expect(ticket.description).toContain('Subject: Nightly export failed');
    expect(ticket.description).toContain('Export job 4411 failed: ETIMEDOUT after 300 s.');
    const files = await stack.store.attachments.forTicket(r.ticketId!);
    expect(files.map((f) => [f.filename, f.contentType])).toEqual([['Nightly export failed.eml', 'message/rfc822']]);
  });

  it('refuses winmail.dat with its reason, keeps .docx (a ZIP by content) and image/jpg, and the acknowledgement says what was refused', async () => {
    const tnef = await deliver(fixture('attachments/winmail-dat.eml'));
    const docx = await deliver(fixture('attachments/docx.eml'));
    expect((await stack.store.tickets.get(tnef.ticketId!))?.refusedFiles).toEqual([
      { filename: 'winmail.dat', reason: expect.stringMatching(/winmail\.dat \(TNEF\)/) },
    ]);
    // The one attachment policy judges by content: an Office document is a ZIP container, kept as one.
    expect((await stack.store.tickets.get(docx.ticketId!))?.refusedFiles).toBeUndefined();
    expect((await stack.store.attachments.forTicket(docx.ticketId!)).map((f) => [f.filename, f.contentType])).toEqual([
      ['steps.docx', 'application/zip'],
      ['screen.jpg', 'image/jpeg'],
    ]);
    const ack = await eventually(
      async () =>
        (await mailsFor(outbox, tnef.ticketId!)).find(
          (m) => m.headers.get('x-notification-kind') === 'acknowledgement',
        ),
      15_000,
      'the acknowledgement',
    );
    expect(ack.text).toContain("These files were not accepted:\n- winmail.dat: Outlook's winmail.dat (TNEF)");
    expect(ack.html).toContain('<li>winmail.dat: Outlook&#39;s winmail.dat (TNEF)');
  });

  it('downloads a Unicode file name intact (filename*)', async () => {
    const r = await deliver(fixture('attachments/unicode-filename.eml'));
    const [file] = await stack.store.attachments.forTicket(r.ticketId!);
    expect(file?.filename).toBe('てすと.txt');
    const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${r.ticketId}/attachments/${file!.id}`, {
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
    expect(res.status).toBe(200);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toContain("filename*=UTF-8''%E3%81%A6%E3%81%99%E3%81%A8.txt");
    expect(decodeURIComponent(/filename\*=UTF-8''(\S+)/.exec(disposition)![1]!)).toBe('てすと.txt');
  });
});
