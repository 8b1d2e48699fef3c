import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerRegistry } from '../../activities/metrics';
import { createApp } from '../../api/app';
import { startMetricsServer } from '../../worker/metrics-server';
import { apiClient, serveOnLoopback, type ApiClient } from '../support/http';
import { quietLogger, startStack, type TestStack } from '../support/stack';

/**
 * What an outsider reaches without a key: /metrics (its size and what it names), the rate limits, and
 * an admin's PUT that loses its body. Each test fails on the code before the fix it names.
 */

let stack: TestStack;
let admin: ApiClient;
beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
});
afterAll(async () => {
  await stack?.close();
});

const scrape = (query = '', token = stack.metricsToken) =>
  fetch(`${stack.baseUrl}/metrics${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const routeLabels = async () =>
  new Set(
    [...(await (await scrape('?name=http_request_duration_seconds')).text()).matchAll(/route="([^"]*)"/g)].map(
      (m) => m[1]!,
    ),
  );

describe('/metrics', () => {
  it('labels requests only by route template: random paths, matched or not, add no series', async () => {
    const words = Array.from({ length: 20 }, () => `x${randomBytes(5).toString('hex').replace(/\d/g, 'q')}`);
    for (const w of words) {
      await fetch(`${stack.baseUrl}/t/${w}`);
      await fetch(`${stack.baseUrl}/${w}`);
      await fetch(`${stack.baseUrl}/api/v1/tickets/${w}/timeline`, {
        headers: { authorization: `Bearer ${stack.adminKey}` },
      });
    }
    const labels = await routeLabels();
    expect([...labels].filter((l) => words.some((w) => l.includes(w)))).toEqual([]);
    expect(labels).toContain('/t/:token');
    expect(labels).toContain('/api/v1/tickets/:id/timeline');
    expect(labels).toContain('unmatched');
  });

  it('answers only a scraper bearing METRICS_TOKEN', async () => {
    const anonymous = await scrape('', '');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('http_request_duration_seconds');
    expect((await scrape('', 'not-the-token-at-all')).status).toBe(401);
    expect((await scrape()).status).toBe(200);
    // Without a token configured, the API's listener does not serve /metrics at all (METRICS_PORT does).
    const app = createApp({
      desk: stack.desk,
      temporal: stack.client,
      logger: quietLogger,
      adminApiKey: stack.adminKey,
    });
    await serveOnLoopback(app, async (base) => expect((await fetch(`${base}/metrics`)).status).toBe(404));
  });

  it('names no ticket unless the operator opts in (METRICS_TICKET_IDS)', async () => {
    const res = await scrape('?name=sla_breached_ticket');
    expect(res.status).toBe(400);
  });

  it("the worker's endpoint also wants the token when one is set", async () => {
    const server = await startMetricsServer(workerRegistry, 0, '127.0.0.1', 'a-metrics-token-of-16+');
    try {
      const url = `http://127.0.0.1:${server.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer a-metrics-token-of-16+' } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('rate limits', () => {
  it('cannot be escaped by naming a new client in X-Forwarded-For (no proxy is trusted by default)', async () => {
    const app = createApp({
      desk: stack.desk,
      temporal: stack.client,
      logger: quietLogger,
      adminApiKey: stack.adminKey,
      rateLimit: { limit: 3, windowMs: 60_000 },
    });
    await serveOnLoopback(app, async (base) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push(
          (await fetch(`${base}/api/v1/sla/status`, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })).status,
        );
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual([429, 429, 429]);
    });
  });
});

/** One raw request (fetch refuses TRACE), with or without the admin key. */
function raw(
  method: string,
  path: string,
  withKey = true,
): Promise<{ status: number; allow?: string; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${stack.baseUrl}${path}`,
      { method, headers: withKey ? { authorization: `Bearer ${stack.adminKey}` } : {} },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, allow: res.headers.allow, type: res.headers['content-type'], body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('methods a path does not serve', () => {
  it('answer 405 with Allow and problem+json on a documented path, before any key is checked', async () => {
    for (const method of ['TRACE', 'PATCH', 'QUERY', 'PUT', 'DELETE']) {
      for (const withKey of [true, false]) {
        const res = await raw(method, '/api/v1/tickets', withKey);
        expect(res.status, `${method} /api/v1/tickets`).toBe(405);
        expect(res.allow?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
        expect(res.type).toContain('application/problem+json');
      }
    }
    const one = await raw('PATCH', '/api/v1/tickets/ABCDEF1234');
    expect([one.status, one.allow]).toEqual([405, 'GET, HEAD, OPTIONS']);
    expect(JSON.parse(one.body)).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    expect((await raw('HEAD', '/api/v1/users')).status).toBe(405);
    expect((await raw('GET', '/API/V1/USERS/')).status).toBe(405);
    // OPTIONS lists the same methods (no CORS preflight is served: CORS is off); the default policy's own path, not
    // the named policies' template (which may be deleted), decides.
    const options = await raw('OPTIONS', '/api/v1/sla/policies/default', false);
    expect([options.status, options.allow]).toEqual([204, 'GET, PUT, HEAD, OPTIONS']);
  });

  it('leave unknown paths a 404, and the served methods untouched', async () => {
    for (const method of ['TRACE', 'PATCH', 'GET'])
      expect((await raw(method, '/api/v1/no-such-thing')).status, method).toBe(404);
    expect((await raw('GET', '/api/v1/tickets')).status).toBe(200);
    expect((await raw('HEAD', '/api/v1/sla/status')).status).toBe(200);
    expect((await raw('GET', '/api/v1/tickets', false)).status).toBe(401);
  });
});

describe('PUT of an SLA setting', () => {
  it('refuses a missing or empty body with 400 and keeps the version in force', async () => {
    for (const kind of ['policies', 'calendars']) {
      const before = (await admin.get(`/api/v1/sla/${kind}/default`)).body.version;
      const empty = await admin.put(`/api/v1/sla/${kind}/default`, {});
      expect(empty.status, `${kind} {}`).toBe(400);
      expect(empty.headers.get('content-type')).toContain('application/problem+json');
      expect(empty.body.errors[0].field).toBe('(body)');
      const missing = await fetch(`${stack.baseUrl}/api/v1/sla/${kind}/default`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.adminKey}` },
      });
      expect(missing.status, `${kind} without a body`).toBe(400);
      expect((await admin.get(`/api/v1/sla/${kind}/default`)).body.version).toBe(before);
    }
  });
});

describe('/openapi.json', () => {
  it('lists the answers the server gives: an idempotent replay (200), an unreadable body (415), the key endpoints', async () => {
    const doc = (await admin.get('/openapi.json')).body;
    const key = `replay-${randomBytes(4).toString('hex')}`;
    const ticket = {
      subject: 'Replay',
      description: 'd',
      category: 'bug',
      priority: 'low',
      customerEmail: 'replay@example.com',
    };
    expect((await admin.post('/api/v1/tickets', ticket, { 'idempotency-key': key })).status).toBe(201);
    expect((await admin.post('/api/v1/tickets', ticket, { 'idempotency-key': key })).status).toBe(200);
    expect(Object.keys(doc.paths['/api/v1/tickets'].post.responses)).toEqual(
      expect.arrayContaining(['200', '201', '409', '415']),
    );

    const gzipped = await fetch(`${stack.baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        'content-type': 'application/json',
        'content-encoding': 'x-unknown',
      },
      body: '{}',
    });
    expect(gzipped.status).toBe(415);
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { requestBody?: unknown; responses: object }>>,
    )) {
      for (const [method, op] of Object.entries(ops))
        if (op.requestBody) expect(Object.keys(op.responses), `${method} ${path}`).toContain('415');
    }
    expect(
      doc.paths['/api/v1/sla/policies/default'].put.requestBody.content['application/json'].schema.minProperties,
    ).toBe(1);
    expect(Object.keys(doc.paths['/api/v1/users/{id}/api-keys'].post.responses)).toEqual(
      expect.arrayContaining(['200', '403', '404']),
    );
    expect(Object.keys(doc.paths['/api/v1/users/{id}/api-keys'].delete.responses)).toEqual(
      expect.arrayContaining(['204', '403', '404']),
    );
  });
});
