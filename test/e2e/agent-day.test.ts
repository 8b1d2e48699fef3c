import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { cspRefusals, launchChromium } from '../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { repoRoot } from '../../scripts/lib/tools';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor } from '../support/outbox';
import { startStack, type TestStack } from '../support/stack';
import { expectReadableOutbox, watchPagesForTimes } from '../support/human-time';
import { BOTH_SUPPORT_HOURS, supportHours } from '../support/support-hours';
import { eventually } from '../support/wait';

/**
 * An agent's day in Debian's chromium: sign in, open "Mine" (empty), search, assign to oneself, reply
 * with a canned response, see the customer's reply marked in the queue, resolve and close; in each
 * state the ticket page offers only the actions that fit. Run with support open around the clock and with support
 * closed for the whole run, so the texts that depend on it (countdowns, due times) are checked in both states.
 */

const SHOTS = path.join(repoRoot, 'test-results/screenshots');

let stack: TestStack;
let browser: Browser;
let page: Page;
let checkPageTimes: () => Promise<void>;
let samKey = '';
let admin: ApiClient;
let ada: ApiClient;
let checkoutId = '';
let reportId = '';
let cspErrors: string[] = [];

describe.each(BOTH_SUPPORT_HOURS)('with support %s', (mode) => {
  const hours = supportHours(mode);
  const calendar = createCalendar(hours.calendar);

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ sla: { calendar: hours.calendar, policy: DEFAULT_POLICY } });
    admin = apiClient(stack.baseUrl, stack.adminKey);
    samKey = (await admin.post('/api/v1/users', { role: 'agent', name: 'Sam Agent', email: 'sam@support.local' })).body
      .apiKey;
    await admin.post('/api/v1/users', { role: 'agent', name: 'Kim Lee', email: 'kim@support.local' });
    ada = apiClient(
      stack.baseUrl,
      (await admin.post('/api/v1/users', { role: 'customer', name: 'Ada', email: 'ada@example.com' })).body.apiKey,
    );
    const macro = await admin.post('/api/v1/macros', {
      title: 'We are on it',
      body: 'Hello {{customer.name}}, ticket #{{ticket.id}} ({{ticket.priority}}) is with {{agent.name}}.',
    });
    expect(macro.status).toBe(201);
    const open = async (subject: string, description: string) =>
      (await ada.post('/api/v1/tickets', { subject, description, category: 'bug', priority: 'high' })).body
        .id as string;
    checkoutId = await open('Checkout is down', 'Payment page spins forever after the card step.');
    reportId = await open('Report colours look off', 'The monthly report uses the wrong palette.');
    for (const id of [checkoutId, reportId]) {
      await eventually(
        async () => (await admin.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
        15_000,
        'acknowledgement',
      );
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    checkPageTimes = watchPagesForTimes(page);
    cspErrors = cspRefusals(page);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SHOTS, `agent-day-${mode}-${name}.png`), fullPage: true });
  const submit = async (selector: string) => {
    const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return res!;
  };
  const rowIds = () =>
    page
      .locator('#queue tbody tr[data-ticket-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket-id')));
  const offered = async () =>
    ((await page.locator('#actions').getAttribute('data-actions')) ?? '').split(',').filter(Boolean);
  const actionLabels = () => page.locator('#actions label').evaluateAll((ls) => ls.map((l) => l.textContent!.trim()));

  describe("an agent's day in the console", () => {
    it('signs in and finds nothing under Mine yet', async () => {
      await page.goto(`${stack.baseUrl}/console/login`);
      await page.fill('#apiKey', samKey);
      await submit('button[type=submit]');
      await submit('#view-mine');
      expect(page.url()).toBe(`${stack.baseUrl}/console?assignee=me`);
      expect(await page.locator('h1').innerText()).toBe('My tickets');
      expect(await rowIds()).toEqual([]);
    });

    it('searches the queue by words of the description, with the search kept in the address', async () => {
      await page.goto(`${stack.baseUrl}/console`);
      expect((await rowIds()).sort()).toEqual([checkoutId, reportId].sort());
      const row = page.locator(`tr[data-ticket-id="${checkoutId}"]`);
      expect(await row.locator('td.requester').innerText()).toContain('Ada');
      expect(await row.getAttribute('data-updated')).toBe('true'); // never opened by Sam

      await page.fill('#f-q', 'payment SPINS');
      await submit('form.filters button');
      expect(new URL(page.url()).searchParams.get('q')).toBe('payment SPINS');
      expect(await rowIds()).toEqual([checkoutId]);
      await page.reload();
      expect(await page.locator('#f-q').inputValue()).toBe('payment SPINS');
      expect(await rowIds()).toEqual([checkoutId]);
      await shot('01-search');
    });

    it('opens the ticket: only the actions that fit, each field labelled for its action', async () => {
      await submit(`tr[data-ticket-id="${checkoutId}"] a`);
      expect(await offered()).toEqual([
        'assign',
        'reply',
        'priority',
        'pending',
        'escalate',
        'resolve',
        'close',
        'reclassify',
      ]);
      expect(await page.locator('#action-reopen').count()).toBe(0);
      expect(await page.locator('#action-accept').count()).toBe(0);
      const labels = await actionLabels();
      expect(new Set(labels).size).toBe(labels.length);
      expect(await page.locator('#close-confirm').getAttribute('required')).not.toBeNull();
      // A high ticket's first response: 8 business hours, counted down only while support is open.
      const clock = page.locator('#clocks tr[data-metric="first_response"]');
      const left = await clock.locator('.countdown').innerText();
      if (mode === 'open') expect(left).toMatch(/^7h 5\dm \d\ds left$/);
      else {
        expect(left).toBe('8h 00m 00s left (support closed)');
        const due = new Date(calendar.nextOpen(new Date()).getTime() + 8 * 3_600_000);
        expect(await clock.locator('td[data-label="Due"] time').innerText()).toBe(calendar.formatLocal(due));
      }
    });

    it('changes the category with a reason, and the page shows the new one', async () => {
      expect(await page.locator('#reclassify-category option').allInnerTexts()).not.toContain('bug');
      await page.selectOption('#reclassify-category', 'incident');
      await page.fill('#reclassify-reason', 'the checkout is down for everyone');
      await submit('#action-reclassify button');
      expect(await page.locator('#notice').innerText()).toBe('Category changed.');
      expect(await page.locator('#ticket-category').innerText()).toBe('incident');
    });

    it('assigns the ticket to Sam from the picker of agents (Sam, taking it, is not mailed) and lists it under Mine', async () => {
      const options = await page.locator('#assign-agent option').allInnerTexts();
      expect(options).toEqual(['Kim Lee <kim@support.local>', 'Sam Agent <sam@support.local>']);
      await page.selectOption('#assign-agent', { label: 'Sam Agent <sam@support.local>' });
      await submit('#action-assign button');
      expect(await page.locator('#assignee').innerText()).toBe('Sam Agent');
      // The timeline says who had it (nobody) and who has it now, by name. The change's mails go out before its
      // events are recorded, so once the row is there, a mail to Sam would be in the outbox: none is.
      await eventually(
        async () => {
          await page.reload();
          return (await page.locator('#events tr[data-type="assigned"] td.change').count()) === 1;
        },
        10_000,
        'the assignment on the timeline',
      );
      expect(await page.locator('#events tr[data-type="assigned"] td.change').innerText()).toBe('nobody → Sam Agent');
      const assignedMails = (await mailsFor(inject('outboxDir'), checkoutId)).filter(
        (x) => x.headers.get('x-notification-kind') === 'assigned',
      );
      expect(assignedMails).toEqual([]);

      await eventually(
        async () => {
          await page.goto(`${stack.baseUrl}/console?assignee=me`);
          return (await rowIds()).join() === checkoutId;
        },
        10_000,
        'the ticket under Mine',
      );
      expect(await page.locator(`tr[data-ticket-id="${checkoutId}"] td.assignee`).innerText()).toBe('Sam Agent');
    });

    it('replies with a canned response filled in for this ticket', async () => {
      await page.goto(`${stack.baseUrl}/console/tickets/${checkoutId}`);
      await page.selectOption('#macro-pick', { label: 'We are on it' });
      await submit('#use-macro button');
      const filled = `Hello Ada, ticket #${checkoutId} (high) is with Sam Agent.`;
      expect(await page.locator('#reply-body').inputValue()).toBe(filled);
      await submit('#action-reply button');
      expect(await page.locator('#notice').innerText()).toBe('Reply sent.');
      expect(await page.locator('#thread article.agent pre').last().innerText()).toBe(filled);
      expect(await page.locator('#ticket-status').innerText()).toBe('open');
      await shot('02-replied');
    });

    it('marks the ticket in the queue when the customer replies, until Sam opens it', async () => {
      await page.goto(`${stack.baseUrl}/console?assignee=me`);
      expect(await page.locator(`tr[data-ticket-id="${checkoutId}"]`).getAttribute('data-updated')).toBe('false');
      expect(
        (await ada.post(`/api/v1/tickets/${checkoutId}/messages`, { body: 'Still spinning on my side.' })).status,
      ).toBe(201);
      await page.reload();
      const row = page.locator(`tr[data-ticket-id="${checkoutId}"]`);
      expect(await row.getAttribute('data-updated')).toBe('true');
      expect(await row.locator('.updated').innerText()).toBe('customer replied');
      await shot('03-customer-replied');
      await submit(`tr[data-ticket-id="${checkoutId}"] a`);
      await page.goto(`${stack.baseUrl}/console?assignee=me`);
      expect(await page.locator(`tr[data-ticket-id="${checkoutId}"]`).getAttribute('data-updated')).toBe('false');
    });

    it('stops offering escalate once the ticket is at the top of its ladder', async () => {
      await page.goto(`${stack.baseUrl}/console/tickets/${reportId}`);
      for (const level of ['L2', 'management']) {
        expect(await offered()).toContain('escalate');
        await submit('#action-escalate button');
        expect(await page.locator('#level').innerText()).toBe(level);
      }
      expect(await offered()).toEqual(['assign', 'reply', 'priority', 'pending', 'resolve', 'close', 'reclassify']);
      expect(await page.locator('#action-escalate').count()).toBe(0);
    });

    it('resolves, then offers reopen but not resolve, and closes only once confirmed', async () => {
      await page.goto(`${stack.baseUrl}/console/tickets/${checkoutId}`);
      await page.fill('#resolve-body', 'The payment provider recovered.');
      await submit('#action-resolve button');
      expect(await page.locator('#ticket-status').innerText()).toBe('resolved');
      expect(await offered()).toEqual(['assign', 'reply', 'reopen', 'close', 'reclassify']);
      expect(await page.locator('#action-resolve').count()).toBe(0);
      await shot('04-resolved');

      // Without the tick the browser does not send the form; a request without it is refused by the server too.
      const before = page.url();
      await page.click('#action-close button');
      expect(page.url()).toBe(before);
      expect(
        await page
          .locator('#close-confirm')
          .evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing),
      ).toBe(true);
      await page.locator('#close-confirm').evaluate((el) => el.removeAttribute('required'));
      expect((await submit('#action-close button')).status()).toBe(400);
      expect(await page.locator('#refusal').innerText()).toContain('Yes, close it');
      expect((await admin.get(`/api/v1/tickets/${checkoutId}`)).body.status).toBe('resolved');

      await page.check('#close-confirm');
      await submit('#action-close button');
      expect(await page.locator('#ticket-status').innerText()).toBe('closed');
      expect(await page.locator('#actions form').count()).toBe(0);
      await shot('05-closed');
      expect(cspErrors).toEqual([]);
    });
  });

  describe('canned responses managed in the console', () => {
    let adminPage: Page;
    const cards = () =>
      adminPage
        .locator('#macros article.macro h3, #macros article.macro input[name=title]')
        .evaluateAll((els) =>
          els.map((e) => (e as unknown as { value?: string; textContent: string | null }).value ?? e.textContent ?? ''),
        );

    beforeAll(async () => {
      adminPage = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await adminPage.goto(`${stack.baseUrl}/console/login`);
      await adminPage.fill('#apiKey', stack.adminKey);
      await Promise.all([adminPage.waitForNavigation(), adminPage.click('button[type=submit]')]);
    });
    afterAll(async () => {
      await adminPage?.close();
    });
    const adminSubmit = async (selector: string) => {
      const [res] = await Promise.all([adminPage.waitForNavigation(), adminPage.click(selector)]);
      return res!;
    };

    it('lets an admin add one, keeps what was typed when a placeholder is unknown, edit and delete it', async () => {
      await adminPage.goto(`${stack.baseUrl}/console`);
      await adminSubmit('header a[href="/console/macros"]');
      expect(await cards()).toEqual(['We are on it']);

      await adminPage.fill('#new-title', 'Need logs');
      await adminPage.fill('#new-body', 'Hi {{customer.nmae}}, please send the logs of #{{ticket.id}}.');
      expect((await adminSubmit('#new-macro button')).status()).toBe(400);
      expect(await adminPage.locator('#refusal').innerText()).toContain('unknown placeholder {{customer.nmae}}');
      expect(await adminPage.locator('#new-body').inputValue()).toBe(
        'Hi {{customer.nmae}}, please send the logs of #{{ticket.id}}.',
      );
      await adminPage.fill('#new-body', 'Hi {{customer.name}}, please send the logs of #{{ticket.id}}.');
      await adminSubmit('#new-macro button');
      expect(await adminPage.locator('#notice').innerText()).toBe('Canned response added.');
      expect(await cards()).toEqual(['Need logs', 'We are on it']);
      await adminPage.screenshot({ path: path.join(SHOTS, 'agent-day-06-macros.png'), fullPage: true });

      const id = (await adminPage.locator('#macros article.macro').first().getAttribute('data-macro-id'))!;
      await adminPage.fill(`#edit-${id}-title`, 'Need the logs');
      await adminSubmit(`#edit-${id} button`);
      expect(await adminPage.locator('#notice').innerText()).toBe('Canned response saved.');
      expect((await admin.get(`/api/v1/macros/${id}`)).body).toMatchObject({
        title: 'Need the logs',
        body: 'Hi {{customer.name}}, please send the logs of #{{ticket.id}}.',
      });

      // Delete needs its tick; then it is gone for agents too.
      await adminPage.check(`#delete-${id}-confirm`);
      await adminSubmit(`#delete-${id} button`);
      expect(await adminPage.locator('#notice').innerText()).toBe('Canned response deleted.');
      expect(await cards()).toEqual(['We are on it']);
      expect((await admin.get(`/api/v1/macros/${id}`)).status).toBe(404);
    });

    it("refuses a change without the page's CSRF token, and shows agents the list without forms", async () => {
      const cookies = (await adminPage.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const forged = await fetch(`${stack.baseUrl}/console/macros`, {
        method: 'POST',
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'title=Forged&body=Hello',
      });
      expect(forged.status).toBe(403);
      expect((await admin.get('/api/v1/macros')).body.items.map((m: { title: string }) => m.title)).toEqual([
        'We are on it',
      ]);

      await page.goto(`${stack.baseUrl}/console/macros`);
      expect(await page.locator('#macros article.macro h3').allInnerTexts()).toEqual(['We are on it']);
      expect(await page.locator('#new-macro').count()).toBe(0);
      expect(await page.locator('#macros form').count()).toBe(0);
      // An agent's own valid token (the sign-out form's) does not make them an admin.
      const agentCookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const token = (await page.locator('header input[name=csrf]').getAttribute('value'))!;
      const byAgent = await fetch(`${stack.baseUrl}/console/macros`, {
        method: 'POST',
        headers: { cookie: agentCookies, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: token, title: 'Mine', body: 'Hello' }).toString(),
      });
      expect(byAgent.status).toBe(403);
      expect(await byAgent.text()).toContain('Only admins change canned responses.');
      expect((await admin.get('/api/v1/macros')).body.items).toHaveLength(1);
      expect(cspErrors).toEqual([]);
    });
  });
});

it('writes every time on the pages it served and in the mails it sent to the minute, with the zone named', async () => {
  await checkPageTimes();
  await expectReadableOutbox(inject('outboxDir'));
});
