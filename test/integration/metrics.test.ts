import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerMetrics, workerRegistry } from '../../activities/metrics';
import { instrumentActivities } from '../../activities/instrument';
import { createApp } from '../../api/app';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { createLogger } from '../../lib/logger';
import { startMetricsServer } from '../../worker/metrics-server';
import { apiClient, type ApiClient } from '../support/http';
import { quietLogger, startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * /metrics after real activity: two tickets on a 24/7 calendar, the urgent one due in 6 seconds
 * (warning at 3 s, breach and escalation to L2 at 6 s), replies and a manual escalation. The
 * worker's counters, the API's store-derived gauges, the dashboard and the report must all agree.
 */

const policy = parsePolicyOverrides({ warningAt: 0.5, targets: { urgent: { firstResponseMinutes: 0.1 } } });
const started = new Date();

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let urgentId = '';
let normalId = '';
let agentKey = '';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as far as these checks need: one sample per non-comment line. */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[k!] = v!.replace(/\\(.)/g, '$1');
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

/** The value of the one sample with this name and (at least) these labels; 0 when absent. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

const scrape = (query = '') =>
  fetch(`${stack.baseUrl}/metrics${query}`, { headers: { authorization: `Bearer ${stack.metricsToken}` } });
const scrapeApi = async () => parseMetrics(await (await scrape()).text());
const timelineTypes = async (id: string): Promise<string[]> =>
  (await admin.get(`/api/v1/tickets/${id}/timeline`)).body.events.map((e: { type: string }) => e.type);

beforeAll(async () => {
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy }, metricsTicketIds: true });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agentKey = (await admin.post('/api/v1/users', { role: 'agent', name: 'Sam Agent', email: 'sam@support.local' })).body
    .apiKey;
  agent = apiClient(stack.baseUrl, agentKey);
  const create = (priority: string) =>
    admin.post('/api/v1/tickets', {
      subject: `${priority} ticket`,
      description: 'd',
      category: 'bug',
      priority,
      customerEmail: 'ada@example.com',
    });
  urgentId = (await create('urgent')).body.id;
  normalId = (await create('normal')).body.id;
  expect((await agent.post(`/api/v1/tickets/${normalId}/messages`, { body: 'Looking into it.' })).status).toBe(201);
  expect((await agent.post(`/api/v1/tickets/${normalId}/actions/escalate`, { reason: 'needs L2' })).status).toBe(200);
  await eventually(
    async () => (await timelineTypes(urgentId)).includes('escalated'),
    30_000,
    'the urgent ticket to breach and escalate',
  );
  expect((await agent.post(`/api/v1/tickets/${urgentId}/messages`, { body: 'Sorry for the wait.' })).status).toBe(201);
  await eventually(
    async () =>
      (await timelineTypes(urgentId)).includes('responded') && (await timelineTypes(normalId)).includes('escalated'),
    15_000,
    'the events to be recorded',
  );
  await eventually(
    async () => {
      const list = (await admin.get('/api/v1/tickets?limit=10')).body.items as { status: string }[];
      return list.length === 2 && list.every((t) => t.status === 'open');
    },
    15_000,
    'both projections to show the tickets open',
  );
});
afterAll(async () => {
  await stack?.close();
});

describe("the worker's metrics", () => {
  it('count the warning, breach and escalations that happened, with the escalation lag, on their own port', async () => {
    const server = await startMetricsServer(workerRegistry, 0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const s = parseMetrics(await res.text());
      expect(value(s, 'sla_warnings_total', { metric: 'first_response', level: 'L1' })).toBe(1);
      expect(value(s, 'sla_breaches_total', { metric: 'first_response', level: 'L1' })).toBe(1);
      expect(value(s, 'sla_escalations_total', { metric: 'first_response', level: 'L2' })).toBe(1);
      expect(value(s, 'sla_escalations_total', { metric: 'none', level: 'L2' })).toBe(1);
      expect(s.filter((x) => x.name === 'sla_escalations_total').reduce((n, x) => n + x.value, 0)).toBe(2);
      // Only the automatic escalation has a due instant; the timer fires within seconds of it.
      expect(value(s, 'sla_escalation_lag_seconds_count', { metric: 'first_response', level: 'L2' })).toBe(1);
      expect(value(s, 'sla_escalation_lag_seconds_count', { metric: 'none', level: 'L2' })).toBe(0);
      expect(value(s, 'sla_escalation_lag_seconds_sum', { metric: 'first_response', level: 'L2' })).toBeLessThan(10);
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('count failed activity attempts by activity type', async () => {
    const before =
      (await workerMetrics.activityFailures.get()).values.find((v) => v.labels.activity === 'boom')?.value ?? 0;
    const wrapped = instrumentActivities(
      { boom: async () => Promise.reject(new Error('smtp down')) },
      { logger: quietLogger, store: stack.store },
    );
    await expect(wrapped.boom()).rejects.toThrow('smtp down');
    const s = parseMetrics(await workerRegistry.metrics());
    expect(value(s, 'activity_failures_total', { activity: 'boom' })).toBe(before + 1);
  });
});

describe("the API's /metrics", () => {
  it('answers which tickets breached today, and counts tickets by status, SLA events and requests', async () => {
    const s = await scrapeApi();
    expect(value(s, 'tickets_by_status', { status: 'open' })).toBe(2);
    expect(value(s, 'sla_events_last_24h', { type: 'warning', metric: 'first_response', level: 'L1' })).toBe(1);
    expect(value(s, 'sla_events_last_24h', { type: 'breached', metric: 'first_response', level: 'L1' })).toBe(1);
    expect(value(s, 'sla_events_last_24h', { type: 'escalated', metric: 'first_response', level: 'L2' })).toBe(1);
    expect(value(s, 'sla_events_last_24h', { type: 'escalated', metric: 'none', level: 'L2' })).toBe(1);
    const breached = s.filter((x) => x.name === 'sla_breached_ticket');
    expect(breached).toHaveLength(1);
    expect(breached[0]!.labels).toEqual({
      ticket_id: urgentId,
      metric: 'first_response',
      priority: 'urgent',
      level: 'L1',
    });
    expect(breached[0]!.value * 1000).toBeGreaterThanOrEqual(Math.floor(started.getTime() / 1000) * 1000);

    expect(
      value(s, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/tickets', status: '201' }),
    ).toBe(2);
    expect(
      value(s, 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/v1/tickets/:id/actions/:action',
        status: '200',
      }),
    ).toBe(1);
    // Each creation's time, split between its content write and its workflow start.
    for (const step of ['content', 'start']) {
      expect(value(s, 'ticket_intake_step_duration_seconds_count', { step })).toBe(2);
      expect(value(s, 'ticket_intake_step_duration_seconds_sum', { step })).toBeGreaterThan(0);
    }
    await fetch(`${stack.baseUrl}/no/such/${urgentId}`);
    const after = await scrapeApi();
    expect(
      value(after, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(after.some((x) => x.labels.route?.includes(urgentId))).toBe(false);
  });

  it('answers only the metrics named, and refuses a name it does not know', async () => {
    const res = await scrape('?name=ticket_intake_step_duration_seconds&name=nodejs_eventloop_lag_max_seconds');
    expect(res.status).toBe(200);
    const s = parseMetrics(await res.text());
    expect(new Set(s.map((x) => x.name.replace(/_(bucket|sum|count)$/, '')))).toEqual(
      new Set(['ticket_intake_step_duration_seconds', 'nodejs_eventloop_lag_max_seconds']),
    );
    expect(value(s, 'ticket_intake_step_duration_seconds_count', { step: 'start' })).toBe(2);

    const bad = await scrape('?name=tickets_by_status&name=no_such_metric');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await bad.json()).toMatchObject({
      status: 400,
      errors: [{ field: 'name', message: expect.stringContaining('no_such_metric') }],
    });
  });

  it('echoes a sane X-Request-Id and replaces anything else', async () => {
    expect(
      (await fetch(`${stack.baseUrl}/healthz`, { headers: { 'x-request-id': 'lb-1234.abc' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('lb-1234.abc');
    const replaced = (
      await fetch(`${stack.baseUrl}/healthz`, { headers: { 'x-request-id': 'bad id<script>' } })
    ).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('logs and the console', () => {
  it('carry the request, ticket and workflow ids on every line; the console links the workflow', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger(
      { level: 'info', name: 'api' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const app = createApp({
      desk: stack.desk,
      temporal: stack.client,
      logger,
      adminApiKey: stack.adminKey,
      temporalUiUrl: 'http://ui.test:8233/',
      namespace: 'default',
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/api/v1/tickets/${urgentId}`, {
        headers: { authorization: `Bearer ${agentKey}`, 'x-request-id': 'trace-42' },
      });
      expect(res.status).toBe(200);
      const line = lines.find((l) => l.msg === 'request completed' && l.requestId === 'trace-42');
      expect(line).toMatchObject({
        ticketId: urgentId,
        workflowId: `ticket-${urgentId}`,
        service: 'api',
        res: { statusCode: 200 },
      });

      const cookie = await consoleLogin(base);
      const page = await (await fetch(`${base}/console/tickets/${urgentId}`, { headers: { cookie } })).text();
      expect(page).toContain(`href="http://ui.test:8233/namespaces/default/workflows/ticket-${urgentId}"`);
      const signIn = lines.find((l) => l.msg === 'console sign-in');
      expect(signIn?.requestId).toEqual(expect.any(String));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** Signs in to the console with the agent's key; returns the Cookie header for later requests. */
async function consoleLogin(base: string): Promise<string> {
  const login = await fetch(`${base}/console/login`);
  const csrfCookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('sd_csrf='))!
    .split(';')[0]!;
  const token = /name="csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const res = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: token, apiKey: agentKey }).toString(),
  });
  expect(res.status).toBe(303);
  const session = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('sd_console='))!
    .split(';')[0]!;
  return `${csrfCookie}; ${session}`;
}

describe('the dashboard', () => {
  it("shows the report endpoint's figures for the same period", async () => {
    const from = new Date(started.getTime() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = (await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}`)).body as {
      rows: Record<string, number | string | null>[];
    };
    expect(report.rows.length).toBeGreaterThan(0);
    const cookie = await consoleLogin(stack.baseUrl);
    const res = await fetch(
      `${stack.baseUrl}/console/dashboard?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    const page = await res.text();
    const attr = (tag: string, name: string) =>
      /data-[\w-]+="/.test(tag) ? (new RegExp(`data-${name}="([^"]*)"`).exec(tag)?.[1] ?? null) : null;
    const rowTag = (table: string, selector: string) => {
      const section = page.slice(page.indexOf(`<table id="${table}"`));
      return new RegExp(`<tr ${selector}[^>]*>`).exec(section.slice(0, section.indexOf('</table>')))?.[0] ?? '';
    };
    for (const r of report.rows) {
      const tag = rowTag('attainment', `data-priority="${r.priority}" data-metric="${r.metric}"`);
      expect(tag, `${r.priority} ${r.metric}`).not.toBe('');
      for (const k of ['met', 'missed', 'breached', 'completed'] as const)
        expect(Number(attr(tag, k)), `${r.priority} ${r.metric} ${k}`).toBe(r[k]);
      expect(attr(tag, 'attainment')).toBe(r.attainment === null ? '' : String(r.attainment));
      if (r.metric === 'first_response') {
        const fr = rowTag('first-response', `data-priority="${r.priority}"`);
        expect(attr(fr, 'median-minutes')).toBe(
          r.medianBusinessMinutes === null ? '' : String(r.medianBusinessMinutes),
        );
        expect(attr(fr, 'p90-minutes')).toBe(r.p90BusinessMinutes === null ? '' : String(r.p90BusinessMinutes));
      }
    }
    // The urgent first response was missed and breached; the normal one met.
    const urgentFr = report.rows.find((r) => r.priority === 'urgent' && r.metric === 'first_response')!;
    expect(urgentFr).toMatchObject({ met: 0, missed: 1, breached: 1 });
    expect(attr(rowTag('levels', 'data-level="L1"'), 'breaches')).toBe('1');
    expect(attr(rowTag('levels', 'data-level="L2"'), 'escalations')).toBe('2');
    expect(page).toContain('data-received="2"');
  });
});
