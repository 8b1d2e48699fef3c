import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { openInboundMail } from '../support/inbound-mail';
import { mailsFor } from '../support/outbox';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Joining an organization needs proof: typing an address at an organization's domain (web form, mail, an agent's
 * ticket) makes an individual customer; only a link mailed to the address, or a verified reply from it, makes them a
 * member, whose later tickets run under the organization's agreement and are seen by its admins.
 */

let stack: TestStack;
let admin: ApiClient;
let inbound: Awaited<ReturnType<typeof openInboundMail>>;
const outbox = inject('outboxDir');
const run = Date.now().toString(36);
const domain = `acme-${run}.example`;
let orgId = '';
const boss = `boss@${domain}`;

beforeAll(async () => {
  stack = await startStack({ portal: { perAddressMs: 0 }, portalRateLimit: { limit: 100 } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  inbound = await openInboundMail(stack);
  const org = await admin.post('/api/v1/organizations', {
    name: `Acme ${run}`,
    domains: [domain],
    agreement: {
      calendar: 'default',
      policy: 'default',
      scope: { training: true, customDevelopment: false, thirdParty: false },
    },
  });
  expect(org.status).toBe(201);
  orgId = org.body.id;
  const made = await admin.post('/api/v1/users', {
    role: 'customer',
    name: 'Boss',
    email: boss,
    organizationId: orgId,
    organizationRole: 'admin',
  });
  expect(made.status).toBe(201);
});
afterAll(async () => {
  await inbound?.close();
  await stack?.close();
});

async function webForm(email: string, subject: string) {
  const page = await fetch(`${stack.baseUrl}/`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(`${stack.baseUrl}/`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      csrf,
      email,
      subject,
      description: 'd',
      category: 'bug',
      priority: 'urgent',
      contact: 'web',
    }),
  });
  const html = await res.text();
  return { status: res.status, html, ticketId: /#([0-9A-Z]{10})/.exec(html)?.[1] ?? '' };
}

const bossSees = async () =>
  (
    await stack.desk.portal.tickets({
      id: (await stack.store.users.byEmail(boss))!.id,
      email: boss,
      name: 'Boss',
      trainingIncluded: false,
      organizationId: orgId,
      organizationRole: 'admin',
    })
  ).rows.map((r) => r.id);
const organizationOf = async (ticketId: string) =>
  eventually(async () => (await stack.store.ticketStates.get(ticketId)) ?? undefined, 15_000, 'the projection').then(
    (s) => s.organizationId,
  );
const ackOf = (ticketId: string) =>
  eventually(
    async () =>
      (await mailsFor(outbox, ticketId)).find((m) => m.headers.get('x-notification-kind') === 'acknowledgement'),
    15_000,
    'the acknowledgement',
  );

describe('a new address at an organization’s domain', () => {
  it('typed on the web form: no private link shown, an individual’s ticket, told so; the mailed link makes it a member', async () => {
    const ceo2 = `ceo2@${domain}`;
    const first = await webForm(ceo2, 'Urgent: payroll down');
    expect(first.status).toBe(201);
    expect(first.html).not.toMatch(/id="private-link"/);
    expect(first.html).toContain('id="pending-organization"');
    expect((await stack.store.users.byEmail(ceo2))!.organizationId).toBeUndefined();
    expect(await organizationOf(first.ticketId)).toBeUndefined();
    expect(await bossSees()).not.toContain(first.ticketId);
    const ack = await ackOf(first.ticketId);
    expect(ack.text).toContain('handled under our standard agreement');

    // The link in the acknowledgement went to the address alone: opening it proves the address.
    const link = /(http\S+\/t\/[A-Za-z0-9_-]{43})/.exec(ack.text ?? '')![1]!;
    expect((await fetch(link)).status).toBe(200);
    const member = (await stack.store.users.byEmail(ceo2))!;
    expect(member).toMatchObject({ organizationId: orgId, organizationRole: 'member' });
    const second = await webForm(ceo2, 'Payroll down again');
    expect(second.html).not.toContain('id="pending-organization"');
    expect(await organizationOf(second.ticketId)).toBe(orgId);
    expect(await bossSees()).toContain(second.ticketId);
  });

  it('by mail: an individual until a verified reply from it', async () => {
    const dev = `dev@${domain}`;
    const opened = await inbound.deliver({ from: dev, subject: 'Build broken', text: 'It fails.' });
    expect(opened.outcome).toBe('created');
    expect(await organizationOf(opened.ticketId!)).toBeUndefined();
    const ack = await ackOf(opened.ticketId!);
    expect((await stack.store.users.byEmail(dev))!.organizationId).toBeUndefined();
    // A forged reply proves nothing; the real one (citing the mail sent to the address alone) does.
    const forged = await inbound.deliver({
      envelope: { from: `mallory-${run}@evil.example`, to: ['support@desk.test'] },
      from: dev,
      subject: `Re: [#${opened.ticketId}]`,
      text: 'x',
    } as never);
    expect(forged.outcome).toBe('held');
    expect((await stack.store.users.byEmail(dev))!.organizationId).toBeUndefined();
    const real = await inbound.deliver({
      from: dev,
      subject: `Re: ${ack.subject}`,
      text: 'More detail.',
      inReplyTo: ack.messageId,
      references: [ack.messageId!],
    });
    expect(real.outcome).toBe('threaded');
    expect((await stack.store.users.byEmail(dev))!.organizationId).toBe(orgId);
  });

  it('by portal sign-in: the mailed sign-in link proves it', async () => {
    const ops = `ops@${domain}`;
    const agentKey = (
      await admin.post('/api/v1/users', { role: 'agent', name: 'Ann', email: `ann-${run}@support.local` })
    ).body.apiKey;
    const ticket = await apiClient(stack.baseUrl, agentKey).post('/api/v1/tickets', {
      subject: 'On behalf',
      description: 'd',
      category: 'bug',
      customerEmail: ops,
    });
    expect(ticket.status).toBe(201);
    expect(await organizationOf(ticket.body.id)).toBeUndefined();
    await signIn(browserLike(stack.baseUrl), outbox, ops);
    expect((await stack.store.users.byEmail(ops))!.organizationId).toBe(orgId);
  });
});

describe('addresses in one canonical form', () => {
  it('refuses a Kelvin-sign look-alike of the domain and invisible characters, naming the field', async () => {
    const api = await admin.post('/api/v1/tickets', {
      subject: 's',
      description: 'd',
      category: 'bug',
      customerEmail: `eve@\u212Ailo-${run}.example`,
    });
    expect(api.status).toBe(400);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(api.body.errors).toContainEqual({ field: 'customerEmail', message: expect.stringContaining('U+212A') });
    const zw = await admin.post('/api/v1/tickets', {
      subject: 's',
      description: 'd',
      category: 'bug',
      customerEmail: `ceo@${domain}\u200b`,
    });
    expect(zw.status).toBe(400);
    expect(zw.body.errors).toContainEqual({ field: 'customerEmail', message: expect.stringContaining('U+200B') });

    // An organization's domain is judged the same way, before any lower-casing could fold the Kelvin sign.
    const orgKelvin = await admin.post('/api/v1/organizations', {
      name: `Kelvin ${run}`,
      domains: [`\u212Ailo-${run}.example`],
      agreement: {
        calendar: 'default',
        policy: 'default',
        scope: { training: false, customDevelopment: false, thirdParty: false },
      },
    });
    expect(orgKelvin.status).toBe(400);
    expect(orgKelvin.body.errors).toContainEqual({ field: 'domains[0]', message: expect.stringContaining('U+212A') });

    // By mail: refused with the reason, and nobody was made a customer of kilo-….
    await admin.post('/api/v1/organizations', {
      name: `Kilo ${run}`,
      domains: [`kilo-${run}.example`],
      agreement: {
        calendar: 'default',
        policy: 'default',
        scope: { training: false, customDevelopment: false, thirdParty: false },
      },
    });
    // The From header as a mail client writes it in UTF-8 (RFC 6532), Kelvin sign and all.
    const raw = [
      `From: Eve <eve@\u212Ailo-${run}.example>`,
      'To: support@desk.test',
      'Subject: Hello',
      `Message-ID: <kelvin-${run}@client.example>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Let me in.',
      '',
    ].join('\r\n');
    await expect(
      inbound.deliver({ envelope: { from: `eve@kilo-${run}.example`, to: ['support@desk.test'] }, raw } as never),
    ).rejects.toThrow(/U\+212A/);
    expect(await stack.store.users.byEmail(`eve@kilo-${run}.example`)).toBeNull();

    // Naming a ticket, it is held there for agents (to discard: nobody's address sent it), never the customer's.
    const victim = await admin.post('/api/v1/tickets', {
      subject: 'Invoice',
      description: 'd',
      category: 'bug',
      customerEmail: `eve@kilo-${run}.example`,
    });
    const named = raw
      .replace('Subject: Hello', `Subject: Re: Invoice [#${victim.body.id}]`)
      .replace(`<kelvin-${run}@`, `<kelvin-2-${run}@`);
    expect(
      await inbound.deliver({
        envelope: { from: 'x@elsewhere.example', to: ['support@desk.test'] },
        raw: named,
      } as never),
    ).toEqual({ outcome: 'held', ticketId: victim.body.id });
    const thread = await stack.store.messages.forTicket(victim.body.id, { includeInternal: true });
    const note = thread.find((m) => m.mail?.held);
    expect(note).toMatchObject({ internal: true, mail: { held: { status: 'pending' } } });
    expect(note!.body).toContain('U+212A');
    expect(note!.mail!.held!.customerId).toBeUndefined();
  });
});
