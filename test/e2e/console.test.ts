import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cspRefusals, launchChromium } from '../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, createCalendar } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { repoRoot } from '../../scripts/lib/tools';
import { browserCookies, consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { expectReadableOutbox, watchPagesForTimes } from '../support/human-time';
import { supportHours } from '../support/support-hours';
import { eventually } from '../support/wait';

/**
 * The agents' console in Debian's chromium: sign in, find the ticket in warning at the top of the
 * queue, reply (the first-response clock stops, the timeline changes), see refusals, resolve, close.
 * Support is open around the clock and urgent first responses are due in 10 minutes with a warning
 * at 1 %, so the urgent ticket is in warning after 6 seconds. The texts that depend on whether support is open (the
 * countdowns, the due times) are also checked under an always-closed calendar, so the file cannot pass by the hour.
 */

const SHOTS = path.join(repoRoot, 'test-results/screenshots');
const policy = parsePolicyOverrides({ warningAt: 0.01, targets: { urgent: { firstResponseMinutes: 10 } } });

let stack: TestStack;
let browser: Browser;
let page: Page;
let checkPageTimes: () => Promise<void>;
let agentKey = '';
let admin: ApiClient;
let urgentId = '';
let normalId = '';
let cspErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agentKey = (await admin.post('/api/v1/users', { role: 'agent', name: 'Sam Agent', email: 'sam@support.local' })).body
    .apiKey;
  const ticket = (priority: string, subject: string) =>
    admin.post('/api/v1/tickets', {
      subject,
      description: 'Steps: <b>log in</b> & press export.',
      category: 'bug',
      priority,
      customerEmail: 'ada@example.com',
      customerName: 'Ada',
    });
  normalId = (await ticket('normal', 'Report colours look off')).body.id;
  urgentId = (await ticket('urgent', 'Checkout is down')).body.id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  checkPageTimes = watchPagesForTimes(page);
  cspErrors = cspRefusals(page);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true });
const submit = async (selector: string) => {
  const [res] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return res!;
};
const clockState = (metric: string) => page.locator(`#clocks tr[data-metric="${metric}"]`).getAttribute('data-state');

describe('the agents console in a real browser', () => {
  it('asks for a key, refuses a customer key, and signs an agent in with a strict, HttpOnly session cookie', async () => {
    const res = await page.goto(`${stack.baseUrl}/console`);
    expect(page.url()).toBe(`${stack.baseUrl}/console/login`);
    expect(res!.status()).toBe(200);
    await shot('01-login');

    const customerKey = (await admin.post('/api/v1/users', { role: 'customer', name: 'Cy', email: 'cy@example.com' }))
      .body.apiKey;
    await page.fill('#apiKey', customerKey);
    expect((await submit('button[type=submit]')).status()).toBe(401);
    expect(await page.locator('#login-error').innerText()).toContain('does not belong to an agent');

    await page.fill('#apiKey', agentKey);
    await submit('button[type=submit]');
    expect(page.url()).toBe(`${stack.baseUrl}/console`);
    const session = (await page.context().cookies()).find((c) => c.name === 'sd_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(session.value).not.toContain(agentKey);
  });

  it('lists the ticket in warning first, coloured, with a countdown that ticks', async () => {
    await eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/console`);
        return (await page.locator(`tr[data-ticket-id="${urgentId}"]`).getAttribute('data-sla-state')) === 'warning';
      },
      40_000,
      'the urgent ticket to reach warning',
    );
    const ids = await page
      .locator('#queue tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket-id')));
    expect(ids.indexOf(urgentId)).toBeLessThan(ids.indexOf(normalId));
    const row = page.locator(`tr[data-ticket-id="${urgentId}"]`);
    expect(await row.getAttribute('class')).toBe('sla-warning');
    expect(await page.locator(`tr[data-ticket-id="${normalId}"]`).getAttribute('class')).toBe('sla-ok');
    const countdown = row.locator('.countdown');
    const before = await countdown.innerText();
    expect(before).toMatch(/^0h 0\dm \d\ds left$/);
    await page.waitForTimeout(1_500);
    expect(await countdown.innerText()).not.toBe(before);

    // Filters narrow the list: by priority, and by a level no ticket has reached.
    await page.selectOption('#f-priority', 'urgent');
    await submit('form.filters button');
    expect(await page.locator('#queue tbody tr[data-ticket-id]').count()).toBe(1);
    await page.goto(`${stack.baseUrl}/console?level=management`);
    expect(await page.locator('#queue tbody tr[data-ticket-id]').count()).toBe(0);
    await page.goto(`${stack.baseUrl}/console`);
    await shot('02-queue');
  });

  it('opens the ticket with its clocks, timeline, explanation and Temporal link', async () => {
    await submit(`tr[data-ticket-id="${urgentId}"] a`);
    expect(page.url()).toBe(`${stack.baseUrl}/console/tickets/${urgentId}`);
    expect(await page.locator('#sla-state').innerText()).toBe('warning');
    expect(await clockState('first_response')).toBe('running');
    const svg = page.locator('svg#timeline');
    expect((await svg.getAttribute('data-due'))!.split(',')).toContain('first_response');
    expect((await svg.getAttribute('data-events'))!.split(',')).toEqual(
      expect.arrayContaining(['received', 'acknowledged', 'warning']),
    );
    expect(await page.locator('details.explain[data-metric="first_response"] pre').textContent()).toContain(
      'Needs:     10 min',
    );
    expect(await page.locator('#thread pre').first().innerText()).toBe('Steps: <b>log in</b> & press export.');
    expect(await page.locator('#workflow-link').count()).toBe(0); // the test stack configures no Temporal UI
    await shot('03-ticket-warning');
  });

  it('replies: the first-response clock stops and the timeline shows the response', async () => {
    await page.fill('#reply-body', 'We are on it: the payment provider is timing out.');
    expect((await submit('#action-reply button')).status()).toBe(200);
    expect(await page.locator('#notice').innerText()).toBe('Reply sent.');
    expect(await clockState('first_response')).toBe('stopped');
    const svg = page.locator('svg#timeline');
    expect((await svg.getAttribute('data-events'))!.split(',')).toContain('responded');
    expect((await svg.getAttribute('data-due'))!.split(',')).not.toContain('first_response');
    expect(await page.locator('#ticket-status').innerText()).toBe('open');

    await page.fill('#note-body', 'Provider status page says degraded.');
    await submit('#action-note button');
    expect(await page.locator('#thread article[data-internal="true"] pre').innerText()).toBe(
      'Provider status page says degraded.',
    );
    await page.selectOption('#assign-agent', { label: 'Sam Agent <sam@support.local>' });
    await submit('#action-assign button');
    expect(await page.locator('#assignee').innerText()).toBe('Sam Agent');
    await shot('04-ticket-replied');
  });

  it('shows the workflow refusal when an action no longer fits, keeping what was typed', async () => {
    // An open ticket offers no Reopen; a stale page (someone escalated meanwhile) still meets the workflow's refusal.
    expect(await page.locator('#action-reopen').count()).toBe(0);
    await submit('#action-escalate button');
    expect(await page.locator('#level').innerText()).toBe('L2');
    expect((await admin.post(`/api/v1/tickets/${urgentId}/actions/escalate`, {})).body.sla.escalationLevel).toBe(
      'management',
    );
    await page.fill('#escalate-reason', 'still down');
    expect((await submit('#action-escalate button')).status()).toBe(409);
    expect(await page.locator('#refusal').innerText()).toMatch(/escalate/);
    expect(await page.locator('#escalate-reason').inputValue()).toBe('still down');
    await shot('06-refusal-escalate');
  });

  it('resolves and closes the ticket', async () => {
    await page.fill('#resolve-body', 'The provider recovered; checkout works again.');
    await submit('#action-resolve button');
    expect(await page.locator('#ticket-status').innerText()).toBe('resolved');
    expect(await clockState('resolution')).toBe('stopped');
    expect((await page.locator('svg#timeline').getAttribute('data-events'))!.split(',')).toContain('resolved');
    await shot('07-resolved');
    await page.check('#close-confirm');
    await submit('#action-close button');
    expect(await page.locator('#ticket-status').innerText()).toBe('closed');
    await shot('08-closed');
    expect(cspErrors).toEqual([]);
  });

  it('shows the dashboard for the period', async () => {
    const res = await page.goto(`${stack.baseUrl}/console/dashboard`);
    expect(res!.status()).toBe(200);
    expect(
      await page
        .locator('#attainment tr[data-priority="urgent"][data-metric="first_response"]')
        .getAttribute('data-met'),
    ).toBe('1');
    expect(await page.locator('#levels tr[data-level="management"]').getAttribute('data-escalations')).toBe('1');
    expect(await page.locator('svg#attainment-chart').count()).toBe(1);
    await shot('09-dashboard');
    expect(cspErrors).toEqual([]);
  });
});

describe('with support closed', () => {
  const hours = supportHours('closed');
  const calendar = createCalendar(hours.calendar);
  let closed: TestStack;
  let ctx: BrowserContext;
  let closedPage: Page;
  let id = '';

  beforeAll(async () => {
    closed = await startStack({ sla: { calendar: hours.calendar, policy } });
    const api = apiClient(closed.baseUrl, closed.adminKey);
    const key = (await api.post('/api/v1/users', { role: 'agent', name: 'Sam Agent', email: 'sam@support.local' })).body
      .apiKey as string;
    id = (
      await api.post('/api/v1/tickets', {
        subject: 'Checkout is down',
        description: 'Steps: press pay.',
        category: 'bug',
        priority: 'urgent',
        customerEmail: 'ada@example.com',
      })
    ).body.id;
    await eventually(
      async () => (await api.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
      15_000,
      'acknowledgement',
    );
    const cookie = await consoleLogin(closed.baseUrl, key);
    ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await ctx.addCookies(browserCookies(closed.baseUrl, cookie));
    closedPage = await ctx.newPage();
  });
  afterAll(async () => {
    await ctx?.close();
    await closed?.close();
  });

  it('counts nothing down and dues the first response ten minutes after the opening minute', async () => {
    // The whole target is left, due ten minutes into the next open day, whatever the hour the test runs at.
    const due = new Date(calendar.nextOpen(new Date()).getTime() + 10 * 60_000);
    await closedPage.goto(`${closed.baseUrl}/console`);
    const row = closedPage.locator(`tr[data-ticket-id="${id}"]`);
    expect(await row.getAttribute('data-sla-state')).toBe('ok');
    expect(await row.locator('td[data-label="Next deadline"] time').innerText()).toBe(calendar.formatLocal(due));
    const countdown = row.locator('.countdown');
    expect(await countdown.innerText()).toBe('0h 10m 00s left (support closed)');

    await closedPage.goto(`${closed.baseUrl}/console/tickets/${id}`);
    const clock = closedPage.locator('#clocks tr[data-metric="first_response"]');
    expect(await clock.getAttribute('data-state')).toBe('running');
    expect(await clock.locator('td[data-label="Due"] time').innerText()).toBe(calendar.formatLocal(due));
    expect(await clock.locator('td[data-label="Used"]').innerText()).toBe('0 min');
    expect(await clock.locator('.countdown').innerText()).toBe('0h 10m 00s left (support closed)');
    expect(await closedPage.locator('#sla-state').innerText()).toBe('ok');
  });
});

it("writes each time in the ticket's zone and, beside it, the agent's own with its zone's name", async () => {
  // The calendar runs in UTC; an agent in Kolkata reads both, each named as the server names zones (IST, not GMT+5:30).
  const kolkata = await browser.newContext({
    timezoneId: 'Asia/Kolkata',
    storageState: await page.context().storageState(),
  });
  try {
    const agentPage = await kolkata.newPage();
    await agentPage.goto(`${stack.baseUrl}/console/tickets/${normalId}`);
    const received = agentPage.locator('time.when').first();
    expect(await received.innerText()).toMatch(/^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    const utc = new Date((await received.getAttribute('datetime'))!);
    const local = new Date(utc.getTime() + 330 * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    expect((await agentPage.locator('time.when + .reader').first().innerText()).trim()).toMatch(
      new RegExp(`^\\(your time \\w{3} ${local} IST\\)$`),
    );
  } finally {
    await kolkata.close();
  }
});

it('writes every time on the pages it served and in the mails it sent to the minute, with the zone named', async () => {
  await checkPageTimes();
  await expectReadableOutbox(inject('outboxDir'));
});
