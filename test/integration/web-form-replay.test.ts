import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../support/stack';

/** The same form sent twice (a double click, a resubmit after Back) must not open two tickets. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function freshForm() {
  const page = await fetch(`${stack.baseUrl}/`);
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { csrf, cookie };
}

async function submit(form: { csrf: string; cookie: string }, subject: string) {
  const body = new URLSearchParams({
    csrf: form.csrf,
    email: 'twice@example.com',
    subject,
    description: 'Clicked twice',
    category: 'bug',
    priority: 'normal',
    contact: 'web',
  });
  const res = await fetch(`${stack.baseUrl}/`, {
    method: 'POST',
    headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const html = await res.text();
  return {
    status: res.status,
    ticket: /#([0-9A-Z]{10})/.exec(html)?.[1],
    link: /\/t\/([A-Za-z0-9_-]{43})/.exec(html)?.[1],
  };
}

describe('the web form sent twice', () => {
  it('shows the same ticket and private link, and an edited form opens a new ticket', async () => {
    const form = await freshForm();
    const first = await submit(form, 'Double click');
    const again = await submit(form, 'Double click');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.ticket).toBe(first.ticket);
    expect(again.link).toBe(first.link);
    expect(await stack.store.conn.collection('tickets').countDocuments({ subject: 'Double click' })).toBe(1);
    expect((await fetch(`${stack.baseUrl}/t/${first.link}`)).status).toBe(200);

    const edited = await submit(form, 'Double click, edited');
    expect(edited.status).toBe(201);
    expect(edited.ticket).not.toBe(first.ticket);
  });
});
