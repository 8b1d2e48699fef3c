import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app';
import { createDesk } from '../../desk';
import { createStore, type Store } from '../../store';
import { connectMongo } from '../../store/connection';
import { apiClient, serveOnLoopback, type ApiClient } from '../support/http';
import { quietLogger, startStack, TEST_REPLY_SECRET, type TestStack } from '../support/stack';

/**
 * What a leaked cookie, form token or API key is worth: console sign-out ends the session on the
 * server, the console's form tokens belong to one session, and API keys can be rotated and revoked.
 */

let stack: TestStack;
let admin: ApiClient;
let ticketId = '';
beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  ticketId = (
    await admin.post('/api/v1/tickets', {
      subject: 'Session probe',
      description: 'd',
      category: 'bug',
      priority: 'low',
      customerEmail: 'probe@example.com',
    })
  ).body.id;
});
afterAll(async () => {
  await stack?.close();
});

const newAgent = async (email: string) =>
  (await admin.post('/api/v1/users', { role: 'agent', name: 'Agent', email })).body as { id: string; apiKey: string };
const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];
const csrfIn = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1];
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** A fresh visitor's login page: its CSRF cookie and token. */
async function loginForm() {
  const page = await fetch(`${stack.baseUrl}/console/login`);
  return { cookie: cookieOf(page, 'sd_csrf')!, token: csrfIn(await page.text())! };
}

/** Signs in with a key; the Cookie header for later requests. */
async function signIn(apiKey: string): Promise<string> {
  const { cookie, token } = await loginForm();
  const res = await fetch(`${stack.baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ csrf: token, apiKey }),
  });
  expect(res.status).toBe(303);
  return `${cookie}; ${cookieOf(res, 'sd_console')!}`;
}

const consoleGet = (cookie: string, path = '/console') =>
  fetch(`${stack.baseUrl}${path}`, { redirect: 'manual', headers: { cookie } });
const consolePost = (cookie: string, path: string, fields: Record<string, string>) =>
  fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form(fields),
  });

describe('the console session', () => {
  it('is revoked on the server at sign-out: a copy of the cookie no longer opens the console', async () => {
    const agent = await newAgent('logout@support.local');
    const cookie = await signIn(agent.apiKey);
    const queue = await consoleGet(cookie);
    expect(queue.status).toBe(200);
    const token = csrfIn(await queue.text())!;
    expect((await consolePost(cookie, '/console/logout', { csrf: token })).status).toBe(303);
    // The browser forgot the cookie; an attacker who copied it replays it.
    const replay = await consoleGet(cookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/console/login');
  });

  it('accepts only its own form token: one issued to another visitor (or before sign-in) is refused', async () => {
    const agent = await newAgent('csrf@support.local');
    const victim = await signIn(agent.apiKey);
    // The attacker's own token pair, from their own visit to the login page, planted beside the victim's session.
    const attacker = await loginForm();
    const session = victim.split('; ').find((c) => c.startsWith('sd_console='))!;
    const forged = await consolePost(`${attacker.cookie}; ${session}`, `/console/tickets/${ticketId}/actions/note`, {
      csrf: attacker.token,
      body: 'forged note',
    });
    expect(forged.status).toBe(403);
    const thread = (await admin.get(`/api/v1/tickets/${ticketId}/messages`)).body;
    expect(JSON.stringify(thread)).not.toContain('forged note');
    // The page's own token works.
    const own = csrfIn(await (await consoleGet(victim, `/console/tickets/${ticketId}`)).text())!;
    expect(
      (await consolePost(victim, `/console/tickets/${ticketId}/actions/note`, { csrf: own, body: 'real note' })).status,
    ).toBe(303);
  });
});

describe('API keys', () => {
  it('rotate: the new key is shown once and works, the old one and its console sessions stop', async () => {
    const agent = await newAgent('rotate@support.local');
    const cookie = await signIn(agent.apiKey);
    const rotated = await admin.post(`/api/v1/users/${agent.id}/api-keys`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ userId: agent.id, apiKey: expect.stringMatching(/^sk_/) });
    expect(rotated.body.apiKey).not.toBe(agent.apiKey);
    expect((await apiClient(stack.baseUrl, agent.apiKey).get('/api/v1/sla/status')).status).toBe(401);
    expect((await apiClient(stack.baseUrl, rotated.body.apiKey).get('/api/v1/sla/status')).status).toBe(200);
    expect((await consoleGet(cookie)).status).toBe(303);
  });

  it('a user may rotate their own key but not revoke it, nor touch anyone else’s', async () => {
    const agent = await newAgent('self@support.local');
    const other = await newAgent('other@support.local');
    const self = apiClient(stack.baseUrl, agent.apiKey);
    expect((await self.post(`/api/v1/users/${other.id}/api-keys`)).status).toBe(403);
    const revokeOther = await fetch(`${stack.baseUrl}/api/v1/users/${other.id}/api-keys`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agent.apiKey}` },
    });
    expect(revokeOther.status).toBe(403);
    const mine = await self.post(`/api/v1/users/${agent.id}/api-keys`);
    expect(mine.status).toBe(200);
    expect((await apiClient(stack.baseUrl, mine.body.apiKey).get('/api/v1/sla/status')).status).toBe(200);
    expect((await admin.post('/api/v1/users/ANOSUCHUSER/api-keys')).status).toBe(404);
  });

  it('revoke: afterwards the user has no working key', async () => {
    const agent = await newAgent('revoke@support.local');
    const res = await fetch(`${stack.baseUrl}/api/v1/users/${agent.id}/api-keys`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${stack.adminKey}` },
    });
    expect(res.status).toBe(204);
    expect((await apiClient(stack.baseUrl, agent.apiKey).get('/api/v1/sla/status')).status).toBe(401);
  });
});

/** A second API process over the same database: its own connection, store and memory of keys, on its own port. */
async function secondApi(run: (base: string) => Promise<void>) {
  const uri = new URL(inject('mongoUri'));
  uri.pathname = `/${stack.store.conn.name}`;
  const store: Store = createStore(await connectMongo(uri.toString()));
  const desk = createDesk({
    temporal: stack.client,
    taskQueue: stack.taskQueue,
    store,
    adminApiKey: stack.adminKey,
    slaRegistry: stack.desk.slaRegistry,
    logger: quietLogger,
    links: stack.desk.links,
    supportAddress: 'support@test.local',
    inboundMail: { replySecret: TEST_REPLY_SECRET },
  });
  try {
    await serveOnLoopback(
      createApp({ desk, temporal: stack.client, logger: quietLogger, adminApiKey: stack.adminKey }),
      run,
    );
  } finally {
    await desk.close();
    await store.conn.close();
  }
}

describe('API keys across API processes', () => {
  it('a key rotated or revoked through one process is refused by another at once', async () => {
    const agent = await newAgent('two-processes@support.local');
    await secondApi(async (other) => {
      // The other process has just accepted the key, and so knows it.
      expect((await apiClient(other, agent.apiKey).get('/api/v1/sla/status')).status).toBe(200);
      const rotated = await admin.post(`/api/v1/users/${agent.id}/api-keys`);
      expect(rotated.status).toBe(200);
      expect((await apiClient(other, agent.apiKey).get('/api/v1/sla/status')).status).toBe(401);
      expect((await apiClient(other, rotated.body.apiKey).get('/api/v1/sla/status')).status).toBe(200);

      const revoked = await fetch(`${stack.baseUrl}/api/v1/users/${agent.id}/api-keys`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${stack.adminKey}` },
      });
      expect(revoked.status).toBe(204);
      expect((await apiClient(other, rotated.body.apiKey).get('/api/v1/sla/status')).status).toBe(401);
    });
  });
});
