import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

let stack: TestStack;
let admin: ApiClient;
let customerKey: string;
let ticketId: string;

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  customerKey = (await admin.post('/api/v1/users', { role: 'customer', name: 'Mallory', email: 'mallory@example.com' }))
    .body.apiKey;
  ticketId = (await apiClient(stack.baseUrl, customerKey).post('/api/v1/tickets', validTicket)).body.id;
  // The ticket's workflow writes its acknowledgement, projection and mail log in the background; wait
  // until the database is quiet so "nothing was stored" can be checked by counting documents.
  let last = -1;
  await eventually(
    async () => {
      const n = await countAll();
      const quiet = n === last;
      last = n;
      await new Promise((r) => setTimeout(r, 300));
      return quiet && (await admin.get(`/api/v1/tickets/${ticketId}`)).body.status === 'acknowledged';
    },
    15_000,
    'a quiet database',
  );
});
afterAll(async () => {
  await stack?.close();
});

const validTicket = { subject: 'Export fails', description: 'The CSV export times out.', category: 'bug' };

/** Every document in every collection: a refused request must leave this unchanged. */
async function countAll(): Promise<number> {
  const db = stack.store.conn.db!;
  let n = 0;
  for (const { name } of await db.listCollections().toArray()) n += await db.collection(name).countDocuments();
  return n;
}

/** Raw HTTP with the admin key unless told otherwise. */
async function send(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${stack.adminKey}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

function expectProblem(r: { status: number; headers: Headers; text: string }, status: number) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  const body = JSON.parse(r.text);
  expect(body).toEqual(expect.objectContaining({ status, title: expect.any(String), type: expect.any(String) }));
  return body as { detail?: string; errors?: { field: string; message: string }[] };
}

describe('headers', () => {
  it('sends security headers on pages, documents and the API', async () => {
    for (const path of ['/healthz', '/docs', '/openapi.json', '/api/v1/tickets', '/no-such-page']) {
      const { headers } = await send(path);
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp, path).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('strict-transport-security'), path).toBeTruthy();
      expect(headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('sends no CORS headers, even to a preflight from another origin', async () => {
    const origin = {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    };
    for (const r of [
      await send('/api/v1/tickets', { headers: origin }),
      await send('/api/v1/tickets', { method: 'OPTIONS', headers: origin }),
      await send('/healthz', { headers: origin }),
    ]) {
      expect([...r.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('bodies', () => {
  it('answers 413 problem+json for a body over 256 kB and stores nothing', async () => {
    const before = await countAll();
    const big = JSON.stringify({ ...validTicket, description: 'x'.repeat(300 * 1024) });
    const r = await send('/api/v1/tickets', { body: big, headers: { authorization: `Bearer ${customerKey}` } });
    expect(expectProblem(r, 413).detail).toMatch(/size limit/);
    expect(await countAll()).toBe(before);
  });

  it('refuses MongoDB operators, dotted keys and prototype keys anywhere, before any route reads them', async () => {
    const before = await countAll();
    const cases: [path: string, body: string | undefined, field: string][] = [
      ['/api/v1/tickets', JSON.stringify({ ...validTicket, subject: { $gt: '' } }), 'subject.$gt'],
      ['/api/v1/users', JSON.stringify({ role: 'customer', name: 'A', email: 'a@example.com', 'a.b': 1 }), 'a.b'],
      [
        '/api/v1/users',
        JSON.stringify({ role: 'customer', name: 'A', email: 'a@example.com', agreement: [{ x: { $where: '1' } }] }),
        'agreement.0.x.$where',
      ],
      [
        '/api/v1/users',
        '{"role":"admin","name":"A","email":"b@example.com","__proto__":{"role":"admin"}}',
        '__proto__',
      ],
      [`/api/v1/tickets/${ticketId}/messages`, JSON.stringify({ body: 'hi', $set: { internal: true } }), '$set'],
      ['/api/v1/tickets?status[$ne]=x', undefined, 'status[$ne]'],
      ['/api/v1/tickets?$where=1', undefined, '$where'],
      ['/api/v1/tickets?subject.length=1', undefined, 'subject.length'],
    ];
    for (const [path, body, field] of cases) {
      const problem = expectProblem(
        await send(path, { body, headers: { authorization: `Bearer ${customerKey}` } }),
        400,
      );
      expect(problem.errors?.[0]?.field, path).toBe(field);
    }
    // Nested deeper than any real input: refused without walking (or overflowing) it.
    const deep = `{"subject":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    expect(expectProblem(await send('/api/v1/tickets', { body: deep }), 400).errors?.[0]?.message).toMatch(
      /nested deeper/,
    );
    expect(await countAll()).toBe(before);
  });
});

describe('rate limits', () => {
  it('answers 429 problem+json with Retry-After per key, and lets the key back in after the window', async () => {
    // A stack of its own with a tiny limit, so the shared stack's budget is untouched.
    const limited = await startStack({ rateLimit: { limit: 3, windowMs: 1_500 } });
    const base = limited.baseUrl;
    const key = (
      await apiClient(base, limited.adminKey).post('/api/v1/users', {
        role: 'customer',
        name: 'Quota',
        email: 'quota@example.com',
      })
    ).body.apiKey;
    const get = (k: string, path = '/api/v1/tickets?limit=1') =>
      fetch(`${base}${path}`, { headers: { authorization: `Bearer ${k}` } });
    try {
      // The user creation above spent one of the admin key's three requests, none of the customer's.
      for (let i = 0; i < 3; i++) expect((await get(key)).status).toBe(200);
      const refused = await get(key);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectProblem({ status: refused.status, headers: refused.headers, text: await refused.text() }, 429);
      // Another key has its own budget; health checks are never limited.
      expect((await get(limited.adminKey)).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // Unknown keys are counted too (per key, else per IP), so guessing keys is throttled.
      for (let i = 0; i < 3; i++) expect((await get('sk_guess')).status).toBe(401);
      expect((await get('sk_guess')).status).toBe(429);
      await new Promise((r) => setTimeout(r, 1_600));
      expect((await get(key)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('errors', () => {
  it('never sends a stack trace or a 5xx for any kind of bad request', async () => {
    const c = { authorization: `Bearer ${customerKey}` };
    const responses = [
      await send('/api/v1/tickets', { body: '{"subject": ' }),
      await send('/api/v1/tickets', { body: '"just a string"' }),
      await send('/api/v1/tickets', { body: '[]' }),
      await send('/api/v1/tickets', {
        body: JSON.stringify(validTicket),
        headers: { 'content-type': 'application/json; charset=utf-7' },
      }),
      await send('/api/v1/tickets', { body: 'abc', headers: { 'content-encoding': 'gzip' } }),
      await send('/api/v1/tickets', { body: JSON.stringify(validTicket), headers: { authorization: 'Bearer nope' } }),
      await send('/api/v1/tickets', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      await send('/api/v1/users', {
        body: JSON.stringify({ role: 'admin', name: 'E', email: 'e@example.com' }),
        headers: c,
      }),
      await send('/api/v1/tickets/%E0%A4%A', { headers: c }),
      await send('/api/v1/tickets/ZZZZZZZZZZ', { headers: c }),
      await send(`/api/v1/tickets/${ticketId}/actions/close`, { body: '{}', headers: c }),
      await send('/api/v1/tickets', {
        body: JSON.stringify(validTicket),
        headers: { ...c, 'idempotency-key': 'x'.repeat(200) },
      }),
      await send('/api/v1/tickets?limit=1e999&cursor=%%%', { headers: c }),
      await send('/no/such/route'),
    ];
    for (const r of responses) {
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
      expect(r.headers.get('content-type'), r.text).toContain('application/problem+json');
      expect(r.text).not.toMatch(/\n\s+at |\.ts:\d|node_modules|Error:/);
    }
  });
});
