import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { repoRoot } from '../../scripts/lib/tools';
import { cspRefusals, launchChromium } from '../support/browser';
import { browserCookies, consoleLogin } from '../support/console';
import { apiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The console's what-if, in Chromium without JavaScript: an admin edits the draft policy (the stored one, shown as
 * JSON), sees which tickets would change with both deadlines explained, then saves it as a new version.
 */

const SHOTS = process.env.SCREENSHOT_DIR ?? path.join(repoRoot, 'test-results/screenshots');
let stack: TestStack;
let browser: Browser;
let cookies = '';
let answered = '';

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy: DEFAULT_POLICY } });
  const admin = apiClient(stack.baseUrl, stack.adminKey);
  const make = async (role: string, name: string, email: string) => {
    const res = await admin.post('/api/v1/users', { role, name, email });
    expect(res.status).toBe(201);
    return res.body.apiKey as string;
  };
  const customer = apiClient(stack.baseUrl, await make('customer', 'Alice', 'alice@example.com'));
  const adminKey = await make('admin', 'Ada Admin', 'ada@support.local');
  const created = await customer.post('/api/v1/tickets', {
    subject: 'Slow',
    description: 'x',
    category: 'bug',
    priority: 'normal',
  });
  answered = created.body.id as string;
  const staff = apiClient(stack.baseUrl, adminKey);
  await eventually(
    async () => ((await staff.get(`/api/v1/tickets/${answered}`)).body.status === 'acknowledged' ? true : null),
    10_000,
    'receipt',
  );
  expect((await staff.post(`/api/v1/tickets/${answered}/messages`, { body: 'On it.' })).status).toBe(201);
  cookies = await consoleLogin(stack.baseUrl, adminKey);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the what-if page', () => {
  for (const width of [375, 1400]) {
    it(`shows what a tighter draft would change, then saves it (${width} px, no JavaScript)`, async () => {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
      await ctx.addCookies(browserCookies(stack.baseUrl, cookies));
      const page = await ctx.newPage();
      const refused = cspRefusals(page);
      await page.goto(`${stack.baseUrl}/console/simulate`);
      const draft = JSON.parse(await page.locator('#policy').inputValue());
      expect(draft.targets.normal.firstResponse).toEqual({ minutes: 1440, clock: 'business' });
      draft.targets.normal.firstResponse.minutes = 0.0001;
      await page.locator('#policy').fill(JSON.stringify(draft));
      await page.locator('#run').click();
      await page.waitForSelector('#summary');
      expect(await page.locator('#summary').getAttribute('data-changed')).toBe('1');
      const changed = page.locator(`section.changed[data-ticket="${answered}"]`);
      expect(await changed.textContent()).toMatch(/met[\s\S]*now[\s\S]*breached[\s\S]*proposed/);
      expect(await changed.locator('pre.explain').count()).toBe(2);
      const line = page.locator('#attainment tr[data-clock="first_response"][data-priority="normal"]');
      expect(await line.getAttribute('data-current')).toBe('1');
      expect(await line.getAttribute('data-proposed')).toBe('0');
      // The open ticket's due times as its customers read them: the agreement's zone, to the minute, no ISO stamps.
      const due = await page.locator('#open td[data-label="Due now"]').allTextContents();
      expect(due.length).toBeGreaterThan(0);
      for (const text of [...due, ...(await page.locator('#open td[data-label="Due if re-timed"]').allTextContents())])
        expect(text).toMatch(/^(\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+|paused)$/);
      expect(await page.locator('#summary').textContent()).not.toContain('(s)');
      const overflow = await page.evaluate(
        'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `console-simulate-${width}.png`), fullPage: true });
      if (width === 1400) {
        await page.locator('#save-policy').click();
        await page.waitForSelector('#notice');
        expect(await page.locator('#notice').textContent()).toMatch(/Saved as policy default version 2/);
      }
      expect(refused).toEqual([]);
      await ctx.close();
    });
  }
});
