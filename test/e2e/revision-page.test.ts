import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { cspRefusals, launchChromium } from '../support/browser';
import { apiClient } from '../support/http';
import { readOutbox } from '../support/outbox';
import { signInLinks } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A revision notice from the customer's side, in Chromium without JavaScript and by keyboard: the mail in the outbox
 * says what changed in words; the portal's banner leads to the changes, which the customer accepts; the pages fit a
 * 375 px phone and a 1,400 px desktop.
 */

const SHOTS = path.join(repoRoot, 'test-results/screenshots');
const outbox = inject('outboxDir');
const email = `lise-${Date.now().toString(36)}@example.com`;

let stack: TestStack;
let browser: Browser;
let page: Page;
let refused: string[] = [];

async function tabTo(selector: string, max = 40) {
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
async function fitsAt(width: number, shot: string) {
  await page.setViewportSize({ width, height: 900 });
  const overflow = await page.evaluate(
    'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth',
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  const admin = apiClient(stack.baseUrl, stack.adminKey);
  expect(
    (
      await admin.post('/api/v1/tickets', {
        subject: 'Slow search',
        description: 'Search takes a minute.',
        category: 'bug',
        priority: 'high',
        customerEmail: email,
      })
    ).status,
  ).toBe(201);
  expect(
    (await admin.put('/api/v1/sla/policies/default', { targets: { high: { firstResponseMinutes: 360 } } })).status,
  ).toBe(201);
  browser = await launchChromium();
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 900 } });
  page = await context.newPage();
  refused = cspRefusals(page);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('a revision notice', () => {
  it('is in the outbox with the change in words', async () => {
    const mail = await eventually(
      async () =>
        (await readOutbox(outbox)).find(
          (m) => m.headers.get('x-notification-kind') === 'sla_revision' && JSON.stringify(m.to).includes(email),
        ),
      20_000,
      'the revision notice',
    );
    expect(mail.subject).toMatch(/^Changes to your service level agreement from \d{4}-\d{2}-\d{2}$/);
    expect(mail.text).toMatch(/^- first response for high priority: 8 → 6 business hours; from \d{4}-\d{2}-\d{2}$/m);
  });

  it('is read and accepted on the portal by keyboard, without JavaScript, on a phone and a desktop', async () => {
    await page.goto(`${stack.baseUrl}/portal`);
    // Autofocus comes with the first frame, which a busy machine may render after the load event.
    await page.locator('#email:focus').waitFor();
    await page.keyboard.type(email);
    expect((await enter()).status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Check your mailbox');
    const link = await eventually(async () => (await signInLinks(outbox, email))[0], 15_000, 'the sign-in mail');
    await page.goto(link);
    await page.locator('#confirm-sign-in:focus').waitFor(); // autofocus comes with the first frame
    await enter();
    expect(await page.locator('#revision-banner').innerText()).toContain('Our service level agreement changed for you');
    await tabTo('#revision-banner a');
    await enter();
    expect(page.url()).toBe(`${stack.baseUrl}/portal/revisions`);
    expect(await page.locator('main li').first().innerText()).toMatch(
      /^first response for high priority: 8 → 6 business hours; from \d{4}-\d{2}-\d{2}$/,
    );
    await fitsAt(375, 'revisions-01-notice-375.png');
    await tabTo('form[action="/portal/revisions/accept"] button');
    const res = await enter();
    expect(res.status()).toBe(200);
    expect(await page.locator('#notice').innerText()).toBe('Thank you: your acceptance is recorded.');
    expect(await page.locator('[data-accepted="true"]').innerText()).toMatch(/^You accepted it /);
    await fitsAt(1400, 'revisions-02-accepted-1400.png');
    await page.goto(`${stack.baseUrl}/portal`);
    expect(await page.locator('#revision-banner').count()).toBe(0);
    expect(refused).toEqual([]);
  });
});
