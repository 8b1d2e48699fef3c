import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboundSmtp, type InboundSmtp } from '../../channels/inbound-smtp';
import { startStack, type TestStack } from '../support/stack';
import {
  forwardedThreadMail,
  htmlPastedLogMail,
  nestedHtmlMail,
  newsletterMail,
  pastedLogMail,
  SIZES,
} from '../support/wild-mail';

/**
 * Mail at the sizes people send, over real SMTP and HTTP to a real stack with the product's parsing
 * time budget (MAIL_PARSE_TIMEOUT_MS, 10 s): a pasted log, a long newsletter, a thread quoted many
 * times, HTML nested 30,000 deep. And what a burst of large mail meets: a bounded queue that tells the
 * sender to retry (SMTP 451, HTTP 503 with Retry-After), and a lane of its own for small mail.
 */

const run = randomBytes(3).toString('hex');
let stack: TestStack;
let smtp: InboundSmtp;
const transport = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
let client: nodemailer.Transporter;

beforeAll(async () => {
  // Two large messages may wait; a third in the lane's queue is refused.
  stack = await startStack({ inboundMail: { parseQueueMessages: 2 } });
  smtp = await startInboundSmtp({ port: 0, processor: stack.desk.inboundMail });
  client = transport();
}, 120_000);
afterAll(async () => {
  client?.close();
  await smtp?.close();
  await stack?.close();
});

interface Answer {
  code: number;
  response: string;
  ticketId?: string;
}

async function smtpSend(raw: Buffer, via = client): Promise<Answer> {
  const from = /^From:.*<([^>]+)>/m.exec(raw.subarray(0, 2000).toString('latin1'))![1]!;
  return via.sendMail({ envelope: { from, to: ['support@desk.test'] }, raw }).then(
    (info) => ({ code: 250, response: String(info.response), ticketId: /#(\w+)/.exec(String(info.response))?.[1] }),
    (err: { responseCode?: number; response?: string; message: string }) => ({
      code: err.responseCode ?? 0,
      response: err.response ?? err.message,
    }),
  );
}

const httpPost = (raw: Buffer) =>
  fetch(`${stack.baseUrl}/api/v1/inbound/email`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${stack.inboundToken}` },
    body: raw,
  });

const ticket = async (a: Answer) => {
  expect(a.code, a.response).toBe(250);
  return (await stack.store.tickets.get(a.ticketId!))!;
};

describe('mail of the sizes people send is accepted within the parsing budget', () => {
  it('a 1 MB pasted log', async () => {
    const t = await ticket(await smtpSend(pastedLogMail(SIZES.MB, `Nightly crash ${run}`)));
    expect(t.subject).toBe(`Nightly crash ${run}`);
    expect(t.description).toContain('Hi, the service died again last night.');
    expect(t.description).toContain('at com.example.billing.InvoiceService.render(InvoiceService.java:0)');
    expect(t.description).toContain("Jürgen's job 5 retried");
  });

  it('a 1 MB HTML newsletter', async () => {
    const t = await ticket(await smtpSend(newsletterMail(SIZES.MB, `Newsletter ${run}`)));
    expect(t.description).toContain('Story 0: Frösche & Kröten');
    expect(t.description).toContain('It costs €0, 99 and works with <tags>.');
    expect(t.description).not.toMatch(/<td|&amp;|https:\/\/news/);
  });

  it('a 1 MB log pasted into an HTML editor', async () => {
    const t = await ticket(await smtpSend(htmlPastedLogMail(SIZES.MB, `HTML log ${run}`)));
    expect(t.description).toMatch(
      /^Hi, the service died again last night. Here is the log:\n\nat com\.example\.billing\./,
    );
    expect(t.description).toContain("Jürgen's job 5 retried");
    expect(t.description).not.toMatch(/<div>|&amp;|&#39;/);
  });

  it('a forwarded thread quoted level upon level (1 MB)', async () => {
    const t = await ticket(await smtpSend(forwardedThreadMail(SIZES.MB, `Fwd: Re: renewal ${run}`)));
    expect(t.description).toMatch(/^Reply number \d+: please see below/);
    expect(t.description).toMatch(/^On Mon, \d+ Dec 2026 at 10:\d+, Person \d+ <p\d+@partner.example> wrote:$/m);
  });

  it('HTML nested 30,000 elements deep, read as text', async () => {
    const t = await ticket(await smtpSend(nestedHtmlMail(30_000, `Nested ${run}`)));
    expect(t.description).toBe('The printer on floor 3 is on fire.');
  });

  it('the same 1 MB log over HTTP', async () => {
    const res = await httpPost(pastedLogMail(SIZES.MB, `Log over HTTP ${run}`));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { outcome: string; ticketId: string };
    expect(body.outcome).toBe('created');
    expect((await stack.store.tickets.get(body.ticketId))?.description).toContain('InvoiceService.java');
  });
});

describe('a burst of large mail', () => {
  it('a small mail sent after three big ones is answered before the last big one', async () => {
    const bigs = [1, 2, 3].map((i) => pastedLogMail(4 * SIZES.MB, `Big ${i} ${run}`));
    const small = Buffer.from(
      `From: Ada <ada-${run}@customer.example>\r\nTo: support@desk.test\r\nSubject: Small ${run}\r\nMessage-ID: <small-${run}@customer.example>\r\n\r\nJust a question.\r\n`,
    );
    const order: string[] = [];
    const clients = [...bigs, small].map(() => transport());
    const sent = bigs.map((raw, i) => smtpSend(raw, clients[i]).then((a) => (order.push(`big ${i + 1}`), a)));
    const quick = await smtpSend(small, clients[3]).then((a) => (order.push('small'), a));
    const answers = await Promise.all(sent);
    clients.forEach((c) => c.close());
    expect((await ticket(quick)).subject).toBe(`Small ${run}`);
    // Big 3 is parsed only after big 1 and big 2 in the large lane; the small one had a thread to itself.
    expect(order.indexOf('small')).toBeLessThan(order.indexOf('big 3'));
    for (const a of answers) expect(a.code, a.response).toBe(250);
  }, 120_000);

  it('over SMTP, mail past the queue bound is answered 451 4.3.2 and accepted when sent again', async () => {
    const mails = Array.from({ length: 8 }, (_, i) => pastedLogMail(2 * SIZES.MB, `Burst SMTP ${i} ${run}`));
    const clients = mails.map(() => transport());
    const answers = await Promise.all(mails.map((raw, i) => smtpSend(raw, clients[i])));
    clients.forEach((c) => c.close());
    const refused = answers.flatMap((a, i) => (a.code === 250 ? [] : [i]));
    expect(refused.length, JSON.stringify(answers.map((a) => a.code))).toBeGreaterThan(0);
    for (const i of refused) {
      expect(answers[i]!.code).toBe(451);
      expect(answers[i]!.response).toMatch(/4\.3\.2 the mail parser is busy .* try again in \d+ s/);
    }
    // The sender's retry, once the queue has room: nothing of the first try was kept, so it is processed now.
    for (const i of refused) expect((await ticket(await smtpSend(mails[i]!))).subject).toBe(`Burst SMTP ${i} ${run}`);
  }, 120_000);

  it('over HTTP, mail past the queue bound is answered 503 with Retry-After and accepted when posted again', async () => {
    const mails = Array.from({ length: 8 }, (_, i) => pastedLogMail(2 * SIZES.MB, `Burst HTTP ${i} ${run}`));
    const responses = await Promise.all(mails.map(httpPost));
    const refused = responses.flatMap((r, i) => (r.status === 202 ? [] : [i]));
    expect(refused.length, JSON.stringify(responses.map((r) => r.status))).toBeGreaterThan(0);
    for (const i of refused) {
      const res = responses[i]!;
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(5);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/the mail parser is busy/);
    }
    for (const i of refused) {
      const again = await httpPost(mails[i]!);
      expect(again.status).toBe(202);
      expect((await again.json()) as object).toMatchObject({ outcome: 'created' });
    }
  }, 120_000);
});
