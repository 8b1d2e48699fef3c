import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { consoleLogin as signIn } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor, readOutbox } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Every link a mail carries answers 200 for its reader: customers' mails lead to the private page,
 * staff's to the console (with a session). An urgent ticket due in 6 s on a 24/7 calendar produces the
 * acknowledgement, the warning, the breach and the escalation; an agent reply and a resolution follow.
 */

const outbox = inject('outboxDir');
const policy = parsePolicyOverrides({ warningAt: 0.5, targets: { urgent: { firstResponseMinutes: 0.1 } } });
const CUSTOMER_KINDS = ['acknowledgement', 'agent_reply', 'resolution'];
const STAFF_KINDS = ['warning', 'breach', 'escalation'];
const suffix = Date.now().toString(36);
const customerEmail = `links-${suffix}@example.com`;

let stack: TestStack;
let admin: ApiClient;
let agentKey = '';
let ticketId = '';

beforeAll(async () => {
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agentKey = (
    await admin.post('/api/v1/users', { role: 'agent', name: 'Lee Agent', email: `lee-${suffix}@support.local` })
  ).body.apiKey;
});
afterAll(async () => {
  await stack?.close();
});

const consoleLogin = () => signIn(stack.baseUrl, agentKey);

const kindOf = (m: ParsedMail) => String(m.headers.get('x-notification-kind'));
const linkIn = (m: ParsedMail) => /View the ticket: (\S+)/.exec(m.text ?? '')?.[1] ?? '';
/** The customer's web form, with its CSRF pair, as a browser without JavaScript sends it. */
async function webForm(fields: Record<string, string>) {
  const got = await fetch(`${stack.baseUrl}/`);
  const cookie = got.headers.getSetCookie()[0]!.split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await got.text())![1]!;
  const body = new URLSearchParams({
    csrf,
    subject: 'Hello',
    description: 'Hi',
    category: 'question',
    priority: 'normal',
    contact: 'web',
    ...fields,
  });
  const res = await fetch(`${stack.baseUrl}/`, { method: 'POST', body, headers: { cookie } });
  return { status: res.status, page: await res.text() };
}

describe('links in mails', () => {
  it('lead customers to their private page and staff to the console ticket page', async () => {
    const created = await admin.post('/api/v1/tickets', {
      subject: 'Checkout fails',
      description: 'Error 500',
      category: 'bug',
      priority: 'urgent',
      customerEmail,
    });
    expect(created.status).toBe(201);
    ticketId = created.body.id;
    await eventually(
      async () => {
        const kinds = (await mailsFor(outbox, ticketId)).map(kindOf);
        return ['acknowledgement', ...STAFF_KINDS].every((k) => kinds.includes(k));
      },
      30_000,
      'acknowledgement, warning, breach and escalation mails',
    );
    const agent = apiClient(stack.baseUrl, agentKey);
    expect(
      (await agent.post(`/api/v1/tickets/${ticketId}/messages`, { body: 'Fixed the payment gateway.' })).status,
    ).toBe(201);
    expect(
      (await agent.post(`/api/v1/tickets/${ticketId}/actions/resolve`, { body: 'Deployed the fix.' })).status,
    ).toBe(200);
    await eventually(
      async () => {
        const kinds = (await mailsFor(outbox, ticketId)).map(kindOf);
        return kinds.includes('agent_reply') && kinds.includes('resolution');
      },
      30_000,
      'the reply and resolution mails',
    );

    const session = await consoleLogin();
    const mails = await mailsFor(outbox, ticketId);
    const kinds = new Set(mails.map(kindOf));
    expect([...CUSTOMER_KINDS, ...STAFF_KINDS].every((k) => kinds.has(k))).toBe(true);
    for (const mail of mails) {
      const url = linkIn(mail);
      const kind = kindOf(mail);
      if (CUSTOMER_KINDS.includes(kind)) {
        expect(url, kind).toMatch(new RegExp(`^${stack.baseUrl}/t/[A-Za-z0-9_-]{43}$`));
        const res = await fetch(url);
        expect(res.status, kind).toBe(200);
        expect(await res.text(), kind).toContain(`#${ticketId}: Checkout fails`);
      } else {
        expect(url, kind).toBe(`${stack.baseUrl}/console/tickets/${ticketId}`);
        const res = await fetch(url, { headers: { cookie: session } });
        expect(res.status, kind).toBe(200);
        expect(await res.text(), kind).toContain(`#${ticketId}: Checkout fails`);
        // Without a session the console asks to sign in first: the link alone shows nothing.
        expect((await fetch(url, { redirect: 'manual' })).headers.get('location'), kind).toBe('/console/login');
      }
    }
  });

  it('sends an old /tickets/<id> address to the console for an agent and to the link request page for anyone else', async () => {
    const follow = async (path: string, cookie?: string) => {
      const hops: string[] = [];
      let url = `${stack.baseUrl}${path}`;
      for (let i = 0; i < 4; i++) {
        const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
        if (res.status !== 303) return { status: res.status, hops };
        hops.push(res.headers.get('location')!);
        url = `${stack.baseUrl}${res.headers.get('location')!}`;
      }
      throw new Error('too many redirects');
    };
    const session = await consoleLogin();
    expect(await follow(`/tickets/${ticketId}`, session)).toEqual({
      status: 200,
      hops: [`/console/open/${ticketId}`, `/console/tickets/${ticketId}`],
    });
    const stranger = await follow(`/tickets/${ticketId}`);
    expect(stranger).toEqual({ status: 200, hops: [`/console/open/${ticketId}`, '/link'] });
    // A ticket that does not exist goes the same way: the redirect tells nothing.
    expect((await follow('/tickets/ZZZZZZZZZZ')).hops).toEqual(['/console/open/ZZZZZZZZZZ', '/link']);
  });
});

describe('a lost link', () => {
  it('is mailed again on request, with the same answer for an address nobody knows', async () => {
    const ask = async (email: string) => {
      const got = await fetch(`${stack.baseUrl}/link`);
      expect(got.status).toBe(200);
      const cookie = got.headers.getSetCookie()[0]!.split(';')[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(await got.text())![1]!;
      const res = await fetch(`${stack.baseUrl}/link`, {
        method: 'POST',
        body: new URLSearchParams({ csrf, email }),
        headers: { cookie },
      });
      return { status: res.status, page: (await res.text()).replaceAll(email, '<address>') };
    };
    const unknown = `nobody-${suffix}@example.com`;
    const known = await ask(customerEmail);
    const stranger = await ask(unknown);
    expect(known.status).toBe(200);
    expect(stranger).toEqual(known);
    expect(known.page).not.toContain('/t/');

    const mail = await eventually(
      async () =>
        (await readOutbox(outbox)).find(
          (m) => m.subject === 'Your support ticket links' && m.to && JSON.stringify(m.to).includes(customerEmail),
        ),
      15_000,
      'the links mail',
    );
    const url = new RegExp(`${stack.baseUrl}/t/[A-Za-z0-9_-]{43}`).exec(mail.text ?? '')?.[0];
    expect(mail.text).toContain(`#${ticketId} Checkout fails`);
    expect((await fetch(url!)).status).toBe(200);
    expect((await readOutbox(outbox)).some((m) => JSON.stringify(m.to ?? '').includes(unknown))).toBe(false);
  });
});

describe("the web form under an existing customer's address", () => {
  it('accepts the ticket but mails its link instead of showing it, and marks it unverified until the link is opened', async () => {
    const { status, page } = await webForm({ email: customerEmail, subject: 'Someone else typed my address' });
    expect(status).toBe(201);
    expect(page).toContain('id="link-mailed"');
    expect(page).not.toMatch(/\/t\/[A-Za-z0-9_-]{43}/);
    const id = /id="ticket-number">#(\w+)</.exec(page)![1]!;

    expect((await admin.get(`/api/v1/tickets/${id}`)).body.unverified).toBe(true);
    const session = await consoleLogin();
    expect(
      await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie: session } })).text(),
    ).toContain('id="unverified"');

    const ack = await eventually(
      async () => (await mailsFor(outbox, id)).find((m) => kindOf(m) === 'acknowledgement'),
      15_000,
      'the acknowledgement',
    );
    expect(ack.to && JSON.stringify(ack.to)).toContain(customerEmail);
    expect((await fetch(linkIn(ack))).status).toBe(200);
    expect((await admin.get(`/api/v1/tickets/${id}`)).body.unverified).toBe(false);
    expect(
      await (await fetch(`${stack.baseUrl}/console/tickets/${id}`, { headers: { cookie: session } })).text(),
    ).not.toContain('id="unverified"');
  });

  it('still shows the link to a new address, whose ticket is not marked', async () => {
    const { status, page } = await webForm({ email: `new-${suffix}@example.com` });
    expect(status).toBe(201);
    const link = /id="private-link" href="([^"]+)"/.exec(page)![1]!;
    expect((await fetch(`${stack.baseUrl}${link}`)).status).toBe(200);
    const id = /id="ticket-number">#(\w+)</.exec(page)![1]!;
    expect((await admin.get(`/api/v1/tickets/${id}`)).body.unverified).toBe(false);
  });
});
