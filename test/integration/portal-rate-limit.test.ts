import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { browserLike, requestSignIn, signInLinks } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The portal's sign-in requests are limited per client: past the limit the form answers 429 with a page a person
 * reads without JavaScript, says when to try again (Retry-After too), and mails nothing.
 */

const outbox = inject('outboxDir');
const suffix = Date.now().toString(36);
const LIMIT = 3;
const WINDOW_MS = 10 * 60_000;
const customer = (i: number) => `rl-${i}-${suffix}@example.com`;

let stack: TestStack;

beforeAll(async () => {
  // trustProxy: X-Forwarded-For from loopback names the client, so a second client can be told apart.
  stack = await startStack({
    portalRateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
    portal: { perAddressMs: 0 },
    trustProxy: 'loopback',
  });
  for (let i = 0; i <= LIMIT + 2; i++)
    await stack.store.users.ensureCustomer(
      customer(i),
      `Customer ${i}`,
      `C${suffix}RL${i}`.toUpperCase(),
      `hash-${suffix}-${i}`,
      new Date(),
    );
});
afterAll(async () => {
  await stack?.close();
});

describe('the portal sign-in form past its rate limit', () => {
  it('answers 429 with a readable page and Retry-After, and mails no link for the refused requests', async () => {
    const client = browserLike(stack.baseUrl, { 'x-forwarded-for': '198.51.100.7' });
    for (let i = 0; i < LIMIT; i++) expect((await requestSignIn(client, customer(i))).status).toBe(200);

    const refused = [LIMIT, LIMIT + 1].map(customer);
    for (const email of refused) {
      const res = await requestSignIn(client, email);
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
      // A page for a person: a heading, what happened, when to try again, the way back; no script needed or allowed.
      expect(res.page).toMatch(/^<!doctype html>/);
      expect(res.page).toContain('<h1>Too many sign-in requests</h1>');
      expect(res.page).toContain(`Try again in ${Math.ceil(retryAfter / 60)} minutes`);
      expect(res.page).toContain('<a href="/portal">');
      expect(res.page).not.toContain('<script');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.page).not.toContain(email);
    }

    // Another client is not limited by the first: its link is mailed, after every refused request was answered.
    const other = browserLike(stack.baseUrl, { 'x-forwarded-for': '203.0.113.9' });
    const sentinel = customer(LIMIT + 2);
    expect((await requestSignIn(other, sentinel)).status).toBe(200);
    for (const email of [customer(0), customer(1), customer(2), sentinel]) {
      await eventually(
        async () => (await signInLinks(outbox, email)).length === 1,
        15_000,
        `the sign-in mail to ${email}`,
      );
    }
    for (const email of refused) expect(await signInLinks(outbox, email)).toEqual([]);
    const links = await stack.store.conn.db!.collection('portal_sign_in_links').countDocuments({});
    expect(links).toBe(LIMIT + 1);
  });
});
