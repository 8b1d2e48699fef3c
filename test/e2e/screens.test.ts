import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CalendarSpec } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { repoRoot } from '../../scripts/lib/tools';
import { cspRefusals, launchChromium } from '../support/browser';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Screens that fit: the console's queue, ticket and dashboard and the portal's pages have no horizontal scroll on a
 * 375 px phone or a 1,400 px desktop, with the long content real desks have (long subjects and unbroken error
 * codes, long addresses and organization names, an agent with a long name). Measured in Chromium: the document's
 * scrollWidth against the viewport. Chart labels are whole (inside their SVG), and each page is photographed at
 * both widths (SCREENSHOT_DIR, else test-results/screenshots) for people to look at.
 *
 * Support runs 09:00–18:00 Asia/Kolkata every day, so the pages show times in that zone and the dashboard has a
 * shift a day; whether support is open when the suite runs changes some texts ("support closed"), and the pages fit
 * either way.
 */

const SHOTS = process.env.SCREENSHOT_DIR ?? path.join(repoRoot, 'test-results/screenshots');
const WIDTHS = [375, 1400] as const;
const ORG = 'Internationale Präzisionsinstrumente und Messtechnik Handelsgesellschaft mbH & Co. KG';
const DOMAIN = 'precision-instruments-international.example';
const kolkata: CalendarSpec = {
  timezone: 'Asia/Kolkata',
  windows: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((day) => ({
    day: day as CalendarSpec['windows'][number]['day'],
    open: '09:00',
    close: '18:00',
  })),
  holidays: [],
};
const SUBJECTS = [
  'Export of quarterly reconciliation reports fails with "TimeoutError: upstream connection reset by peer" after 99 % on every browser we tried',
  'ERR_CONNECTION_RESET_BY_PEER_0x8007274C_WHILE_EXPORTING_RECONCILIATION_REPORT_Q3',
  'Login page reloads forever after SSO',
  'Invoices for November are missing from the billing overview',
];

let stack: TestStack;
let admin: ApiClient;
let browser: Browser;
let consoleCookies = '';
let portalCookies: Map<string, string>;
let ticketId = '';
/** A ticket waiting on a vendor (with a long name): its pause, the vendor's clock and the paused time. */
let waitingId = '';
/** A ticket escalated to L2, whose clock to act (4 business hours) runs. */
let escalatedId = '';
/** The default policy, with L2 given 4 business hours to act once a ticket reaches it. */
const POLICY = {
  ...DEFAULT_POLICY,
  escalation: DEFAULT_POLICY.escalation.map((s) => (s.level === 'L2' ? { ...s, respondWithinMinutes: 240 } : s)),
};

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ sla: { calendar: kolkata, policy: POLICY } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  expect((await admin.post('/api/v1/sla/calendars', { id: 'kolkata-office', ...kolkata })).status).toBe(201);
  const org = await admin.post('/api/v1/organizations', {
    name: ORG,
    domains: [DOMAIN],
    agreement: {
      calendar: 'kolkata-office',
      policy: 'default',
      scope: { training: true, customDevelopment: false, thirdParty: false },
    },
  });
  expect(org.status, JSON.stringify(org.body)).toBe(201);
  const agent = await admin.post('/api/v1/users', {
    role: 'agent',
    name: 'Bartholomew Featherstonehaugh-Montgomery',
    email: 'bartholomew.featherstonehaugh-montgomery@support.example',
  });
  const customerEmail = `maximilian.mustermann-schneiderhausen@${DOMAIN}`;
  const customer = await admin.post('/api/v1/users', {
    role: 'customer',
    name: 'Maximilian Mustermann-Schneiderhausen',
    email: customerEmail,
    organizationId: org.body.id,
    organizationRole: 'admin',
  });
  expect(customer.status, JSON.stringify(customer.body)).toBe(201);
  const ids: string[] = [];
  for (const [i, subject] of SUBJECTS.entries()) {
    const res = await admin.post('/api/v1/tickets', {
      subject,
      description: `Steps to reproduce:\n1. Open Reports → Reconciliation\n2. Export\n${'C:\\Users\\mmustermann\\AppData\\Local\\Temp\\reconciliation-export-2026-11-30T09-00-00.csv '.repeat(2)}`,
      errorMessage:
        'TimeoutError: upstream connection reset by peer (ECONNRESET) at Socket.onStreamRead (node:internal/stream_base_commons:217:20)',
      category: 'bug',
      priority: ['urgent', 'high', 'normal', 'low'][i],
      customerEmail: i === 3 ? 'ada.lovelace-byron@individual-customer.example' : customerEmail,
      customerName: i === 3 ? 'Ada Lovelace-Byron' : undefined,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  ticketId = ids[0]!;
  const agentApi = apiClient(stack.baseUrl, agent.body.apiKey);
  await eventually(
    async () => (await admin.get(`/api/v1/tickets/${ticketId}`)).body.status === 'acknowledged',
    15_000,
    'acknowledgement',
  );
  const act = (action: string, body: Record<string, unknown>) =>
    agentApi.post(`/api/v1/tickets/${ticketId}/actions/${action}`, body);
  expect((await act('assign', { agent: agent.body.id })).status).toBe(200);
  expect((await act('reclassify', { category: 'incident', reason: 'Several customers report it' })).status).toBe(200);
  expect((await act('reply', { body: 'We can reproduce it and are working on a fix.' })).status).toBe(200);
  const vendor = await admin.post('/api/v1/vendors', {
    id: 'precision-hosting',
    name: 'Präzisions-Hosting und Managed-Infrastructure-Dienstleistungen GmbH',
    calendar: 'kolkata-office',
    targetMinutes: 480,
    contacts: ['escalations.managed-infrastructure@precision-hosting.example'],
  });
  expect(vendor.status, JSON.stringify(vendor.body)).toBe(201);
  waitingId = ids[1]!;
  await eventually(
    async () => (await admin.get(`/api/v1/tickets/${waitingId}`)).body.status === 'acknowledged',
    15_000,
    'acknowledgement',
  );
  const waiting = await agentApi.post(`/api/v1/tickets/${waitingId}/actions/pending`, {
    waitingOn: 'vendor',
    vendor: 'precision-hosting',
    reason: 'Hosting case PH-2026-118834 opened about the upstream connection resets',
  });
  expect(waiting.status, JSON.stringify(waiting.body)).toBe(200);
  escalatedId = ids[2]!;
  const escalated = await agentApi.post(`/api/v1/tickets/${escalatedId}/actions/escalate`, {
    reason: 'The customer reports a data loss; L2 owns the export pipeline',
  });
  expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
  await eventually(
    async () => (await admin.get('/api/v1/tickets?limit=50')).body.items.length === SUBJECTS.length,
    15_000,
    'the projection of every ticket',
  );
  consoleCookies = await consoleLogin(stack.baseUrl, agent.body.apiKey);
  const portal = browserLike(stack.baseUrl);
  await signIn(portal, inject('outboxDir'), customerEmail);
  portalCookies = portal.jar;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function contextAt(width: number): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const url = new URL(stack.baseUrl);
  const cookies = [
    ...consoleCookies.split('; ').map((c) => c.split('=') as [string, string]),
    ...portalCookies.entries(),
  ].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' }));
  await ctx.addCookies(cookies);
  return ctx;
}

/** How far the page reaches past the viewport to the right (0 when it fits). */
const overflow = (page: Page): Promise<number> =>
  page.evaluate('Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth');

/** Each chart text that reaches outside its SVG's drawing (cut off when drawn). */
const CLIPPED_LABELS = `[...document.querySelectorAll('svg[id$="-chart"]')].flatMap((svg) =>
  [...svg.querySelectorAll('text')]
    .filter((t) => { const b = t.getBBox(); return b.x < 0 || b.x + b.width > svg.viewBox.baseVal.width; })
    .map((t) => svg.id + ': ' + t.textContent))`;

const PAGES: [string, () => string][] = [
  ['console-queue', () => '/console'],
  ['console-ticket', () => `/console/tickets/${ticketId}`],
  ['console-ticket-waiting', () => `/console/tickets/${waitingId}`],
  ['console-ticket-level', () => `/console/tickets/${escalatedId}`],
  ['console-dashboard', () => '/console/dashboard'],
  ['portal-tickets', () => '/portal'],
  ['portal-ticket', () => `/portal/tickets/${ticketId}`],
  ['private-ticket', () => stack.desk.links.customerPath(ticketId)],
];

describe('screens that fit', () => {
  for (const width of WIDTHS) {
    it(`no page scrolls sideways at ${width} px`, async () => {
      const ctx = await contextAt(width);
      const page = await ctx.newPage();
      const refused = cspRefusals(page);
      const wide: Record<string, number> = {};
      for (const [name, url] of PAGES) {
        const res = await page.goto(`${stack.baseUrl}${url()}`);
        expect(res!.status(), name).toBe(200);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
        const over = await overflow(page);
        if (over > 0) wide[name] = over;
      }
      await ctx.close();
      expect(refused).toEqual([]);
      expect(wide, 'pixels past the viewport').toEqual({});
    });
  }

  it("the queue shows each ticket's organization by name and filters by it", async () => {
    const ctx = await contextAt(1400);
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/console`);
    const orgs = await page.locator('#queue td.organization').allInnerTexts();
    expect(orgs.sort()).toEqual([ORG, ORG, ORG, '—']);
    await page.selectOption('#f-organization', { label: ORG });
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
    expect(await page.locator('#queue tbody tr').count()).toBe(3);
    await page.selectOption('#f-organization', { label: 'no organization' });
    await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
    expect(await page.locator('#queue td.subject').allInnerTexts()).toEqual([
      expect.stringContaining('Invoices for November'),
    ]);
    await ctx.close();
  });

  it("shows what a ticket waits on: the vendor's clock by the vendor's name, and the paused time", async () => {
    const ctx = await contextAt(1400);
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/console/tickets/${waitingId}`);
    expect(await page.locator('#clocks tr[data-metric="vendor"] th').innerText()).toBe(
      'Vendor: Präzisions-Hosting und Managed-Infrastructure-Dienstleistungen GmbH',
    );
    expect(await page.locator('#waiting-on').innerText()).toContain('Waiting on: Waiting on a third party');
    expect(await page.locator('#paused-time tr[data-waiting-on="vendor"] td').first().innerText()).toBe(
      'Waiting on a third party',
    );
    await ctx.close();
  });

  for (const width of WIDTHS)
    it(`shows the level's clock to act with its countdown at ${width} px`, async () => {
      const ctx = await contextAt(width);
      const page = await ctx.newPage();
      await page.goto(`${stack.baseUrl}/console/tickets/${escalatedId}`);
      const row = page.locator('#clocks tr[data-metric="level"]');
      expect(await row.getAttribute('data-level')).toBe('L2');
      expect(await row.locator('th').innerText()).toBe('Level L2 to act');
      expect(await row.locator('td[data-label="Target"]').innerText()).toBe('4 h 0 min');
      // Ticking from the page's own instant, in or out of support hours.
      expect(await row.locator('.countdown').getAttribute('data-remaining-ms')).toMatch(/^\d+$/);
      expect(await row.locator('.countdown').innerText()).toMatch(/left/);
      await row.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `console-level-clock-${width}.png`), fullPage: true });
      await ctx.close();
    });

  it('shows a reclassification from → to on the ticket timeline', async () => {
    const ctx = await contextAt(1400);
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/console/tickets/${ticketId}`);
    expect(await page.locator('#events tr[data-type="reclassified"] td.change').innerText()).toBe('bug → incident');
    // The timeline starts at the receipt, written as the events table writes it (an event: rounded down).
    expect(await page.locator('svg#timeline > text:not(.due-text)').first().textContent()).toBe(
      await page.locator('#events tr[data-type="received"] time').first().textContent(),
    );
    await ctx.close();
  });

  it('draws every chart label whole, inside its chart', async () => {
    const ctx = await contextAt(1400);
    const page = await ctx.newPage();
    await page.goto(`${stack.baseUrl}/console/dashboard`);
    // The period in days a person reads, each from midnight in the calendar's zone (Kolkata: 18:30 UTC the day before).
    expect([await page.inputValue('#from'), await page.inputValue('#to')]).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    ]);
    expect(await page.locator('#period').getAttribute('data-from')).toMatch(/T18:30:00\.000Z$/);
    expect(await page.locator('#period').innerText()).toMatch(/^From \w{3} \d{4}-\d{2}-\d{2} 00:00 IST to /);
    const clipped = await page.evaluate(CLIPPED_LABELS);
    expect(await page.locator('#shifts-chart text').count()).toBeGreaterThan(0);
    expect(clipped).toEqual([]);
    await ctx.close();
  });

  // Last, so the tickets it opens are not in the queue the tests above count.
  it("fits a ticket under scope review: the form's confirmation and the console's ticket page", async () => {
    const wide: Record<string, number> = {};
    for (const width of WIDTHS) {
      const ctx = await contextAt(width);
      const page = await ctx.newPage();
      await page.goto(`${stack.baseUrl}/`);
      await page.fill('#email', `grace.hopper-${width}@individual-customer.example`);
      await page.fill('#subject', 'Could you train our new team on the reconciliation export?');
      await page.fill('textarea[name="description"]', 'Five people join in January; an hour on exports would help.');
      await page.selectOption('#category', 'training');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.locator('body').innerText()).toMatch(/under review until/);
      await page.screenshot({ path: path.join(SHOTS, `form-confirmation-review-${width}.png`), fullPage: true });
      if ((await overflow(page)) > 0) wide[`form-confirmation-review-${width}`] = await overflow(page);
      const reviewed = (await page.locator('#ticket-number').innerText()).replace('#', '');
      await eventually(
        async () => {
          await page.goto(`${stack.baseUrl}/console/tickets/${reviewed}`);
          return (await page.evaluate("document.getElementById('sla-state')?.textContent")) === 'scope review';
        },
        15_000,
        'the console page of the ticket under scope review',
      );
      // The review's end, the same minute at the top and beside the Accept button (a deadline: rounded up in both).
      const ends = await page
        .locator('#scope-review time, #action-accept time')
        .evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
      expect(ends).toHaveLength(2);
      expect(ends[0]).toBe(ends[1]);
      // No clock runs yet: said in words, not as a table of headings alone.
      expect(await page.locator('#clocks').count()).toBe(0);
      expect(await page.locator('#no-clocks').innerText()).toMatch(/start when the ticket is accepted/);
      await page.screenshot({ path: path.join(SHOTS, `console-ticket-review-${width}.png`), fullPage: true });
      if ((await overflow(page)) > 0) wide[`console-ticket-review-${width}`] = await overflow(page);
      await ctx.close();
    }
    expect(wide, 'pixels past the viewport').toEqual({});
  });

  it('serves a favicon the pages link', async () => {
    const ico = await fetch(`${stack.baseUrl}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toContain('image/x-icon');
    expect([...new Uint8Array(await ico.arrayBuffer()).slice(0, 4)]).toEqual([0, 0, 1, 0]);
    const svg = await fetch(`${stack.baseUrl}/favicon.svg`);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    for (const p of ['/console/login', '/portal', '/']) {
      const page = await (await fetch(`${stack.baseUrl}${p}`)).text();
      expect(page, p).toContain('<link rel="icon" href="/favicon.svg"');
    }
  });
});
