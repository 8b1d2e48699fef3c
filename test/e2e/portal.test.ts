import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { apiClient, type ApiClient } from '../support/http';
import { signInLinks } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';
import { DEFAULT_POLICY } from '../../domain/policy';
import { expectReadableOutbox, watchPagesForTimes } from '../support/human-time';
import { BOTH_SUPPORT_HOURS, supportHours } from '../support/support-hours';

/**
 * The customer portal in Debian's chromium with JavaScript off, by keyboard only: ask for a sign-in link, open
 * the link from the captured mail, see the tickets, read the announcements and a ticket, accept the SLA; once with
 * support open and once with it closed (test/support/support-hours.ts), whatever the hour it runs at.
 */

const SHOTS = path.join(repoRoot, 'test-results/screenshots');
const outbox = inject('outboxDir');
const suffix = Date.now().toString(36);
const LOCAL_TIME = /(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} \d{2}:\d{2} EST/;

let stack: TestStack;
let browser: Browser;
let page: Page;
let admin: ApiClient;
let ticketId = '';
let checkPageTimes: () => Promise<void>;

describe.each(BOTH_SUPPORT_HOURS)('with support %s', (mode) => {
  const email = `grace-${mode}-${suffix}@example.com`;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ sla: { calendar: supportHours(mode).calendar, policy: DEFAULT_POLICY } });
    browser = await launchChromium();
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 1200 } });
    page = await context.newPage();
    checkPageTimes = watchPagesForTimes(page);
    admin = apiClient(stack.baseUrl, stack.adminKey);
    const created = await admin.post('/api/v1/tickets', {
      subject: 'Invoices show the wrong VAT',
      description: 'Since the update the VAT is 0 %.',
      category: 'bug',
      priority: 'high',
      customerEmail: email,
      customerName: 'Grace Hopper',
    });
    ticketId = created.body.id;
    await admin.post(`/api/v1/tickets/${ticketId}/messages`, { body: 'We are looking into it.' });
    await admin.post(`/api/v1/tickets/${ticketId}/messages`, {
      body: 'Internal: the tax table is stale.',
      internal: true,
    });
    await admin.post('/api/v1/announcements', {
      title: 'Maintenance on Sunday',
      body: 'The portal is read-only for an hour.',
      kind: 'maintenance',
    });
    await eventually(async () => (await stack.store.ticketStates.get(ticketId)) !== null, 30_000, 'the projection');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${mode}-${name}`), fullPage: true });
  const focused = async () =>
    (await page.locator(':focus').count())
      ? page.locator(':focus').evaluate((el) => el.outerHTML.slice(0, 120))
      : 'nothing';

  /** Tabs forward until the element matching `selector` has focus: it is reachable by keyboard. */
  async function tabTo(selector: string, max = 30) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if ((await page.locator(`${selector}:focus`).count()) === 1) return;
    }
    throw new Error(`${selector} not reached by Tab (focus on ${await focused()})`);
  }

  /** Presses Enter on what has focus and waits for the page it leads to. */
  async function enter() {
    const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    return response!;
  }

  describe('the customer portal in a real browser without JavaScript', () => {
    it('mails a sign-in link for the typed address', async () => {
      expect((await page.goto(`${stack.baseUrl}/portal`))!.status()).toBe(200);
      // Autofocus: type straight away (it comes with the first frame, which a busy machine may render after the load event).
      await page.locator('#email:focus').waitFor();
      await shot('portal-01-sign-in.png');
      await page.keyboard.type(email);
      const res = await enter();
      expect(res.status()).toBe(200);
      expect(await page.locator('h1').innerText()).toBe('Check your mailbox');
    });

    it('signs in from the link in the mail and lists the tickets with their clocks', async () => {
      const link = await eventually(async () => (await signInLinks(outbox, email))[0], 15_000, 'the sign-in mail');
      expect((await page.goto(link))!.status()).toBe(200);
      expect(await page.locator('body').innerText()).toContain(`Sign in as ${email}?`);
      await shot('portal-02-confirm.png');
      await page.locator('#confirm-sign-in:focus').waitFor(); // autofocus, as on the sign-in page
      const res = await enter();
      expect(res.url()).toBe(`${stack.baseUrl}/portal`);
      expect(await page.locator('#signed-in-as').innerText()).toBe(email);
      const row = page.locator(`tr[data-ticket="${ticketId}"]`);
      expect(await row.innerText()).toContain('Invoices show the wrong VAT');
      // Support has replied: the first response is met; the resolution clock runs toward its due time.
      expect(await row.locator('li[data-metric="first_response"]').innerText()).toBe('First response: met');
      expect(await row.locator('li[data-metric="resolution"]').innerText()).toMatch(
        new RegExp(`^Resolution: on track, due ${LOCAL_TIME.source}$`),
      );
      await shot('portal-03-tickets.png');
    });

    it('opens a ticket by keyboard and shows what support wrote, never the internal note', async () => {
      await tabTo(`a[href="/portal/tickets/${ticketId}"]`);
      await enter();
      const body = await page.locator('main').innerText();
      expect(body).toContain(`#${ticketId}: Invoices show the wrong VAT`);
      expect(body).toContain('We are looking into it.');
      expect(body).not.toContain('tax table');
      await shot('portal-04-ticket.png');
    });

    it('shows the announcements', async () => {
      await tabTo('a[href="/portal/announcements"]');
      await enter();
      expect(await page.locator('main').innerText()).toContain('Maintenance on Sunday');
      await shot('portal-05-announcements.png');
    });

    it('shows the SLA and records the accept pressed by keyboard', async () => {
      await tabTo('a[href="/portal/sla"]');
      await enter();
      expect(await page.locator('#sla-version').innerText()).toBe('You are under version default@1 of the SLA.');
      expect(await page.locator('#acceptance-status').innerText()).toContain(`opening ticket #${ticketId}`);
      await shot('portal-06-sla.png');
      await tabTo('#accept');
      const res = await enter();
      expect(res.url()).toBe(`${stack.baseUrl}/portal/sla?accepted=1`);
      expect(await page.locator('#notice').innerText()).toBe('Thank you: your acceptance is recorded.');
      expect(await page.locator('#acceptance-status').innerText()).toMatch(
        new RegExp(`^You accepted version default@1 here ${LOCAL_TIME.source}\\.$`),
      );
      expect(await page.locator('#accept').count()).toBe(0);
      const user = await stack.store.users.byEmail(email);
      expect((await stack.store.acceptances.forCustomer(user!.id)).map((a) => a.via)).toEqual(['implied', 'portal']);
      await shot('portal-07-accepted.png');
    });

    it('signs out by keyboard, and the portal then asks for an address again', async () => {
      await tabTo('#sign-out');
      await enter();
      expect(await page.locator('#notice').innerText()).toBe('You are signed out.');
      expect((await page.goto(`${stack.baseUrl}/portal/sla`))!.url()).toBe(`${stack.baseUrl}/portal`);
      expect(await page.locator('#email').count()).toBe(1);
    });
  });

  it('writes every time on the pages it served and in the mails it sent to the minute, with the zone named', async () => {
    await checkPageTimes();
    await expectReadableOutbox(outbox);
  });
});
