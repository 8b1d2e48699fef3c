import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogin as signIn } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';

/**
 * The one attachment policy as each reader meets it: the per-ticket quota (here 3 files and 1 MB)
 * answered 413 naming it, files listed on the console and the private page with thumbnails for
 * images, each download behind its reader's own authorisation, Unicode names per RFC 6266.
 */

let stack: TestStack;
let admin: ApiClient;
let customerKey = '';
let agentKey = '';
const suffix = Date.now().toString(36);

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c80000000049454e44ae426082',
  'hex',
);

beforeAll(async () => {
  stack = await startStack({ attachmentQuota: { maxBytes: 1024 * 1024, maxFiles: 3 } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  customerKey = (
    await admin.post('/api/v1/users', { role: 'customer', name: 'Mia', email: `mia-${suffix}@example.com` })
  ).body.apiKey;
  agentKey = (
    await admin.post('/api/v1/users', { role: 'agent', name: 'Ola Agent', email: `ola-${suffix}@support.local` })
  ).body.apiKey;
});
afterAll(async () => {
  await stack?.close();
});

async function upload(ticketId: string, files: { name: string; data: Buffer }[]) {
  const form = new FormData();
  for (const f of files)
    form.append('files', new Blob([new Uint8Array(f.data)], { type: 'application/octet-stream' }), f.name);
  const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${ticketId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customerKey}` },
    body: form,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
}
const newTicket = async (subject: string) =>
  (
    await apiClient(stack.baseUrl, customerKey).post('/api/v1/tickets', {
      subject,
      description: 'See the files',
      category: 'bug',
    })
  ).body.id as string;

const consoleLogin = () => signIn(stack.baseUrl, agentKey);

describe('the per-ticket attachment quota', () => {
  it('refuses what would pass the total size with 413 naming the quota, and stores none of that request', async () => {
    const id = await newTicket('Big logs');
    const log = (n: number) => ({ name: `part-${n}.log`, data: Buffer.alloc(400 * 1024, 0x61 + n) });
    expect((await upload(id, [log(1), log(2)])).status).toBe(201);
    const over = await upload(id, [log(3)]);
    expect(over.status).toBe(413);
    expect(over.type).toMatch(/^application\/problem\+json/);
    expect(over.body.detail).toContain('3 files and 1 MB per ticket');
    expect(over.body.errors[0].field).toBe('files');
    const listed = await apiClient(stack.baseUrl, customerKey).get(`/api/v1/tickets/${id}/attachments`);
    expect(listed.body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['part-1.log', 'part-2.log']);
  });

  it('refuses a file past the count', async () => {
    const id = await newTicket('Many shots');
    expect(
      (
        await upload(id, [
          { name: 'a.png', data: PNG },
          { name: 'b.png', data: PNG },
          { name: 'c.png', data: PNG },
        ])
      ).status,
    ).toBe(201);
    const over = await upload(id, [{ name: 'd.png', data: PNG }]);
    expect(over.status).toBe(413);
    expect(over.body.detail).toContain('3 files');
  });

  it('keeps what fits of a mail and records the rest as skipped for the quota', async () => {
    const from = `mail-${suffix}@example.com`;
    const raw = await new MailComposer({
      from,
      to: 'support@desk.test',
      subject: 'Five shots',
      text: 'Attached.',
      messageId: `<five-${suffix}@example.com>`,
      attachments: ['1', '2', '3', '4', '5'].map((n) => ({
        filename: `shot-${n}.png`,
        content: PNG,
        contentType: 'image/png',
      })),
    })
      .compile()
      .build();
    const r = await stack.desk.inboundMail.receive(raw, { from, to: ['support@desk.test'] });
    expect(r.outcome).toBe('created');
    expect((await stack.store.attachments.forTicket(r.ticketId!)).map((a) => a.filename)).toEqual([
      'shot-1.png',
      'shot-2.png',
      'shot-3.png',
    ]);
    const record = await stack.store.conn
      .collection('inbound_mail')
      .findOne({ _id: `mid:<five-${suffix}@example.com>:${from}` } as never);
    expect(record?.skippedAttachments.map((a: { filename: string; reason: string }) => [a.filename, a.reason])).toEqual(
      [
        ['shot-4.png', "over the ticket's attachment quota (3 files and 1 MB per ticket)"],
        ['shot-5.png', "over the ticket's attachment quota (3 files and 1 MB per ticket)"],
      ],
    );
  });
});

describe('files on the pages', () => {
  let id = '';
  let pngId = '';
  let textId = '';
  const unicodeName = 'Снимок экрана «ошибка» 100%.png';

  beforeAll(async () => {
    id = await newTicket('Screens');
    const up = await upload(id, [
      { name: unicodeName, data: PNG },
      { name: 'trace.txt', data: Buffer.from('<script>alert(1)</script>\n') },
    ]);
    expect(up.status).toBe(201);
    [pngId, textId] = up.body.attachments.map((a: { id: string }) => a.id);
  });

  it('downloads with the exact Unicode name in filename* and an ASCII fallback', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${id}/attachments/${pngId}`, {
      headers: { authorization: `Bearer ${customerKey}` },
    });
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!)).toBe(unicodeName);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('downloads a file under a name that says its judged type: page.html judged text is page.html.txt', async () => {
    const own = await newTicket('Names');
    const up = await upload(own, [
      { name: 'page.html', data: Buffer.from('<html><script>alert(1)</script></html>\n') },
      { name: 'shot.jpg', data: PNG },
      { name: 'server.log', data: Buffer.from('GET / 500\n') },
    ]);
    expect(up.status).toBe(201);
    const names: string[] = [];
    for (const a of up.body.attachments as { id: string }[]) {
      const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${own}/attachments/${a.id}`, {
        headers: { authorization: `Bearer ${customerKey}` },
      });
      names.push(/filename="([^"]+)"/.exec(res.headers.get('content-disposition')!)![1]!);
    }
    expect(names).toEqual(['page.html.txt', 'shot.jpg.png', 'server.log']);
    const page = await (await fetch(`${stack.baseUrl}${stack.desk.links.customerPath(own)}`)).text();
    expect(page).toContain('download>page.html.txt</a>');
  });

  it('shows agents a thumbnail in the console, served inline only for images', async () => {
    const cookie = await consoleLogin();
    const page = await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie } })).text();
    const src = `/console/tickets/${id}/files/${pngId}?inline=1`;
    expect(page).toContain(`<img class="thumb" src="${src}"`);
    expect(page).toContain('trace.txt');
    expect(page).not.toContain(`/files/${textId}?inline=1`);
    const thumb = await fetch(`${stack.baseUrl}${src}`, { headers: { cookie } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    expect(thumb.headers.get('content-disposition')).toMatch(/^inline;/);
    const text = await fetch(`${stack.baseUrl}/console/tickets/${id}/files/${textId}?inline=1`, {
      headers: { cookie },
    });
    expect(text.headers.get('content-disposition')).toMatch(/^attachment; filename="trace.txt"/);
    expect(text.headers.get('x-content-type-options')).toBe('nosniff');
    // No session, no file.
    expect((await fetch(`${stack.baseUrl}${src}`, { redirect: 'manual' })).status).toBe(303);
  });

  it('shows the customer the files on the private page, downloadable through that link only', async () => {
    const link = stack.desk.links.customerPath(id);
    const page = await (await fetch(`${stack.baseUrl}${link}`)).text();
    expect(page).toContain(`<img class="thumb" src="${link}/files/${pngId}?inline=1"`);
    const file = await fetch(`${stack.baseUrl}${link}/files/${textId}`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('<script>alert(1)</script>\n');
    // Another ticket's link does not reach this ticket's file.
    const other = stack.desk.links.customerPath(await newTicket('Other'));
    expect((await fetch(`${stack.baseUrl}${other}/files/${pngId}`)).status).toBe(404);
  });
});
