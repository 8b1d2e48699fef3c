import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workflowIdFor } from '../../desk/tickets';
import { createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { createWebRoutes } from '../../api/web/routes';
import { repoRoot } from '../../scripts/lib/tools';
import { stateQuery } from '../../workflows/ticket';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';
import { expectReadableOutbox, watchPagesForTimes } from '../support/human-time';
import { BOTH_SUPPORT_HOURS, supportHours } from '../support/support-hours';

/**
 * The customer web form end to end in Debian's chromium: empty page, mistakes, confirmation, private page, reply;
 * once with support open and once with it closed (test/support/support-hours.ts), whatever the hour it runs at.
 */

const SHOTS = path.join(repoRoot, 'test-results/screenshots');
const LOCAL_TIME = /(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} \d{2}:\d{2} EST/;

let stack: TestStack;
let browser: Browser;
let page: Page;
let agent: ApiClient;
let checkPageTimes: () => Promise<void>;

describe.each(BOTH_SUPPORT_HOURS)('with support %s', (mode) => {
  const hours = supportHours(mode);
  const calendar = createCalendar(hours.calendar);

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ sla: { calendar: hours.calendar, policy: DEFAULT_POLICY } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
    checkPageTimes = watchPagesForTimes(page);
    const admin = apiClient(stack.baseUrl, stack.adminKey);
    const created = await admin.post('/api/v1/users', { role: 'agent', name: 'Sam Agent', email: 'sam@support.local' });
    agent = apiClient(stack.baseUrl, created.body.apiKey);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const db = () => stack.store.conn.db!;
  const ticketCount = () => db().collection('tickets').countDocuments();
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${mode}-${name}`), fullPage: true });
  const activeId = async () => (await page.locator(':focus').getAttribute('id')) ?? '';
  const activeText = () => page.locator(':focus').innerText();
  const value = (sel: string) => page.locator(sel).inputValue();

  /** Presses a key that submits or navigates, and returns the response the page now shows. */
  async function navigateBy(act: () => Promise<void>) {
    const [response] = await Promise.all([page.waitForNavigation(), act()]);
    return response!;
  }

  /** Moves focus with Tab and checks it landed where the keyboard order says it should. */
  async function tabTo(id: string) {
    await page.keyboard.press('Tab');
    expect(await activeId()).toBe(id);
  }

  let link = '';
  let ticketId = '';
  let screenshot: Buffer = Buffer.alloc(0);

  describe('the customer web form in a real browser', () => {
    it('shows whether support is open and when a first response would be due', async () => {
      const res = await page.goto(`${stack.baseUrl}/`);
      expect(res!.status()).toBe(200);
      // The stylesheet applies (allowed by its hash under the CSP): the status box has its coloured edge.
      expect(
        await page
          .locator('#support-status')
          .evaluate(
            (el) =>
              (globalThis as unknown as { getComputedStyle(e: unknown): { borderLeftWidth: string } }).getComputedStyle(
                el,
              ).borderLeftWidth,
          ),
      ).toBe('6px');
      const status = await page.locator('#support-status').innerText();
      if (mode === 'open') expect(status).toBe('Support is open now, around the clock.');
      else
        expect(status).toBe(`Support is closed now; it opens ${calendar.formatLocal(calendar.nextOpen(new Date()))}.`);
      // One due time per priority, each to the minute with the zone's name (once written to the millisecond).
      const dues = (await page.locator('#first-response + ul').innerText()).split('\n').filter(Boolean);
      expect(dues.length).toBeGreaterThan(0);
      for (const due of dues) expect(due).toMatch(new RegExp(`(^|: )${LOCAL_TIME.source}$`));
      await shot('01-empty-form.png');
    });

    it('shows inline errors for a missing subject and a bad email, keeps every field, creates nothing', async () => {
      const before = await ticketCount();
      // The honeypot is out of the tab order: the first Tab lands on the email field.
      await tabTo('email');
      await page.keyboard.type('ada-at-example');
      await tabTo('name');
      await page.keyboard.type('Ada Lovelace');
      await tabTo('subject');
      await tabTo('description');
      await page.keyboard.type('The CSV export stops at 10%.\nIt worked <b>yesterday</b> & before.');
      await tabTo('category');
      await page.selectOption('#category', 'bug');
      await tabTo('priority');
      await page.selectOption('#priority', 'high');
      await tabTo('errorMessage');
      await page.keyboard.type('E_TIMEOUT after 30 s');
      await tabTo('contact'); // the checked radio of the group
      await page.keyboard.press('ArrowDown'); // email
      await page.keyboard.press('ArrowDown'); // live support
      await tabTo('liveTool');
      await page.selectOption('#liveTool', 'teamviewer');
      await tabTo('screenshots');
      await page.keyboard.press('Tab');
      expect(await activeText()).toBe('Send to support');
      const res = await navigateBy(() => page.keyboard.press('Enter'));

      expect(res.status()).toBe(400);
      expect(await page.locator('#error-summary').innerText()).toContain('Please check 2 fields');
      for (const [id, message] of [
        ['email', 'Enter an email address like name@example.com'],
        ['subject', 'Enter a subject'],
      ] as const) {
        const input = page.locator(`#${id}`);
        expect(await input.getAttribute('aria-invalid')).toBe('true');
        expect(await input.getAttribute('aria-describedby')).toContain(`${id}-error`);
        expect(await page.locator(`#${id}-error`).innerText()).toContain(message);
      }
      expect(await page.locator('#description').getAttribute('aria-invalid')).toBeNull();
      // Everything typed is still there, markup characters included, as text.
      expect(await value('#email')).toBe('ada-at-example');
      expect(await value('#name')).toBe('Ada Lovelace');
      expect(await value('#description')).toBe('The CSV export stops at 10%.\nIt worked <b>yesterday</b> & before.');
      expect(await value('#category')).toBe('bug');
      expect(await value('#priority')).toBe('high');
      expect(await value('#errorMessage')).toBe('E_TIMEOUT after 30 s');
      expect(await page.locator('input[name=contact][value=live]').isChecked()).toBe(true);
      expect(await value('#liveTool')).toBe('teamviewer');
      expect(await activeId()).toBe('email'); // focus starts at the first problem
      expect(await ticketCount()).toBe(before);
      await shot('02-inline-errors.png');
    });

    it('creates the ticket once corrected and shows its number, due time and private link', async () => {
      const before = await ticketCount();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('ada@example.com');
      screenshot = await page.screenshot();
      await page.setInputFiles('#screenshots', [
        { name: 'export-error.png', mimeType: 'image/png', buffer: screenshot },
      ]);
      await page.focus('#subject');
      await page.keyboard.type('Export stops at 10%');
      const res = await navigateBy(() => page.keyboard.press('Enter')); // Enter in a text field submits the form

      expect(res.status()).toBe(201);
      ticketId = (await page.locator('#ticket-number').innerText()).replace('#', '');
      expect(ticketId).toMatch(/^[0-9A-Z]{10}$/);
      expect(await page.locator('#first-response-due').innerText()).toMatch(new RegExp(`^${LOCAL_TIME.source}$`));
      link = (await page.locator('#private-link').getAttribute('href'))!;
      expect(link).toMatch(/^\/t\/[A-Za-z0-9_-]{43}$/);
      expect(await ticketCount()).toBe(before + 1);

      const stored = await db()
        .collection('tickets')
        .findOne({ _id: ticketId as never });
      expect(stored).toMatchObject({
        channel: 'web',
        customerEmail: 'ada@example.com',
        priority: 'high',
        liveSupportTool: 'teamviewer',
        errorMessage: 'E_TIMEOUT after 30 s',
      });
      // The screenshot is kept with the ticket: listed by the API and downloaded byte for byte.
      const admin = apiClient(stack.baseUrl, stack.adminKey);
      const files = (await admin.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments as {
        id: string;
        filename: string;
        contentType: string;
        size: number;
      }[];
      expect(files.map((f) => [f.filename, f.contentType, f.size])).toEqual([
        ['export-error.png', 'image/png', screenshot.length],
      ]);
      const download = await fetch(`${stack.baseUrl}/api/v1/tickets/${ticketId}/attachments/${files[0]!.id}`, {
        headers: { authorization: `Bearer ${stack.adminKey}` },
      });
      expect(Buffer.from(await download.arrayBuffer()).equals(screenshot)).toBe(true);
      expect(stored!.description).not.toContain('not stored');
      // Only the token's hash is stored.
      const token = link.slice(3);
      expect(stored!.accessTokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(stored)).not.toContain(token);
      await shot('03-confirmation.png');
    });

    it('follows the private link to the acknowledged ticket and its SLA state', async () => {
      await page.focus('#private-link');
      await navigateBy(() => page.keyboard.press('Enter'));
      // The acknowledgement is asynchronous (the workflow sends it): reload until the page shows it.
      await eventually(
        async () => {
          if ((await page.locator('#ticket-status').innerText()) === 'acknowledged') return true;
          await page.reload();
          return false;
        },
        15_000,
        'the acknowledged status',
      );
      expect(await page.locator('h1').innerText()).toBe(`#${ticketId}: Export stops at 10%`);
      const firstResponse = page.locator('#sla tr', { hasText: 'First response' });
      expect(await firstResponse.innerText()).toMatch(
        new RegExp(`${LOCAL_TIME.source}\\s+(\\d+ h )?\\d+ min of business time left\\s+running`),
      );
      expect(await page.locator('#thread').innerText()).toContain('No replies yet.');
      // The request as the customer sent it, the error message they pasted included.
      await page.focus('details summary');
      await page.keyboard.press('Enter');
      expect(await page.locator('#error-message').innerText()).toBe('E_TIMEOUT after 30 s');
      // The screenshot shows as a thumbnail the browser actually decoded, linked through the private link.
      const thumb = page.locator('#attachments img.thumb');
      expect(await thumb.getAttribute('src')).toMatch(new RegExp(`^${link}/files/[^/?]+\\?inline=1$`));
      expect(
        await thumb.evaluate(
          (img) =>
            (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
            (img as unknown as { naturalWidth: number }).naturalWidth,
        ),
      ).toBeGreaterThan(0);
      expect(await page.locator('#attachments a.download').innerText()).toBe('export-error.png');
      await shot('04-private-page.png');
    });

    it('shows support replies but not internal notes, and takes a reply that reaches the workflow', async () => {
      expect(
        (await agent.post(`/api/v1/tickets/${ticketId}/messages`, { body: 'Which browser do you use?' })).status,
      ).toBe(201);
      expect(
        (
          await agent.post(`/api/v1/tickets/${ticketId}/messages`, {
            body: 'INTERNAL: check the export queue',
            internal: true,
          })
        ).status,
      ).toBe(201);
      await page.reload();
      expect(await page.locator('#thread').innerText()).toContain('Which browser do you use?');
      expect(await page.locator('#thread').innerText()).not.toContain('INTERNAL');

      await page.focus('#reply');
      await page.keyboard.type('Chromium 156. <script>alert(1)</script>');
      await tabTo('reply-files');
      await page.keyboard.press('Tab');
      expect(await activeText()).toBe('Send reply');
      const res = await navigateBy(() => page.keyboard.press('Enter'));
      expect(res.status()).toBe(200); // after the 303 back to the page
      expect(await page.locator('[role=status]').innerText()).toContain('Your reply was added');
      expect(await page.locator('#thread').innerText()).toContain('Chromium 156. <script>alert(1)</script>');
      expect(await page.locator('#thread script').count()).toBe(0);

      // The customer's message reached the workflow: an agent had replied, so a next-response clock now runs.
      const state = await stack.client.workflow.getHandle(workflowIdFor(ticketId)).query(stateQuery);
      expect(state.status).toBe('open');
      expect(state.clocks.find((c) => c.metric === 'next_response')).toMatchObject({ stopped: false, cycle: 1 });
      const thread = await stack.store.messages.forTicket(ticketId, { includeInternal: false });
      expect(thread.at(-1)).toMatchObject({
        authorRole: 'customer',
        channel: 'web',
        body: 'Chromium 156. <script>alert(1)</script>',
      });
      await page.reload();
      expect(await page.locator('#sla').innerText()).toContain('Next response');
      await shot('05-after-reply.png');
    });

    it('takes files with a reply, kept with its message and downloaded byte for byte; a refused file sends nothing', async () => {
      const log = Buffer.from('12:00:01 export started\n12:00:31 E_TIMEOUT\n');
      const messages = async () => (await stack.store.messages.forTicket(ticketId, { includeInternal: false })).length;
      const before = await messages();
      await page.focus('#reply');
      await page.keyboard.type('Here is the log you asked for.');
      await page.setInputFiles('#reply-files', [
        { name: 'export.log', mimeType: 'text/plain', buffer: log },
        { name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from([0x4d, 0x5a, 0x90, 0x00]) },
      ]);
      await page.focus('#reply-files');
      await page.keyboard.press('Tab');
      let res = await navigateBy(() => page.keyboard.press('Enter'));
      expect(res.status()).toBe(400);
      expect(await page.locator('#reply-files-error').innerText()).toContain('tool.exe');
      expect(await value('#reply')).toBe('Here is the log you asked for.');
      expect(await messages()).toBe(before);

      await page.setInputFiles('#reply-files', [{ name: 'export.log', mimeType: 'text/plain', buffer: log }]);
      await page.focus('#reply-files');
      await page.keyboard.press('Tab');
      res = await navigateBy(() => page.keyboard.press('Enter'));
      expect(res.status()).toBe(200);
      expect(await page.locator('[role=status]').innerText()).toContain('Your reply was added');
      const reply = (await stack.store.messages.forTicket(ticketId, { includeInternal: false })).at(-1)!;
      expect(reply).toMatchObject({ authorRole: 'customer', body: 'Here is the log you asked for.' });
      const files = await stack.store.attachments.forTicket(ticketId);
      expect(files.filter((f) => f.messageId === reply.id).map((f) => f.filename)).toEqual(['export.log']);
      // The customer downloads it through the private page; the agent sees it in the API's list.
      const href = await page.locator('#attachments a.download', { hasText: 'export.log' }).getAttribute('href');
      expect(Buffer.from(await (await fetch(`${stack.baseUrl}${href}`)).arrayBuffer()).equals(log)).toBe(true);
      const listed = (await agent.get(`/api/v1/tickets/${ticketId}/attachments`)).body.attachments as {
        filename: string;
      }[];
      expect(listed.map((f) => f.filename)).toContain('export.log');
      await shot('06-reply-with-file.png');
    });

    it('shows a closed ticket as closed, without a reply form', async () => {
      expect((await agent.post(`/api/v1/tickets/${ticketId}/actions/close`, { reason: 'answered' })).status).toBe(200);
      await eventually(
        async () => {
          await page.reload();
          return (await page.locator('#ticket-status').innerText()) === 'closed';
        },
        15_000,
        'the closed status',
      );
      expect(await page.locator('#closed-notice').isVisible()).toBe(true);
      expect(await page.locator('#reply').count()).toBe(0);
    });

    it('answers an unknown private link with a 404 page', async () => {
      for (const token of ['x'.repeat(43), 'short', link.slice(3, -1) + (link.endsWith('A') ? 'B' : 'A')]) {
        const res = await page.goto(`${stack.baseUrl}/t/${token}`);
        expect(res!.status()).toBe(404);
        expect(await page.locator('h1').innerText()).toBe('Ticket not found');
      }
    });

    it('shows a bot that fills the honeypot a fake success and creates nothing', async () => {
      const before = await ticketCount();
      await page.goto(`${stack.baseUrl}/`);
      await page.fill('#email', 'bot@example.com');
      await page.fill('#subject', 'Cheap watches');
      await page.fill('#description', 'Buy now');
      await page.selectOption('#category', 'other');
      await page.locator('#website').fill('https://spam.example', { force: true }); // hidden from people, not from bots
      const res = await navigateBy(() => page.click('button[type=submit]'));
      expect(res.status()).toBe(201);
      expect(await page.locator('#ticket-number').innerText()).toMatch(/^#[0-9A-Z]{10}$/);
      expect(await ticketCount()).toBe(before);
      expect(await db().collection('users').countDocuments({ email: 'bot@example.com' })).toBe(0);
    });
  });

  describe('protection of the public form', () => {
    const form = (extra: Record<string, string>) =>
      new URLSearchParams({
        email: 'eve@example.com',
        subject: 'Hello',
        description: 'Hi',
        category: 'question',
        priority: 'normal',
        contact: 'web',
        ...extra,
      });
    const post = (url: string, body: URLSearchParams, cookie?: string) =>
      fetch(url, { method: 'POST', body, redirect: 'manual', headers: cookie ? { cookie } : {} });

    it('refuses a missing or forged CSRF token with 403 and creates nothing', async () => {
      const before = await ticketCount();
      const got = await fetch(`${stack.baseUrl}/`);
      const cookie = got.headers.getSetCookie()[0]!.split(';')[0]!;
      expect(got.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
      expect(got.headers.getSetCookie()[0]).toMatch(/SameSite=Strict/i);
      const token = /name="csrf" value="([^"]+)"/.exec(await got.text())![1]!;
      const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;

      expect((await post(`${stack.baseUrl}/`, form({}))).status).toBe(403); // neither cookie nor field
      expect((await post(`${stack.baseUrl}/`, form({ csrf: token }))).status).toBe(403); // field without cookie
      expect((await post(`${stack.baseUrl}/`, form({ csrf: 'other' }), cookie)).status).toBe(403); // mismatch
      expect((await post(`${stack.baseUrl}/`, form({ csrf: forged }), `sd_csrf=${forged}`)).status).toBe(403); // matching but unsigned
      expect(
        (await post(`${stack.baseUrl}${link}`, new URLSearchParams({ body: 'forged reply' }), cookie)).status,
      ).toBe(403);
      expect(await ticketCount()).toBe(before);
      expect(
        (await stack.store.messages.forTicket(ticketId, { includeInternal: true })).map((m) => m.body),
      ).not.toContain('forged reply');
      // The same request with the real pair goes through, so the 403s above were the token's doing.
      expect((await post(`${stack.baseUrl}/`, form({ csrf: token }), cookie)).status).toBe(201);
      expect(await ticketCount()).toBe(before + 1);
    });

    it('refuses a screenshot of another type next to its field, keeping the typed text', async () => {
      const before = await ticketCount();
      const got = await fetch(`${stack.baseUrl}/`);
      const cookie = got.headers.getSetCookie()[0]!.split(';')[0]!;
      const body = new FormData();
      // The token and text fields come first, as in the page, so they are read before the file is refused.
      for (const [k, v] of form({
        csrf: /name="csrf" value="([^"]+)"/.exec(await got.text())![1]!,
        subject: 'Keep <me>',
      }))
        body.append(k, v);
      // Judged by content: an executable's header (NUL bytes) is none of the accepted types, whatever it claims.
      body.append(
        'screenshots',
        new Blob([new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00])], { type: 'image/png' }),
        'setup.exe',
      );
      const res = await fetch(`${stack.baseUrl}/`, { method: 'POST', body, headers: { cookie } });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain('setup.exe: not a PNG, JPEG, GIF, WebP, PDF, ZIP or plain text file');
      expect(page).toMatch(
        /id="screenshots" aria-describedby="screenshots-hint screenshots-error" aria-invalid="true"/,
      );
      expect(page).toContain('value="Keep &lt;me&gt;"');
      expect(await ticketCount()).toBe(before);
    });

    it('puts the cursor in the address field of the lost-link page, so the keyboard can ask straight away', async () => {
      expect((await page.goto(`${stack.baseUrl}/link`))!.status()).toBe(200);
      expect(await activeId()).toBe('email');
      await page.keyboard.type('ada@example.com');
      const res = await navigateBy(() => page.keyboard.press('Enter'));
      expect(res.status()).toBe(200);
      expect(await page.locator('h1').innerText()).toBe('Check your mailbox');
    });

    it('limits POSTs per client with 429 and Retry-After, and still serves the page', async () => {
      const app = express();
      app.set('trust proxy', 'loopback');
      app.use(
        createWebRoutes({
          desk: stack.desk,
          adminApiKey: stack.adminKey,
          rateLimit: { limit: 2, windowMs: 60_000 },
        }),
      );
      const server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await post(`${base}/`, form({}))).status);
        expect(statuses).toEqual([403, 403, 429]);
        const limited = await post(`${base}/`, form({}));
        expect(limited.status).toBe(429);
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(await limited.text()).toContain('Too many requests');
        expect((await fetch(`${base}/`)).status).toBe(200);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  it('writes every time on the pages it served and in the mails it sent to the minute, with the zone named', async () => {
    await checkPageTimes();
    await expectReadableOutbox(inject('outboxDir'));
  });
});
