import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { cspRefusals, launchChromium } from '../support/browser';
import { apiClient, type ApiClient } from '../support/http';
import { mailsFor } from '../support/outbox';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Ratings end to end: a resolved ticket's mail carries a rating link; the customer follows it in Chromium (no
 * JavaScript, keyboard only, phone and desktop widths), rates it low, changes it; the level's contacts hear of the
 * low rating once; agents see it on the ticket and in the report beside attainment; a reopening asks again after the
 * next resolution; an answer older than seven days is kept and a change refused.
 */

const SHOTS = path.join(repoRoot, 'test-results/screenshots');
const outbox = inject('outboxDir');
const suffix = Date.now().toString(36);
const email = `rosalind-${suffix}@example.com`;

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: ApiClient;
let agentId = '';
let ticketId = '';
let refused: string[] = [];
let customer = '';

const kindOf = async (kind: string) =>
  (await mailsFor(outbox, ticketId)).filter((m) => m.headers.get('x-notification-kind') === kind);
const ratingLinkIn = (text: string) => /(http\S+\/rate\/[0-9A-Z]+\.[A-Za-z0-9_-]{43})/.exec(text)?.[1];

/** The rating links of the resolution mails so far, oldest first. */
async function ratingLinks(count: number): Promise<string[]> {
  return eventually(
    async () => {
      const links = (await kindOf('resolution')).map((m) => ratingLinkIn(m.text ?? '')).filter(Boolean) as string[];
      return links.length >= count && links;
    },
    20_000,
    `resolution mail ${count}`,
  );
}

async function tabTo(selector: string, max = 30) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await page.locator(`${selector}:focus`).count()) === 1) return;
  }
  throw new Error(`${selector} not reached by Tab`);
}

async function enter() {
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return response!;
}

/** No horizontal scrolling at this width: the page fits. */
async function fits(width: number) {
  await page.setViewportSize({ width, height: 900 });
  const overflow = await page.evaluate(
    'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth',
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agentId = (await admin.post('/api/v1/users', { role: 'agent', name: 'Maurice Wilkins', email: `mw-${suffix}@x.io` }))
    .body.id;
  const created = await admin.post('/api/v1/tickets', {
    subject: 'Export times out',
    description: 'The yearly export stops after 30 seconds.',
    category: 'bug',
    priority: 'high',
    customerEmail: email,
    customerName: 'Rosalind Franklin',
  });
  ticketId = created.body.id;
  customer = (await stack.store.tickets.get(ticketId))!.customerId;
  await admin.post(`/api/v1/tickets/${ticketId}/actions/assign`, { agent: agentId });
  expect(
    (await admin.post(`/api/v1/tickets/${ticketId}/actions/resolve`, { body: 'Raised the timeout.' })).status,
  ).toBe(200);
  browser = await launchChromium();
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 900 } });
  page = await context.newPage();
  refused = cspRefusals(page);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('rating a resolution from the mail', () => {
  it('mails the rating link with the resolution', async () => {
    await ratingLinks(1);
    const [mail] = await kindOf('resolution');
    expect(mail!.text).toContain('How did we do? Rate this resolution from 1 to 5');
    expect(mail!.html).toContain('/rate/');
  });

  it('rates it by keyboard alone, without JavaScript, on a phone', async () => {
    const [link] = await ratingLinks(1);
    expect((await page.goto(link!))!.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('How did we do?');
    await fits(375);
    await page.screenshot({ path: path.join(SHOTS, 'rating-01-form-375.png'), fullPage: true });
    await tabTo('#score-5'); // the first of the group; the arrows choose within it
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('#score-2').isChecked()).toBe(true);
    await tabTo('#comment');
    await page.keyboard.type('Took three mails to get an answer.');
    await tabTo('button[type=submit]');
    const res = await enter();
    expect(res.status()).toBe(200);
    expect(page.url()).toBe(`${link}?saved=1`);
    expect(await page.locator('#rating-saved').innerText()).toBe('Thank you: your rating is recorded.');
    expect(await page.locator('#score-2').isChecked()).toBe(true);
    expect(await page.locator('#comment').inputValue()).toBe('Took three mails to get an answer.');
    expect(await page.locator('main').innerText()).toMatch(/you can change your answer until \w{3} \d{4}-\d{2}-\d{2}/);
    await page.setViewportSize({ width: 1400, height: 900 });
    await fits(1400);
    await page.screenshot({ path: path.join(SHOTS, 'rating-02-saved-1400.png'), fullPage: true });
  });

  it("tells the level's contacts of the low rating once, however often it changes", async () => {
    const [notice] = await eventually(
      async () => {
        const all = await kindOf('low_rating');
        return all.length > 0 && all;
      },
      15_000,
      'the low rating notice',
    );
    expect(notice!.to).toMatchObject({ text: 'agents@test.local' });
    expect(notice!.subject).toBe(`Low rating (2 of 5) on [#${ticketId}] Export times out`);
    expect(notice!.text).toContain('Took three mails to get an answer.');
    // Changed to 1: recorded, and no second notice (the answer came back after the mail step).
    await page.locator('#score-1').check();
    await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
    expect(await page.locator('#score-1').isChecked()).toBe(true);
    expect(await kindOf('low_rating')).toHaveLength(1);
    expect(refused).toEqual([]);
  });

  it('refuses a rating outside 1–5, naming the field', async () => {
    const [link] = await ratingLinks(1);
    const b = browserLike(stack.baseUrl);
    const form = await b.get(link!);
    const bad = await b.post(new URL(link!).pathname, { csrf: b.csrfOf(form.page), score: '9', comment: '' });
    expect(bad.status).toBe(400);
    expect(bad.page).toContain('Choose a rating from 1 to 5.');
  });

  it('shows the rating to agents on the ticket and in the report beside attainment', async () => {
    // The console in a browser of its own (its session), at a phone's width.
    const agentPage = await browser.newPage({ viewport: { width: 375, height: 900 } });
    await agentPage.goto(`${stack.baseUrl}/console/login`);
    await agentPage.fill('#apiKey', stack.adminKey);
    await Promise.all([agentPage.waitForNavigation(), agentPage.click('button[type=submit]')]);
    await agentPage.goto(`${stack.baseUrl}/console/tickets/${ticketId}`);
    expect(await agentPage.locator('#ratings li').innerText()).toMatch(
      /^1 of 5 \(resolved .+; rated .+, assigned to Maurice Wilkins\): Took three mails to get an answer\.$/,
    );
    await agentPage.screenshot({ path: path.join(SHOTS, 'rating-05-console-375.png'), fullPage: false });
    await agentPage.close();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await admin.get(`/api/v1/reports/ratings?from=${from}&to=${to}&customer=${customer}`);
    expect(report.status).toBe(200);
    const rows = report.body.rows as { group: string; key: string | null; ratings: number; lowRatings: number }[];
    expect(rows.find((r) => r.group === 'priority' && r.key === 'high')).toMatchObject({
      ratings: 1,
      lowRatings: 1,
      averageRating: 1,
      distribution: [1, 0, 0, 0, 0],
      completed: 2, // its first response and resolution, both met
      met: 2,
      attainment: 1,
    });
    expect(rows.find((r) => r.group === 'agent' && r.key === agentId)).toMatchObject({
      agentName: 'Maurice Wilkins',
      ratings: 1,
      completed: 2,
    });
    expect(rows.find((r) => r.group === 'organization' && r.key === null)).toMatchObject({ ratings: 1 });
    const csv = await fetch(`${stack.baseUrl}/api/v1/reports/ratings.csv?from=${from}&to=${to}&customer=${customer}`, {
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'group,key,organization,agent_name,completed,met,attainment,ratings,average_rating,low_ratings,rated_1,rated_2,rated_3,rated_4,rated_5',
    );
    expect(lines).toContain('priority,high,,,2,2,1,1,1,1,1,0,0,0,0');
  });
});

describe('the portal and a reopening', () => {
  it('links the rating from the ticket on the portal', async () => {
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, email);
    const view = await b.get(`/portal/tickets/${ticketId}`);
    expect(view.status).toBe(200);
    expect(view.page).toMatch(/id="portal-rating"[\s\S]*You rated the resolution 1 of 5[\s\S]*Change your rating/);
  });

  it('asks again after the next resolution once the ticket is reopened', async () => {
    const [link] = await ratingLinks(1);
    expect((await admin.post(`/api/v1/tickets/${ticketId}/actions/reopen`, {})).status).toBe(200);
    await eventually(
      async () => (await stack.store.slaEvents.forTicket(ticketId)).some((e) => e.type === 'reopened'),
      15_000,
      'the reopening on the timeline',
    );
    const reopened = await page.goto(link!);
    expect(reopened!.status()).toBe(409);
    expect(await page.locator('h1').innerText()).toBe('The ticket was reopened');
    await page.screenshot({ path: path.join(SHOTS, 'rating-03-reopened-1400.png'), fullPage: true });
    await admin.post(`/api/v1/tickets/${ticketId}/actions/resolve`, { body: 'Raised it again.' });
    const links = await ratingLinks(2);
    expect((await page.goto(links[1]!))!.status()).toBe(200);
    expect(await page.locator('input[name=score]:checked').count()).toBe(0);
    expect(await page.locator('button[type=submit]').innerText()).toBe('Send my rating');
  });

  it('keeps an answer given more than seven days ago and refuses to change it, with a clear page', async () => {
    const [, link] = await ratingLinks(2);
    const rated = new Date(Date.now() - 8 * 24 * 3_600_000);
    const resolvedAt = (await stack.store.slaEvents.forTicket(ticketId))
      .filter((e) => e.type === 'resolved' && e.metric === 'resolution')
      .at(-1)!.at;
    await stack.store.ratings.put({
      ticketId,
      resolution: 2,
      resolvedAt,
      score: 4,
      comment: '',
      firstRatedAt: rated,
      ratedAt: rated,
      customerId: customer,
      priority: 'high',
    });
    const closed = await page.goto(link!);
    expect(closed!.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toBe('Your rating can no longer be changed');
    expect(await page.locator('#rating-closed').innerText()).toContain('4 of 5');
    await page.setViewportSize({ width: 375, height: 900 });
    await fits(375);
    await page.screenshot({ path: path.join(SHOTS, 'rating-04-closed-375.png'), fullPage: true });
    const b = browserLike(stack.baseUrl);
    const form = await b.get(link!);
    const post = await b.post(new URL(link!).pathname, { csrf: b.csrfOf(form.page), score: '1', comment: 'x' });
    expect(post.status).toBe(410);
    expect((await stack.store.ratings.get(ticketId, 2))!.score).toBe(4);
  });

  it('refuses a link that is not ours', async () => {
    const res = await page.goto(`${stack.baseUrl}/rate/${ticketId}.${'A'.repeat(43)}`);
    expect(res!.status()).toBe(404);
  });
});
