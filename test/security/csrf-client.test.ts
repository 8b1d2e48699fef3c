import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';

/**
 * Forms without a session (here the console's login) carry a token bound to the client: to a pre-session id in a
 * cookie that, over HTTPS, is `__Host-` prefixed. A sibling subdomain can plant an ordinary cookie in the victim's
 * browser, never a `__Host-` one, so the attacker's own id and token pair (login CSRF: signing the victim in as the
 * attacker) is refused from the victim's browser.
 */

let stack: TestStack;
let attackerKey = '';
beforeAll(async () => {
  // Behind a TLS-terminating proxy, as SECURITY.md says the desk runs.
  stack = await startStack({ trustProxy: true });
  attackerKey = (
    await apiClient(stack.baseUrl, stack.adminKey).post('/api/v1/users', {
      role: 'agent',
      name: 'Mallory',
      email: 'mallory@support.local',
    })
  ).body.apiKey;
});
afterAll(async () => {
  await stack?.close();
});

const https = { 'x-forwarded-proto': 'https' };
async function visit() {
  const page = await fetch(`${stack.baseUrl}/console/login`, { headers: https });
  const setCookie = page.headers.getSetCookie().find((c) => /sd_csrf=/.test(c))!;
  return {
    setCookie,
    id: /sd_csrf=([^;]+)/.exec(setCookie)![1]!,
    token: /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!,
  };
}
const login = (cookie: string, csrf: string) =>
  fetch(`${stack.baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...https, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, apiKey: attackerKey }).toString(),
  }).then((r) => r.status);

describe('a form token bound to its client', () => {
  it('lives in a __Host- cookie over HTTPS, and the token is not the cookie’s value', async () => {
    const { setCookie, id, token } = await visit();
    expect(setCookie).toMatch(/^__Host-sd_csrf=/);
    expect(setCookie).toMatch(/; Secure/i);
    expect(setCookie).not.toMatch(/Domain=/i);
    expect(token).not.toBe(id);
  });

  it("refuses the attacker's own pair planted in the victim's browser as an ordinary cookie (login CSRF)", async () => {
    const attacker = await visit();
    const victim = await visit();
    expect(await login(`sd_csrf=${attacker.id}`, attacker.token)).toBe(403);
    expect(await login(`__Host-sd_csrf=${victim.id}; sd_csrf=${attacker.id}`, attacker.token)).toBe(403);
    // A token taken in one client is refused with another client's id.
    expect(await login(`__Host-sd_csrf=${victim.id}`, attacker.token)).toBe(403);
    // The pair of one client, from that client, works.
    expect(await login(`__Host-sd_csrf=${attacker.id}`, attacker.token)).toBe(303);
  });
});
