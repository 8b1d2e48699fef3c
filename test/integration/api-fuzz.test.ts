import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ACTIONS } from '../../domain/ticket';
import { apiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';

/**
 * Property-based fuzz of the API's inputs: whatever arrives, the answer is never a 5xx, errors are
 * JSON (problem+json), and the process stays healthy. FUZZ_RUNS=10000 for the long run; the default
 * keeps this file near 20–30 s. Bodies stay well under 1 MB so the run is bounded.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);

let stack: TestStack;
const keys: Record<'admin' | 'customer' | 'agent', string> = { admin: '', customer: '', agent: '' };
let ticketId: string;

beforeAll(async () => {
  // No rate limit worth the name: the fuzz is one client sending thousands of requests on purpose.
  stack = await startStack({ rateLimit: { limit: 1_000_000 } });
  keys.admin = stack.adminKey;
  const admin = apiClient(stack.baseUrl, stack.adminKey);
  keys.customer = (
    await admin.post('/api/v1/users', { role: 'customer', name: 'Fuzz C', email: 'fuzz-c@example.com' })
  ).body.apiKey;
  keys.agent = (
    await admin.post('/api/v1/users', { role: 'agent', name: 'Fuzz A', email: 'fuzz-a@example.com' })
  ).body.apiKey;
  ticketId = (
    await apiClient(stack.baseUrl, keys.customer).post('/api/v1/tickets', {
      subject: 's',
      description: 'd',
      category: 'bug',
    })
  ).body.id;
});
afterAll(async () => {
  // One line with the answers by status, for BENCHMARKS.md ("bad input at volume").
  console.log(
    `[fuzz] ${RUNS} runs, ${[...statusCounts.values()].reduce((a, b) => a + b, 0)} requests by status: ${JSON.stringify(Object.fromEntries([...statusCounts].sort(([a], [b]) => a - b)))}`,
  );
  await stack?.close();
});
const statusCounts = new Map<number, number>();

// ---- values ---------------------------------------------------------------------------------

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '🙂'.repeat(50),
  'e\u0301'.repeat(30),
  '$gt',
  '$where',
  'a.b',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  "'; DROP TABLE tickets; --",
  '{"$ne":null}',
  '%00',
  '%E0%A4%A',
  '../../etc/passwd',
  'NaN',
  '-1',
  '1e999',
  'null',
  'true',
  'bug',
  'urgent',
  'customer',
  'close',
);
/** Any string, weighted towards the ones that break things: control characters, lone surrogates, huge. */
const str = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 3, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc.string({
      maxLength: 20,
      unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
);
const badKey = fc.oneof(
  fc.constantFrom('$gt', '$ne', '$where', '$set', 'a.b', '__proto__', 'constructor', 'prototype', '', ' '),
  fc.string({ maxLength: 10 }),
);
/** Objects whose keys are operators, dotted paths and prototype names, nested a few levels. */
const operatorTree = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    str,
    fc.dictionary(badKey, tie('tree'), { maxKeys: 3 }),
    fc.array(tie('tree'), { maxLength: 3 }),
  ),
})).tree;
const anyValue = fc.oneof(
  str,
  fc.jsonValue({ maxDepth: 3 }),
  operatorTree,
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}),
);

/** A record with the endpoint's own field names (so validation goes deep) holding wrong or hostile values. */
function shaped(fields: string[]) {
  const keyed = Object.fromEntries(fields.map((f) => [f, anyValue]));
  return fc
    .tuple(fc.record(keyed, { requiredKeys: [] }), fc.dictionary(badKey, anyValue, { maxKeys: 2 }))
    .map(([own, extra]) => ({ ...own, ...extra }));
}

/** What goes on the wire: a JSON value, a shaped record, or bytes that are not JSON at all. */
const body = (fields: string[]) =>
  fc.oneof(
    fc.oneof(anyValue, shaped(fields)).map((v) => JSON.stringify(v) ?? 'undefined'),
    fc.constantFrom(
      '',
      '{',
      '{"a":',
      '[1,2',
      'nul',
      '{"a":1}}',
      '\u0000',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
    ),
    fc.string({ maxLength: 60, unit: 'binary' }),
    fc.integer({ min: 1, max: 3_000 }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`),
  );

// ---- headers --------------------------------------------------------------------------------

/** Header values fetch accepts (HTAB, SP, visible ASCII, obs-text); anything else never reaches us. */
const headerText = fc.string({
  maxLength: 40,
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
    .map((c) => String.fromCharCode(c)),
});
const auth = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('customer', 'agent', 'admin').map((r) => `Bearer ${keys[r as keyof typeof keys]}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'Basic Zm9vOmJhcg==',
      'Bearer sk_fake',
      'bearer  x y',
      'Token abc',
    ),
  },
  { weight: 1, arbitrary: headerText.map((t) => `Bearer ${t}`) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/json; charset=latin1',
  'application/json; charset=utf-7',
  'application/json;;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);
const idempotencyKey = fc.option(fc.oneof(headerText, fc.constantFrom('', ' ', 'k'.repeat(129), 'same-key')), {
  nil: undefined,
});
const headers = fc.record(
  { authorization: auth, 'content-type': contentType, 'idempotency-key': idempotencyKey },
  { requiredKeys: ['authorization'] },
);

// ---- paths ----------------------------------------------------------------------------------

const ticketRef = fc.oneof(
  { weight: 4, arbitrary: fc.constant('REAL') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'ZZZZZZZZZZ',
      'abc',
      '%E0%A4%A',
      '%00',
      '..',
      '%2e%2e',
      '$gt',
      'A'.repeat(2_000),
      '__proto__',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }).map(encodeURIComponent) },
);
const action = fc.oneof(fc.constantFrom(...AGENT_ACTIONS), fc.string({ maxLength: 12 }).map(encodeURIComponent));
const queryKey = fc.oneof(
  fc.constantFrom(
    'status',
    'priority',
    'category',
    'assignee',
    'sla',
    'q',
    'sort',
    'limit',
    'cursor',
    'status[$ne]',
    '$where',
    'a.b',
    '__proto__',
    'limit[]',
  ),
  fc.string({ maxLength: 8 }),
);
const queryValue = fc.oneof(
  fc.constantFrom('open', 'urgent', 'deadline', 'created', '0', '101', '1e999', '-1', 'eyJ4Ijox', '%', '%zz'),
  fc.string({ maxLength: 30, unit: 'binary' }),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 4 })
  // Some pairs raw (stray % and brackets), most percent-encoded.
  .map((pairs) =>
    pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&'),
  );

/** encodeURIComponent throws on a lone surrogate; a browser would send U+FFFD instead. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udfff]/gu, '\ufffd');

interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string | undefined>;
  body?: string;
}

const requests: fc.Arbitrary<Req> = fc.oneof(
  fc.record({
    method: fc.constant('POST' as const),
    path: fc.constant('/api/v1/tickets'),
    headers,
    body: body([
      'subject',
      'description',
      'category',
      'priority',
      'customerEmail',
      'customerName',
      'errorMessage',
      'channel',
      'liveSupportTool',
    ]),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    path: fc.constant('/api/v1/users'),
    headers,
    body: body(['role', 'name', 'email', 'agreement']),
  }),
  fc.record({ method: fc.constant('GET' as const), path: query.map((q) => `/api/v1/tickets?${q}`), headers }),
  fc.record({ method: fc.constant('GET' as const), path: ticketRef.map((id) => `/api/v1/tickets/${id}`), headers }),
  fc.record({
    method: fc.constant('POST' as const),
    path: ticketRef.map((id) => `/api/v1/tickets/${id}/messages`),
    headers,
    body: body(['body', 'internal']),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    path: fc.tuple(ticketRef, action).map(([id, a]) => `/api/v1/tickets/${id}/actions/${a}`),
    headers,
    body: body(['agent', 'priority', 'reason', 'body']),
  }),
);

async function check(req: Req): Promise<void> {
  const url = `${stack.baseUrl}${req.path.replace('REAL', ticketId)}`;
  const sent = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const res = await fetch(url, {
    method: req.method,
    headers: sent,
    body: req.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  // Counted so the long run (BENCHMARKS.md) can report how many answers of each status it saw.
  statusCounts.set(res.status, (statusCounts.get(res.status) ?? 0) + 1);
  const where = `${req.method} ${req.path} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type'), where).toMatch(/^application\/(problem\+)?json/);
    const problem = JSON.parse(text);
    expect(problem.status, where).toBe(res.status);
    expect(text, where).not.toMatch(/\n\s+at |\.ts:\d|node_modules/);
  } else {
    expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
    JSON.parse(text);
  }
}

describe('fuzz', () => {
  it(`never answers 5xx to ${RUNS} malformed requests`, { timeout: Math.max(120_000, RUNS * 60) }, async () => {
    await fc.assert(fc.asyncProperty(requests, check), { numRuns: RUNS });
  });

  it('stores hostile but valid text without a 5xx', { timeout: 120_000 }, async () => {
    // Valid tickets start real workflows, so this property is kept small.
    const hostile = fc
      .oneof(nasty, fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }))
      .filter((s) => s.trim().length > 0 && s.length <= 200);
    const ticket = fc.record({
      subject: hostile,
      description: hostile,
      category: fc.constant('bug'),
      errorMessage: fc.option(hostile, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(ticket, fc.constantFrom('customer', 'agent'), async (t, who) => {
        const as = who === 'agent' ? { ...t, customerEmail: 'fuzz-c@example.com' } : t;
        await check({
          method: 'POST',
          path: '/api/v1/tickets',
          headers: { authorization: `Bearer ${keys[who as 'customer' | 'agent']}`, 'content-type': 'application/json' },
          body: JSON.stringify(as),
        });
        await check({
          method: 'POST',
          path: '/api/v1/tickets/REAL/messages',
          headers: { authorization: `Bearer ${keys.agent}`, 'content-type': 'application/json' },
          body: JSON.stringify({ body: t.description, internal: true }),
        });
        await check({
          method: 'GET',
          path: `/api/v1/tickets?q=${encodeURIComponent(wellFormed(t.subject))}`,
          headers: { authorization: `Bearer ${keys.agent}` },
        });
      }),
      { numRuns: Math.max(10, Math.round(RUNS / 100)) },
    );
  });

  it('leaves the process healthy and working', async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
    const created = await apiClient(stack.baseUrl, keys.customer).post('/api/v1/tickets', {
      subject: 'After the fuzz',
      description: 'still fine',
      category: 'bug',
    });
    expect(created.status).toBe(201);
  });
});
