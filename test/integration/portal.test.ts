import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor } from '../support/outbox';
import { browserLike, requestSignIn, signIn, signInLinks } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The customer portal on the real stack: sign-in by a mailed link (single use, expiring, the same answer for any
 * address), the ticket list (own tickets only; an organization's admin also the organization's), the SLA's
 * explicit acceptance (recorded once) and the implied one of a ticket opened before it, CSRF on every form.
 */

const outbox = inject('outboxDir');
const suffix = Date.now().toString(36);
const ada = `ada-${suffix}@example.com`; // admin of organization ACME
const bob = `bob-${suffix}@example.com`; // no organization
const cy = `cy-${suffix}@example.com`; // member of ACME
let acme = '';
/** The desk's support address (MAIL_FROM's), which the SLA page names as its e-mail channel. */
const supportAddress = `help-${suffix}@desk.example`;

let stack: TestStack;
let admin: ApiClient;
const ids: Record<string, string> = {};

const db = () => stack.store.conn.db!;
const acceptances = (email: string) => db().collection('sla_acceptances').find({ customerId: users[email] }).toArray();
const users: Record<string, string> = {};

/** The agent opens a ticket for a customer through the API (every channel goes through the same intake). */
async function open(email: string, subject: string): Promise<string> {
  const res = await admin.post('/api/v1/tickets', {
    subject,
    description: 'It fails',
    errorMessage: 'HTTP 500 at /export',
    category: 'bug',
    priority: 'high',
    customerEmail: email,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  // One mail per address per minute is the product's; these tests sign the same people in several times.
  stack = await startStack({ portalRateLimit: { limit: 100 }, portal: { perAddressMs: 0 }, supportAddress });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  // ACME's people are made members through the API, before their tickets, so intake files the tickets under ACME.
  const org = await admin.post('/api/v1/organizations', {
    name: `ACME ${suffix}`,
    agreement: {
      calendar: 'default',
      policy: 'default',
      scope: { training: false, customDevelopment: false, thirdParty: false },
    },
  });
  expect(org.status).toBe(201);
  acme = org.body.id;
  for (const [email, organizationRole] of [
    [ada, 'admin'],
    [cy, 'member'],
  ] as const) {
    expect(
      (
        await admin.post('/api/v1/users', {
          role: 'customer',
          name: email,
          email,
          organizationId: org.body.id,
          organizationRole,
        })
      ).status,
    ).toBe(201);
  }
  ids.ada = await open(ada, 'Ada cannot export');
  ids.bob = await open(bob, 'Bob sees error 500');
  ids.cy = await open(cy, 'Cy lost access');
  for (const email of [ada, bob, cy]) users[email] = (await stack.store.users.byEmail(email))!.id;
  await eventually(
    async () =>
      (await db()
        .collection('ticket_states')
        .countDocuments({ _id: { $in: Object.values(ids) } } as never)) === 3,
    30_000,
    'the projections',
  );
});
afterAll(async () => {
  await stack?.close();
});

describe('signing in by a mailed link', () => {
  it('answers alike for any address, mails only a customer, and the link signs in once', async () => {
    const b = browserLike(stack.baseUrl);
    const nobody = `nobody-${suffix}@example.com`;
    const stranger = await requestSignIn(b, nobody);
    const link = await signIn(b, outbox, bob);
    expect(stranger.status).toBe(200);
    expect(stranger.page.replaceAll(nobody, '<address>')).toEqual(
      (await requestSignIn(browserLike(stack.baseUrl), 'x@example.com')).page.replaceAll('x@example.com', '<address>'),
    );
    expect(await signInLinks(outbox, nobody)).toEqual([]);

    const session = b.jar.get('sd_portal');
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await b.get('/portal');
    expect(list.page).toContain(`id="signed-in-as">${bob}<`);
    expect(list.page).toContain(`data-ticket="${ids.bob}"`);

    // The cookie is HttpOnly, Lax (a mail client's link is another site) and scoped to the portal.
    const again = browserLike(stack.baseUrl);
    const confirm = await again.get(link);
    expect(confirm.status).toBe(404); // used: the confirmation page is not shown again
    expect(confirm.page).toContain('no longer works');
    const replay = await again.post(new URL(link).pathname, { csrf: again.csrfOf((await again.get('/portal')).page) });
    expect(replay.status).toBe(404);
    expect(again.jar.has('sd_portal')).toBe(false);
    // Only hashes are stored.
    const stored = await db().collection('portal_sign_in_links').find({}).toArray();
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(link.split('/').at(-1));
    const sessions = await db().collection('sessions').find({ realm: 'portal' }).toArray();
    expect(sessions.length).toBeGreaterThan(0);
    expect(JSON.stringify(sessions)).not.toContain(session);
  });

  it("keeps portal and console sessions apart, though one store holds both: neither's secret opens the other", async () => {
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, bob);
    const portalSecret = b.jar.get('sd_portal')!;
    const asConsole = await fetch(`${stack.baseUrl}/console`, {
      headers: { cookie: `sd_console=${portalSecret}` },
      redirect: 'manual',
    });
    expect(asConsole.status).toBe(303);
    expect(asConsole.headers.get('location')).toBe('/console/login');

    const agent = (await admin.post('/api/v1/users', { role: 'agent', name: 'Agent', email: `agent-${suffix}@x.test` }))
      .body as { apiKey: string };
    const consoleSecret = /sd_console=([^;]+)/.exec(await consoleLogin(stack.baseUrl, agent.apiKey))![1]!;
    const asPortal = await fetch(`${stack.baseUrl}/portal`, { headers: { cookie: `sd_portal=${consoleSecret}` } });
    expect(await asPortal.text()).not.toContain('id="signed-in-as"');
    const signedIn = await fetch(`${stack.baseUrl}/portal`, { headers: { cookie: `sd_portal=${portalSecret}` } });
    expect(await signedIn.text()).toContain(`id="signed-in-as">${bob}<`);
  });

  it('is linked from the acknowledgement mail, whose link opens the portal', async () => {
    const ack = await eventually(
      async () =>
        (await mailsFor(outbox, ids.cy!)).find((m) => m.headers.get('x-notification-kind') === 'acknowledgement'),
      15_000,
      'the acknowledgement',
    );
    const url = /Your tickets and our service level agreement: (\S+)/.exec(ack.text ?? '')?.[1];
    expect(url).toBe(`${stack.baseUrl}/portal`);
    const b = browserLike(stack.baseUrl);
    expect((await b.get(url!)).page).toContain('Mail me a sign-in link');
    await signIn(b, outbox, cy);
    expect((await b.get(url!)).page).toContain(`data-ticket="${ids.cy}"`);
  });

  it('sets an HttpOnly, SameSite=Lax cookie under /portal and revokes the session server-side on sign-out', async () => {
    const b = browserLike(stack.baseUrl);
    const before = (await signInLinks(outbox, cy)).length;
    await requestSignIn(b, cy);
    const link = (await eventually(async () => (await signInLinks(outbox, cy)).slice(before)[0], 15_000, 'the mail'))!;
    const confirm = await b.get(link);
    const done = await b.post(new URL(link).pathname, { csrf: b.csrfOf(confirm.page) });
    const cookie = done.setCookies.find((c) => c.startsWith('sd_portal='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/portal/);

    const stolen = browserLike(stack.baseUrl);
    stolen.jar.set('sd_portal', b.jar.get('sd_portal')!);
    expect((await stolen.get('/portal')).page).toContain('id="signed-in-as"');
    const page = await b.get('/portal');
    const out = await b.post('/portal/sign-out', { csrf: b.csrfOf(page.page) });
    expect(out.location).toBe('/portal?signed-out=1');
    // The copied cookie is dead too: the record is gone, not only the browser's cookie.
    const after = await stolen.get('/portal');
    expect(after.page).not.toContain('id="signed-in-as"');
    expect(after.page).toContain('Mail me a sign-in link');
  });

  it('refuses an expired link', async () => {
    const short = await startStack({ portal: { linkTtlMs: 0 } });
    try {
      const shortAdmin = apiClient(short.baseUrl, short.adminKey);
      const email = `late-${suffix}@example.com`;
      expect(
        (
          await shortAdmin.post('/api/v1/tickets', {
            subject: 'Late',
            description: 'x',
            category: 'bug',
            priority: 'low',
            customerEmail: email,
          })
        ).status,
      ).toBe(201);
      const b = browserLike(short.baseUrl);
      await requestSignIn(b, email);
      const link = (await eventually(async () => (await signInLinks(outbox, email))[0], 15_000, 'the mail'))!;
      expect((await b.get(link)).status).toBe(404);
      const posted = await b.post(new URL(link).pathname, { csrf: b.csrfOf((await b.get('/portal')).page) });
      expect(posted.status).toBe(404);
      expect(b.jar.has('sd_portal')).toBe(false);
    } finally {
      await short.close();
    }
  });
});

describe('the ticket list', () => {
  it("shows a customer their own tickets only, never another's", async () => {
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, bob);
    const list = await b.get('/portal');
    expect(list.page).toContain(`data-ticket="${ids.bob}"`);
    expect(list.page).not.toContain(ids.ada);
    expect(list.page).not.toContain(ids.cy);
    expect(list.page).toMatch(
      /data-metric="first_response" data-state="on track">\s*First response:\s*<strong>on track<\/strong>, due <time datetime="[^"]+">\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} EST<\/time>/,
    );
    expect((await b.get(`/portal/tickets/${ids.ada}`)).status).toBe(404);
    const own = await b.get(`/portal/tickets/${ids.bob}`);
    expect(own.status).toBe(200);
    expect(own.page).toContain('Bob sees error 500');
    // The error message the customer gave is part of their request, shown back to them with it.
    expect(own.page).toMatch(/<pre id="error-message">HTTP 500 at \/export<\/pre>/);
    expect(own.page).toMatch(/href="\/t\/[A-Za-z0-9_-]{43}" id="reply-link"/);
  });

  it("shows an organization's admin the organization's tickets, and a member only their own", async () => {
    const a = browserLike(stack.baseUrl);
    await signIn(a, outbox, ada);
    const list = await a.get('/portal');
    expect(list.page).toContain(`data-ticket="${ids.ada}"`);
    expect(list.page).toContain(`data-ticket="${ids.cy}"`);
    expect(list.page).not.toContain(ids.bob);
    const colleague = await a.get(`/portal/tickets/${ids.cy}`);
    expect(colleague.status).toBe(200);
    expect(colleague.page).toContain('Cy lost access');
    expect(colleague.page).not.toContain('id="reply-link"'); // an admin reads a colleague's ticket; only its customer replies
    expect((await a.get(`/portal/tickets/${ids.bob}`)).status).toBe(404);

    const c = browserLike(stack.baseUrl);
    await signIn(c, outbox, cy);
    const own = await c.get('/portal');
    expect(own.page).toContain(`data-ticket="${ids.cy}"`);
    expect(own.page).not.toContain(ids.ada);
    expect((await c.get(`/portal/tickets/${ids.ada}`)).status).toBe(404);
  });

  it("lists a ticket's files with download links that work only for those who may read the ticket", async () => {
    const file = {
      ticketId: ids.bob!,
      filename: 'export log.txt',
      contentType: 'text/plain',
      data: Buffer.from('HTTP 500 at /export\n'),
      createdAt: new Date(),
    };
    await stack.store.attachments.add({ ...file, id: `Fportal${suffix}`, size: file.data.length });
    const href = `/portal/tickets/${ids.bob}/files/Fportal${suffix}`;
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, bob);
    const page = await b.get(`/portal/tickets/${ids.bob}`);
    expect(page.page).toContain('<h2>Attachments</h2>');
    expect(page.page).toContain(`<a class="download" href="${href}" download>export log.txt</a> (1 KB)`);
    const download = await b.get(href);
    expect(download.status).toBe(200);
    expect(download.page).toBe('HTTP 500 at /export\n');
    expect(download.headers.get('content-disposition')).toContain('attachment; filename="export log.txt"');
    // The file under another ticket's path, or an unknown file, is not found.
    expect((await b.get(`/portal/tickets/${ids.ada}/files/Fportal${suffix}`)).status).toBe(404);
    expect((await b.get(`/portal/tickets/${ids.bob}/files/Fnothing`)).status).toBe(404);
    // A customer of another organization (ACME's admin) gets 404; signed out, the portal asks to sign in.
    const a = browserLike(stack.baseUrl);
    await signIn(a, outbox, ada);
    expect((await a.get(href)).status).toBe(404);
    expect((await browserLike(stack.baseUrl).get(href)).status).not.toBe(200);
  });
});

describe('the SLA and its acceptance', () => {
  it('records an implied acceptance once when a customer opens tickets before accepting, and the ticket shows it', async () => {
    const recorded = await acceptances(bob);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ via: 'implied', ticketId: ids.bob, slaVersion: 'default@1' });
    const second = await open(bob, 'Bob again');
    expect(await acceptances(bob)).toHaveLength(1);
    for (const id of [ids.bob, second]) {
      const ticket = (await admin.get(`/api/v1/tickets/${id}`)).body;
      expect(ticket.slaVersion).toBe('default@1');
      expect(ticket.slaAcceptance).toEqual({
        via: 'implied',
        at: recorded[0]!.acceptedAt.toISOString(),
        ticketId: ids.bob,
      });
    }
    const agent = (
      await admin.post('/api/v1/users', { role: 'agent', name: 'Pat Agent', email: `pat-${suffix}@support.local` })
    ).body.apiKey as string;
    const page = await browserLike(stack.baseUrl);
    const login = await page.get('/console/login');
    await page.post('/console/login', { csrf: page.csrfOf(login.page), apiKey: agent });
    expect((await page.get(`/console/tickets/${second}`)).page).toMatch(
      new RegExp(
        `id="sla-acceptance">SLA <strong>default@1</strong>: accepted by engaging support \\(implied by opening #${ids.bob}\\)`,
      ),
    );
  });

  it("implies nothing for a web-form ticket under someone's address until the link mailed there is opened", async () => {
    const email = `fay-${suffix}@example.com`;
    const fay = await stack.store.users.ensureCustomer(email, 'Fay', `C${suffix}FAY`, `hash-fay-${suffix}`, new Date());
    const b = browserLike(stack.baseUrl);
    const form = await b.get('/');
    const sent = await b.post('/', {
      csrf: b.csrfOf(form.page),
      email,
      subject: 'Typed by someone',
      description: 'Hi',
      category: 'question',
      priority: 'normal',
      contact: 'web',
    });
    expect(sent.status).toBe(201);
    const id = /id="ticket-number">#(\w+)</.exec(sent.page)![1]!;
    expect(await db().collection('sla_acceptances').countDocuments({ customerId: fay.id })).toBe(0);
    expect((await admin.get(`/api/v1/tickets/${id}`)).body.slaAcceptance).toBeNull();

    const ack = await eventually(
      async () => (await mailsFor(outbox, id)).find((m) => m.headers.get('x-notification-kind') === 'acknowledgement'),
      15_000,
      'the acknowledgement',
    );
    expect((await fetch(/View the ticket: (\S+)/.exec(ack.text ?? '')![1]!)).status).toBe(200);
    const recorded = await db().collection('sla_acceptances').find({ customerId: fay.id }).toArray();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ via: 'implied', ticketId: id, slaVersion: 'default@1' });
  });

  it('shows the SLA text, version and terms, and records an explicit accept once', async () => {
    const b = browserLike(stack.baseUrl);
    const email = `dee-${suffix}@example.com`;
    await stack.store.users.ensureCustomer(email, 'Dee', `C${suffix}DEE`, `hash-${suffix}`, new Date());
    await signIn(b, outbox, email);
    const sla = await b.get('/portal/sla');
    expect(sla.page).toContain('You are under version <strong>default@1</strong>');
    expect(sla.page).toContain('id="support-hours">Support hours: <strong>Sunday to Thursday, 10 PM to 6 AM (EST)');
    expect(sla.page).toContain(
      '<th scope="row">urgent</th><td>2 hours of support time</td><td>2 hours of support time</td><td>8 hours of support time</td>',
    );
    expect(sla.page).toContain('By engaging our support services, you agree to comply');
    // The e-mail channel is the desk's real address, as a link; the copied text's obfuscation artifact is gone.
    expect(sla.page).toContain(`<p>- Email: <a href="mailto:${supportAddress}">${supportAddress}</a></p>`);
    expect(sla.page).not.toContain('[email protected]');
    expect(sla.page).toContain('<p>- Helpdesk Ticketing System: https://help.codexpert.io/add-ticket</p>');
    expect(sla.page).toContain('You have not accepted version');

    const form = { csrf: b.csrfOf(sla.page), slaVersion: 'default@1' };
    const first = await b.post('/portal/sla/accept', form);
    expect(first.location).toBe('/portal/sla?accepted=1');
    expect((await b.post('/portal/sla/accept', form)).status).toBe(303);
    const records = await db()
      .collection('sla_acceptances')
      .find({ customerId: `C${suffix}DEE` })
      .toArray();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ via: 'portal', slaVersion: 'default@1' });
    expect(records[0]!.ticketId).toBeUndefined();
    const after = await b.get('/portal/sla?accepted=1');
    expect(after.page).toContain('You accepted version <strong>default@1</strong> here');
    expect(after.page).not.toContain('id="accept"');

    // A ticket opened after the accept implies nothing: it shows the explicit acceptance.
    const id = await open(email, 'After accepting');
    expect(
      await db()
        .collection('sla_acceptances')
        .countDocuments({ customerId: `C${suffix}DEE` }),
    ).toBe(1);
    expect((await admin.get(`/api/v1/tickets/${id}`)).body.slaAcceptance).toEqual({
      via: 'portal',
      at: records[0]!.acceptedAt.toISOString(),
    });
  });

  it('refuses an accept of a version other than the one in force', async () => {
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, cy);
    const sla = await b.get('/portal/sla');
    const res = await b.post('/portal/sla/accept', { csrf: b.csrfOf(sla.page), slaVersion: 'default@0' });
    expect(res.status).toBe(409);
    // Cy is under ACME's agreement: its first version is the one in force.
    expect(res.page).toContain(`changed to version ${acme}@1`);
    expect((await acceptances(cy)).map((a) => a.via)).toEqual(['implied']);
  });
});

describe('CSRF', () => {
  it('refuses every portal form without its token and changes nothing', async () => {
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, ada);
    const before = await acceptances(ada);
    // A token from another session (or none) is refused: tokens are bound to the session.
    const other = browserLike(stack.baseUrl);
    await signIn(other, outbox, cy);
    const foreign = other.csrfOf((await other.get('/portal/sla')).page);
    for (const csrf of ['', foreign]) {
      const res = await b.post('/portal/sla/accept', { csrf, slaVersion: 'default@1' });
      expect(res.status).toBe(403);
      expect(res.page).toContain('nothing was recorded');
      const out = await b.post('/portal/sign-out', { csrf });
      expect(out.location).toBe('/portal');
      expect((await b.get('/portal')).page).toContain('id="signed-in-as"');
    }
    expect(await acceptances(ada)).toEqual(before);

    // Signed out: the sign-in request wants the double-submit token.
    const mailsBefore = (await signInLinks(outbox, bob)).length;
    const anon = browserLike(stack.baseUrl);
    const refused = await anon.post('/portal/sign-in', { email: bob });
    expect(refused.status).toBe(403);
    expect(refused.page).toContain('nothing was sent');

    // A confirmation posted without the form's token does not sign in, and the link stays usable.
    const requester = browserLike(stack.baseUrl);
    await requestSignIn(requester, bob);
    const links = await eventually(
      async () => {
        const all = await signInLinks(outbox, bob);
        return all.length > mailsBefore && all;
      },
      15_000,
      'the mail',
    );
    expect(links).toHaveLength(mailsBefore + 1); // the refused request mailed nothing
    const link = links.at(-1)!;
    const forged = await browserLike(stack.baseUrl).post(new URL(link).pathname, { csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect(forged.setCookies.some((c) => c.startsWith('sd_portal='))).toBe(false);
    expect((await requester.get(link)).status).toBe(200);
  });
});
