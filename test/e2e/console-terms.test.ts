import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCalendar, SLA_CALENDAR, WEEKDAYS, type BusinessCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { currentWindow } from '../../api/console/time';
import { launchChromium } from '../support/browser';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { expectReadableOutbox, watchPagesForTimes } from '../support/human-time';
import { eventually } from '../support/wait';

/**
 * The console shows each ticket under its own terms: an organization on Berlin day hours with its own categories and
 * escalation ladder sees its ticket's times, open windows, countdowns, categories and ladder in those, while a ticket
 * of a customer without an organization, beside it, keeps the default's (overnight shifts in EST).
 */

const BERLIN_SPEC = {
  timezone: 'Europe/Berlin',
  windows: WEEKDAYS.map((day) => ({ day, open: '08:00', close: '20:00' })),
  holidays: [],
};
const berlin = createCalendar(BERLIN_SPEC);
const standard = createCalendar(SLA_CALENDAR);
const GLOBEX_CATEGORIES = ['bug', 'hardware', 'licensing'];
const GLOBEX_LADDER = ['L1', 'tier-2', 'director'];

let stack: TestStack;
let browser: Browser;
let page: Page;
let checkPageTimes: () => Promise<void>;
let admin: ApiClient;
let orgId = '';
let globexTicket = '';
let defaultTicket = '';
let macroId = '';

const dueOf = async (id: string, metric: string): Promise<string> =>
  (await admin.get(`/api/v1/tickets/${id}`)).body.sla.clocks.find((c: { metric: string }) => c.metric === metric).dueAt;
const texts = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent ?? ''));
const values = (selector: string) =>
  page.locator(selector).evaluateAll((els) => els.map((e) => e.getAttribute('value') ?? ''));

beforeAll(async () => {
  stack = await startStack({ sla: { calendar: SLA_CALENDAR, policy: DEFAULT_POLICY } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  expect((await admin.post('/api/v1/sla/calendars', { id: 'berlin-days', ...BERLIN_SPEC })).status).toBe(201);
  const policy = await admin.post('/api/v1/sla/policies', {
    id: 'globex',
    categories: GLOBEX_CATEGORIES,
    outOfScopeCategories: [],
    escalation: [
      { level: 'tier-2', afterBreachMinutes: 0 },
      { level: 'director', afterBreachMinutes: 60 },
    ],
  });
  expect(policy.status).toBe(201);
  const org = await admin.post('/api/v1/organizations', {
    name: 'Globex',
    domains: ['globex.example'],
    agreement: {
      calendar: 'berlin-days',
      policy: 'globex',
      scope: { training: false, customDevelopment: false, thirdParty: false },
      contacts: { 'tier-2': ['tier2@support.example'], director: ['director@support.example'] },
    },
  });
  expect(org.status).toBe(201);
  orgId = org.body.id;
  // Normal priority: 40 business hours to resolution, so the timeline spans several of either calendar's windows.
  const open = (email: string, category: string) =>
    admin.post('/api/v1/tickets', {
      subject: `Ticket of ${email}`,
      description: 'd',
      category,
      priority: 'normal',
      customerEmail: email,
    });
  // An admin names Hans, so he is Globex's member (typing his address on a ticket would not make him one).
  expect(
    (await admin.post('/api/v1/users', { role: 'customer', name: 'Hans', email: 'hans@globex.example' })).status,
  ).toBe(201);
  globexTicket = (await open('hans@globex.example', 'hardware')).body.id;
  defaultTicket = (await open('ada@example.com', 'bug')).body.id;
  expect([globexTicket, defaultTicket].every(Boolean)).toBe(true);
  macroId = (await admin.post('/api/v1/macros', { title: 'When', body: 'First response due {{firstResponseDue}}.' }))
    .body.id;
  await eventually(
    async () =>
      Boolean(
        (await stack.store.ticketStates.get(globexTicket))?.nextDeadline &&
        (await stack.store.ticketStates.get(defaultTicket))?.nextDeadline,
      ),
    15_000,
    'both projections',
  );

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  checkPageTimes = watchPagesForTimes(page);
  page.setDefaultTimeout(5_000); // every element read is rendered already: a missing one fails fast
  await page.goto(`${stack.baseUrl}/console/login`);
  await page.fill('#apiKey', stack.adminKey);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Every open window on the ticket page's timeline as [opens, closes] local texts. */
async function timelineWindows(): Promise<[string, string][]> {
  const titles = await texts('svg#timeline rect.win > title');
  return titles.map((t) => {
    const m = /^support open: (.+) → (.+)$/.exec(t.trim());
    expect(m, t).not.toBeNull();
    return [m![1]!, m![2]!];
  });
}

/** The windows between the first and the last (those two may be cut at receipt and at the bar's end) open and close at these local times. */
function expectWindows(windows: [string, string][], zone: RegExp, open: string, close: string) {
  expect(windows.length).toBeGreaterThanOrEqual(3);
  for (const [from, to] of windows) expect([from, to].every((t) => zone.test(t))).toBe(true);
  for (const [from, to] of windows.slice(1, -1)) {
    expect(from).toContain(` ${open} `);
    expect(to).toContain(` ${close} `);
  }
}

describe("the console under each ticket's own terms", () => {
  it("shows the organization's ticket in its calendar's zone, open windows and countdowns", async () => {
    await page.goto(`${stack.baseUrl}/console/tickets/${globexTicket}`);
    const due = await dueOf(globexTicket, 'first_response');
    expect(await page.locator('#clocks tr[data-metric="first_response"] time.when').textContent()).toBe(
      berlin.formatLocal(new Date(due)),
    );
    expect(await page.locator('details.explain[data-metric="first_response"] pre').textContent()).toMatch(
      /^Time zone: Europe\/Berlin\n/,
    );
    expectWindows(await timelineWindows(), / CES?T$/, '08:00', '20:00');
    const countdown = page.locator('#clocks tr[data-metric="first_response"] .countdown');
    const window = currentWindow(berlin, new Date(Number(await countdown.getAttribute('data-rendered-at'))));
    expect([await countdown.getAttribute('data-open-from'), await countdown.getAttribute('data-open-until')]).toEqual([
      String(window.from.getTime()),
      String(window.until!.getTime()),
    ]);
    expect(await page.locator('#ticket-terms').getAttribute('data-calendar')).toBe('berlin-days@1');
    expect(await page.locator('#ticket-terms').getAttribute('data-policy')).toBe('globex@1');
  });

  it("offers the organization's policy's categories and ladder, and escalates up that ladder", async () => {
    await page.goto(`${stack.baseUrl}/console/tickets/${globexTicket}`);
    expect(await values('#reclassify-category option')).toEqual(['bug', 'licensing']);
    expect(await page.locator('#escalation-ladder').getAttribute('data-levels')).toBe(GLOBEX_LADDER.join(','));
    expect(await page.locator('#action-escalate button').textContent()).toBe('Escalate to tier-2');
    await Promise.all([page.waitForNavigation(), page.click('#action-escalate button')]);
    expect(await page.locator('#level').textContent()).toBe('tier-2');
    expect(await page.locator('#escalation-ladder strong').textContent()).toBe('tier-2');
    expect(await page.locator('#action-escalate button').textContent()).toBe('Escalate to director');
  });

  it("fills a canned response's due time in the ticket's zone", async () => {
    await page.goto(`${stack.baseUrl}/console/tickets/${globexTicket}?macro=${macroId}`);
    expect(await page.locator('#reply-body').inputValue()).toBe(
      `First response due ${berlin.formatLocal(new Date(await dueOf(globexTicket, 'first_response')))}.`,
    );
  });

  it("keeps the default's terms for a ticket of a customer without an organization", async () => {
    await page.goto(`${stack.baseUrl}/console/tickets/${defaultTicket}`);
    const due = await dueOf(defaultTicket, 'first_response');
    expect(await page.locator('#clocks tr[data-metric="first_response"] time.when').textContent()).toBe(
      standard.formatLocal(new Date(due)),
    );
    expectWindows(await timelineWindows(), / EST$/, '22:00', '06:00');
    expect(await values('#reclassify-category option')).toEqual(DEFAULT_POLICY.categories.filter((c) => c !== 'bug'));
    expect(await page.locator('#escalation-ladder').getAttribute('data-levels')).toBe('L1,L2,management');
    expect(await page.locator('#action-escalate button').textContent()).toBe('Escalate to L2');
    await page.goto(`${stack.baseUrl}/console/tickets/${defaultTicket}?macro=${macroId}`);
    expect(await page.locator('#reply-body').inputValue()).toBe(
      `First response due ${standard.formatLocal(new Date(due))}.`,
    );
  });

  it("shows each queue row in its own ticket's zone and filters by every ladder's levels", async () => {
    await page.goto(`${stack.baseUrl}/console`);
    const rowIn = async (id: string, cal: BusinessCalendar) => {
      const row = page.locator(`tr[data-ticket-id="${id}"]`);
      const deadline = (await stack.store.ticketStates.get(id))!.nextDeadline!;
      expect(await row.locator('time.when').first().textContent()).toBe(cal.formatLocal(deadline));
      const countdown = row.locator('.countdown');
      const window = currentWindow(cal, new Date(Number(await countdown.getAttribute('data-rendered-at'))));
      expect(await countdown.getAttribute('data-open-until')).toBe(String(window.until!.getTime()));
    };
    await rowIn(globexTicket, berlin);
    await rowIn(defaultTicket, standard);
    expect(await values('#f-level option')).toEqual(['', 'L1', 'L2', 'management', 'tier-2', 'director']);
    const atTier2 = async () => {
      await page.goto(`${stack.baseUrl}/console?level=tier-2`);
      return page
        .locator('#queue tbody tr[data-ticket-id]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket-id')));
    };
    await eventually(async () => (await atTier2()).length > 0, 10_000, 'the escalated ticket under its level');
    expect(await atTier2()).toEqual([globexTicket]);
  });

  it("reads an organization's dashboard in its calendar's shifts and its ladder's levels", async () => {
    await page.goto(`${stack.baseUrl}/console/dashboard?organization=${orgId}`);
    const shifts = await texts('#shifts tbody tr td:first-child');
    expect(shifts.length).toBeGreaterThan(0);
    expect(shifts.every((s) => / 08:00 CES?T$/.test(s))).toBe(true);
    const levels = () =>
      page
        .locator('#levels tbody tr')
        .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-level'), r.getAttribute('data-escalations')]));
    await eventually(
      async () => {
        await page.goto(`${stack.baseUrl}/console/dashboard?organization=${orgId}`);
        return (await levels()).some(([, escalations]) => escalations === '1');
      },
      10_000,
      "the escalation on the organization's dashboard",
    );
    expect(await levels()).toEqual([
      ['L1', '0'],
      ['tier-2', '1'],
      ['director', '0'],
    ]);

    await page.goto(`${stack.baseUrl}/console/dashboard`);
    expect((await texts('#shifts tbody tr td:first-child')).every((s) => / 22:00 EST$/.test(s))).toBe(true);
  });

  it("shows the customer's private page and the web form's confirmation in their ticket's zone", async () => {
    const received = (await admin.get(`/api/v1/tickets/${globexTicket}`)).body.receivedAt as string;
    const privatePage = await (await fetch(`${stack.baseUrl}${stack.desk.links.customerPath(globexTicket)}`)).text();
    expect(privatePage).toContain(`received ${berlin.formatLocal(new Date(received), 'down')}`);

    // Greta is Globex's (an admin named her): typing an address at Globex's domain alone would not make her a member.
    expect(
      (await admin.post('/api/v1/users', { role: 'customer', name: 'Greta', email: 'greta@globex.example' })).status,
    ).toBe(201);
    await page.goto(`${stack.baseUrl}/`);
    await page.fill('#email', 'greta@globex.example');
    await page.fill('#name', 'Greta');
    await page.fill('#subject', 'Badge reader offline');
    await page.fill('#description', 'Since this morning.');
    await page.selectOption('#category', 'bug');
    await page.selectOption('#priority', 'normal');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const id = (await page.locator('#ticket-number').textContent())!.replace('#', '');
    expect(await page.locator('#first-response-due').textContent()).toBe(
      berlin.formatLocal(new Date(await dueOf(id, 'first_response'))),
    );
  });
});

it('writes every time on the pages it served and in the mails it sent to the minute, with the zone named', async () => {
  await checkPageTimes();
  await expectReadableOutbox(inject('outboxDir'));
});
