import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { repoRoot } from '../../scripts/lib/tools';
import { cspRefusals, launchChromium } from '../support/browser';
import { browserCookies, consoleLogin } from '../support/console';
import { apiClient } from '../support/http';
import { browserLike } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The SLA review in Chromium, without JavaScript, at 375 and 1,400 px: attainment per clock, breaches by clock and
 * level, the breached ticket's time paused by reason, and first-response and resolution times, each with its
 * figures beside its bars; and the same review as CSV. Urgent first responses are due 3 s after receipt (24/7), so
 * one ticket breaches while it waits on the customer.
 */

const SHOTS = process.env.SCREENSHOT_DIR ?? path.join(repoRoot, 'test-results/screenshots');
let stack: TestStack;
let browser: Browser;
let cookies = '';
let month = '';

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const policy = parsePolicyOverrides({ targets: { urgent: { firstResponse: { minutes: 0.05, clock: '24x7' } } } });
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy } });
  const admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    return res.body.apiKey as string;
  };
  const customer = apiClient(stack.baseUrl, await make('customer', 'Alice', 'alice@example.com'));
  const agentKey = await make('agent', 'Sam Agent', 'sam@support.local');
  const agent = apiClient(stack.baseUrl, agentKey);
  const open = async (priority: string) => {
    const res = await customer.post('/api/v1/tickets', {
      subject: priority,
      description: 'x',
      category: 'bug',
      priority,
    });
    expect(res.status).toBe(201);
    month = String(res.body.receivedAt ?? new Date().toISOString()).slice(0, 7);
    return res.body.id as string;
  };
  const sla = async (id: string) => (await agent.get(`/api/v1/tickets/${id}`)).body;
  const act = async (id: string, action: string, body: object = {}) =>
    expect((await agent.post(`/api/v1/tickets/${id}/actions/${action}`, body)).status).toBe(200);

  const late = await open('urgent');
  await eventually(async () => ((await sla(late)).status === 'acknowledged' ? true : null), 10_000, 'receipt');
  await act(late, 'pending', { waitingOn: 'customer', reason: 'Which version?' });
  await eventually(async () => ((await sla(late)).sla?.slaState === 'breached' ? true : null), 15_000, 'the breach');
  expect((await customer.post(`/api/v1/tickets/${late}/messages`, { body: '4.2' })).status).toBe(201);
  expect((await agent.post(`/api/v1/tickets/${late}/messages`, { body: 'Thanks.' })).status).toBe(201);
  await act(late, 'resolve', { body: 'Fixed.' });
  const quick = await open('normal');
  await eventually(async () => ((await sla(quick)).status === 'acknowledged' ? true : null), 10_000, 'receipt');
  expect((await agent.post(`/api/v1/tickets/${quick}/messages`, { body: 'On it.' })).status).toBe(201);
  await act(quick, 'resolve', { body: 'Done.' });
  await eventually(async () => ((await sla(quick)).status === 'resolved' ? true : null), 10_000, 'resolution');
  // The customer rates the quick one 2 of 5 through its rating page, as from the resolution mail.
  const rating = browserLike(stack.baseUrl);
  const link = stack.desk.links.ratingUrl(quick);
  const form = await rating.get(link);
  expect(form.status).toBe(200);
  const rated = await rating.post(new URL(link).pathname, { csrf: rating.csrfOf(form.page), score: '2', comment: '' });
  expect(rated.status).toBe(303);
  cookies = await consoleLogin(stack.baseUrl, agentKey);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the review page', () => {
  for (const width of [375, 1400]) {
    it(`shows a month's review with its figures at ${width} px, without JavaScript`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
      await ctx.addCookies(browserCookies(stack.baseUrl, cookies));
      const page = await ctx.newPage();
      const refused = cspRefusals(page);
      const res = await page.goto(`${stack.baseUrl}/console/review?from=${month}&to=${month}`);
      expect(res?.status()).toBe(200);
      const m = `#m${month}`;
      const first = page.locator(`${m}-attainment tr[data-clock="first_response"]`);
      expect(await first.getAttribute('data-met')).toBe('1');
      expect(await first.getAttribute('data-missed')).toBe('1');
      expect(await first.getAttribute('data-breached')).toBe('1');
      expect(await first.getAttribute('data-attainment')).toBe('0.5');
      const breach = page.locator(`${m}-breaches tr[data-clock="first_response"]`);
      expect(await breach.getAttribute('data-level')).toBe('L1');
      expect(await breach.getAttribute('data-count')).toBe('1');
      const paused = page.locator(`${m}-paused tr[data-waiting-on="customer"]`);
      expect(await paused.getAttribute('data-pauses')).toBe('1');
      expect(Number(await paused.getAttribute('data-business-minutes'))).toBeGreaterThan(0);
      const summary = page.locator(`${m}-first_response-summary`);
      expect(await summary.getAttribute('data-count')).toBe('2');
      expect(await summary.textContent()).toMatch(/median\s+\S.*, p90 \S/s);
      // The charts write their figures beside the bars.
      expect(await page.locator(`${m}-attainment-chart text`).allTextContents()).toContain('50% (1 of 2)');
      const ratings = page.locator(`${m}-ratings`);
      expect(await ratings.getAttribute('data-count')).toBe('1');
      expect(await ratings.getAttribute('data-average')).toBe('2');
      expect(await ratings.getAttribute('data-low')).toBe('1');
      expect(await page.locator(`${m}-ratings-chart text`).allTextContents()).toEqual(
        expect.arrayContaining(['2 of 5', '1']),
      );
      const overflow = await page.evaluate(
        'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `console-review-${width}.png`), fullPage: true });
      expect(refused).toEqual([]);
      await ctx.close();
    });
  }

  it('gives the same review as CSV', async () => {
    const res = await fetch(`${stack.baseUrl}/console/review.csv?from=${month}&to=${month}`, {
      headers: { cookie: cookies },
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'month,organization_id,clock,met,missed,breached,attainment,median_business_minutes,p90_business_minutes,breaches_by_level,breached_tickets_paused_business_minutes_by_reason,rating_average',
    );
    const first = lines.find((l) => l.startsWith(`${month},,first_response,`))!;
    expect(first).toMatch(new RegExp(`^${month},,first_response,1,1,1,0\\.5,[\\d.]+,[\\d.]+,L1:1,customer:[\\d.]+,2$`));
  });
  it("is the API's review too, as JSON and CSV, with bad months named", async () => {
    const api = apiClient(stack.baseUrl, stack.adminKey);
    const res = await api.get(`/api/v1/reports/review?from=${month}&to=${month}`);
    expect(res.status).toBe(200);
    const [m] = res.body.months;
    expect(m.attainment.find((a: { clock: string }) => a.clock === 'first_response')).toEqual({
      clock: 'first_response',
      met: 1,
      missed: 1,
      breached: 1,
      attainment: 0.5,
    });
    expect(m.breaches).toEqual([{ clock: 'first_response', level: 'L1', count: 1 }]);
    expect(m.ratings).toEqual({
      count: 1,
      average: 2,
      scores: [5, 4, 3, 2, 1].map((score) => ({ score, count: score === 2 ? 1 : 0 })),
      low: 1,
    });
    const csv = await fetch(`${stack.baseUrl}/api/v1/reports/review?from=${month}&to=${month}&format=csv`, {
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
    const page = await fetch(`${stack.baseUrl}/console/review.csv?from=${month}&to=${month}`, {
      headers: { cookie: cookies },
    });
    expect(await csv.text()).toBe(await page.text());
    const bad = await api.get('/api/v1/reports/review?from=2026-13&to=2026-12');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
  });
});
