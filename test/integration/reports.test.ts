import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { OUTCOME_COLUMNS } from '../../desk/reports';
import { consoleLogin } from '../support/console';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/** Reports per organization and customer: attainment, its outcomes as JSON and CSV, and the dashboard's filter. */

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let agentKey: string;
const org: Record<'initech' | 'globex', string> = { initech: '', globex: '' };
let from: string;
let to: string;
const tickets: Record<string, string> = {};

/** A minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF), enough to read back what the API wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

const csvOf = async (query: string) => {
  const res = await fetch(`${stack.baseUrl}/api/v1/reports/sla.csv?${query}`, {
    headers: { authorization: `Bearer ${agentKey}` },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    rows: parseCsv(await res.text()),
  };
};

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agentKey = (await admin.post('/api/v1/users', { role: 'agent', name: 'Rita', email: 'rita@support.local' })).body
    .apiKey;
  agent = apiClient(stack.baseUrl, agentKey);
  expect((await admin.post('/api/v1/sla/calendars', { id: 'round-the-clock', ...ALWAYS_OPEN_CALENDAR })).status).toBe(
    201,
  );
  for (const [key, name, domain] of [
    ['initech', 'Initech', 'initech.example'],
    ['globex', 'Globex', 'globex.example'],
  ] as const) {
    const created = await admin.post('/api/v1/organizations', {
      name,
      domains: [domain],
      agreement: {
        calendar: key === 'initech' ? 'round-the-clock' : 'default',
        policy: 'default',
        scope: { training: false, customDevelopment: false, thirdParty: false },
      },
    });
    expect(created.status).toBe(201);
    org[key] = created.body.id;
  }

  from = new Date(Date.now() - 60_000).toISOString();
  const open = async (email: string, subject: string, priority: string) => {
    // An admin names the customer first, so one at an organization's domain is its member (typing an address on a
    // ticket proves nothing and makes nobody a member: desk/customers.ts).
    expect((await admin.post('/api/v1/users', { role: 'customer', name: email, email })).status).toBe(201);
    const t = await admin.post('/api/v1/tickets', {
      subject,
      description: 'd',
      category: 'bug',
      priority,
      customerEmail: email,
    });
    expect(t.status).toBe(201);
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${t.body.id}`)).body.status === 'acknowledged',
      15_000,
      'acknowledgement',
    );
    expect((await agent.post(`/api/v1/tickets/${t.body.id}/messages`, { body: 'Looking at it' })).status).toBe(201);
    return t.body.id as string;
  };
  tickets.initech = await open('ada@initech.example', '=HYPERLINK("http://evil.example","click")', 'high');
  tickets.globex = await open('bob@globex.example', 'Export, "quoted" and\nsplit', 'urgent');
  tickets.none = await open('carol@example.com', 'No organization', 'low');
  to = new Date(Date.now() + 60_000).toISOString();
  // Every first response is recorded before the reports are read.
  await eventually(
    async () => ((await agent.get(`/api/v1/reports/sla/outcomes?from=${from}&to=${to}`)).body.rows?.length ?? 0) >= 3,
    15_000,
    'three outcomes',
  );
});
afterAll(async () => {
  await stack?.close();
});

describe('attainment per organization', () => {
  it('groups by organization, priority and clock with by=organization, and filters by organization and customer', async () => {
    const byOrg = await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}&by=organization`);
    expect(byOrg.status).toBe(200);
    const first = byOrg.body.rows.filter((r: { metric: string }) => r.metric === 'first_response');
    expect(
      first.map((r: { organization: string | null; priority: string; met: number }) => [
        r.organization,
        r.priority,
        r.met,
      ]),
    ).toEqual([
      ['Globex', 'urgent', 1],
      ['Initech', 'high', 1],
      [null, 'low', 1],
    ]);

    const initech = await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}&organization=${org.initech}`);
    expect(initech.body.rows).toEqual([
      expect.objectContaining({ priority: 'high', metric: 'first_response', met: 1, missed: 0, attainment: 1 }),
    ]);
    expect(initech.body.organizationId).toBe(org.initech);
    const none = await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}&organization=none`);
    expect(none.body.rows.map((r: { priority: string }) => r.priority)).toEqual(['low']);

    const carol = (await agent.get(`/api/v1/tickets/${tickets.none}`)).body.customerId;
    const mine = await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}&customer=${carol}`);
    expect(mine.body.rows.map((r: { priority: string }) => r.priority)).toEqual(['low']);
  });

  it('refuses a bad period or filter naming the field, and customers', async () => {
    const backwards = await agent.get(`/api/v1/reports/sla?from=${to}&to=${from}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('to');
    const badOrg = await agent.get(
      `/api/v1/reports/sla.csv?from=${from}&to=${to}&organization=${encodeURIComponent('{"$ne":1}')}`,
    );
    expect(badOrg.status).toBe(400);
    const customer = apiClient(
      stack.baseUrl,
      (await admin.post('/api/v1/users', { role: 'customer', name: 'Dee', email: 'dee@example.com' })).body.apiKey,
    );
    expect((await customer.get(`/api/v1/reports/sla.csv?from=${from}&to=${to}`)).status).toBe(403);
    expect((await customer.get(`/api/v1/reports/sla/outcomes?from=${from}&to=${to}`)).status).toBe(403);
  });
});

describe('the CSV export', () => {
  it('has the documented columns and the same rows as the JSON outcomes, and sums to the attainment report', async () => {
    const csv = await csvOf(`from=${from}&to=${to}`);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.disposition).toMatch(/^attachment; filename="?sla-[\d-]+\.csv"?$/);
    expect(csv.rows[0]).toEqual([...OUTCOME_COLUMNS]);

    const outcomes = (await agent.get(`/api/v1/reports/sla/outcomes?from=${from}&to=${to}`)).body.rows as Record<
      string,
      string | number | null
    >[];
    const asCells = (o: Record<string, string | number | null>) =>
      [
        o.ticketId,
        o.subject,
        o.organizationId,
        o.organization,
        o.customerId,
        o.customerEmail,
        o.priority,
        o.category,
        o.metric,
        o.outcome,
        o.at,
        o.dueAt,
        o.businessMinutesUsed,
        o.businessMinutesLeft,
      ].map((v) => (v === null ? '' : String(v).replace(/^([=+\-@\t\r])/, "'$1")));
    expect(csv.rows.slice(1)).toEqual(outcomes.map(asCells));

    // The customers' words cannot become a spreadsheet formula, and quotes, commas and line breaks survive.
    const initech = csv.rows.find((r) => r[0] === tickets.initech)!;
    expect(initech[1]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(initech[3]).toBe('Initech');
    expect(csv.rows.find((r) => r[0] === tickets.globex)![1]).toBe('Export, "quoted" and\nsplit');

    const report = (await agent.get(`/api/v1/reports/sla?from=${from}&to=${to}`)).body.rows as {
      priority: string;
      metric: string;
      met: number;
      missed: number;
      breached: number;
    }[];
    const col = (name: (typeof OUTCOME_COLUMNS)[number]) => OUTCOME_COLUMNS.indexOf(name);
    for (const r of report) {
      const rows = csv.rows.slice(1).filter((c) => c[col('priority')] === r.priority && c[col('clock')] === r.metric);
      const count = (outcome: string) => rows.filter((c) => c[col('outcome')] === outcome).length;
      expect([count('met'), count('missed'), count('breached')], `${r.priority} ${r.metric}`).toEqual([
        r.met,
        r.missed,
        r.breached,
      ]);
    }
    expect(report.reduce((n, r) => n + r.met + r.missed + r.breached, 0)).toBe(csv.rows.length - 1);
  });

  it('keeps one organization with organization=', async () => {
    const csv = await csvOf(`from=${from}&to=${to}&organization=${org.globex}`);
    expect(csv.rows.slice(1).map((r) => r[0])).toEqual([tickets.globex]);
  });
});

describe('the console dashboard', () => {
  it('filters every figure by organization and links the same period and organization as CSV', async () => {
    const cookie = await consoleLogin(stack.baseUrl, agentKey);
    const page = await fetch(`${stack.baseUrl}/console/dashboard?from=${from}&to=${to}&organization=${org.initech}`, {
      headers: { cookie },
    });
    expect(page.status).toBe(200);
    const body = await page.text();
    // Attributes as HTML reads them: the page's markup may break or space them.
    expect(body).toMatch(new RegExp(`<option value="${org.initech}"\\s+selected>Initech</option>`));
    expect([...body.matchAll(/<tr\s+data-priority="(\w+)"\s+data-metric="first_response"/g)].map((m) => m[1])).toEqual([
      'high',
    ]);
    expect(body).toMatch(/data-received="1"/);
    const link = /<a id="csv" href="([^"]+)"/.exec(body)![1]!.replace(/&amp;/g, '&');
    const csv = await fetch(`${stack.baseUrl}${link}`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(
      parseCsv(await csv.text())
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([tickets.initech]);
  });
});

describe('periods given as dates', () => {
  const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  it("read a date as midnight in the organization's zone, else the default calendar's, beside instants", async () => {
    // Initech's agreement runs on a UTC calendar; the default calendar is on UTC-5.
    const initech = await agent.get(`/api/v1/reports/sla?from=2026-11-01&to=2026-12-01&organization=${org.initech}`);
    expect(initech.status).toBe(200);
    expect([initech.body.from, initech.body.to]).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    const everyone = await agent.get('/api/v1/reports/sla/outcomes?from=2026-11-01&to=2026-12-01T00:00:00Z');
    expect(everyone.status).toBe(200);
    expect([everyone.body.from, everyone.body.to]).toEqual(['2026-11-01T05:00:00.000Z', '2026-12-01T00:00:00.000Z']);

    // Days around today hold the tickets of this file, whatever the hour.
    const csv = await csvOf(`from=${day(-2)}&to=${day(2)}`);
    expect(csv.status).toBe(200);
    expect(new Set(csv.rows.slice(1).map((r) => r[0]))).toEqual(new Set(Object.values(tickets)));
  });

  it('refuses what is neither, and a period that ends before it starts, naming the field', async () => {
    const notADate = await agent.get('/api/v1/reports/sla.csv?from=2026-02-30&to=2026-03-01');
    expect(notADate.status).toBe(400);
    expect(notADate.body.errors.map((e: { field: string }) => e.field)).toEqual(['from']);
    const backwards = await agent.get('/api/v1/reports/sla?from=2026-12-01&to=2026-11-30T23:00:00Z');
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('to');
  });
});

describe('active clocks', () => {
  it('status=active lists the clocks still counting, with the minutes left; the default lists only ended ones', async () => {
    // An open ticket nobody has answered: its first response may yet breach. Its customer is a named member of
    // Initech (an address at the domain alone proves nothing).
    const erin = await admin.post('/api/v1/users', { role: 'customer', name: 'Erin', email: 'erin@initech.example' });
    expect(erin.status).toBe(201);
    const waiting = await admin.post('/api/v1/tickets', {
      subject: 'Nobody answered yet',
      description: 'd',
      category: 'bug',
      priority: 'urgent',
      customerEmail: 'erin@initech.example',
    });
    expect(waiting.status).toBe(201);
    const sla = await eventually(
      async () => {
        const t = await agent.get(`/api/v1/tickets/${waiting.body.id}`);
        return t.body.status === 'acknowledged' ? t.body.sla : null;
      },
      15_000,
      'acknowledgement',
    );
    const listed = async (status?: string) =>
      (
        await agent.get(
          `/api/v1/reports/sla/outcomes?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}${status ? `&status=${status}` : ''}`,
        )
      ).body.rows as Record<string, string | number | null>[];
    await eventually(
      async () => (await listed('active')).some((r) => r.ticketId === waiting.body.id),
      10_000,
      'the projection',
    );
    const before = Date.now();
    const active = await listed('active');
    expect(active.every((r) => r.outcome === 'active')).toBe(true);
    const first = active.find((r) => r.ticketId === waiting.body.id && r.metric === 'first_response')!;
    const clock = sla.clocks.find((c: { metric: string }) => c.metric === 'first_response');
    expect(first.dueAt).toBe(clock.dueAt);
    expect(first.organizationId).toBe(org.initech);
    // Initech's calendar never closes: the minutes used are the minutes since receipt, up to the report's instant.
    const since = (Date.parse(first.at as string) - Date.parse(waiting.body.receivedAt)) / 60_000;
    expect(Date.parse(first.at as string)).toBeGreaterThanOrEqual(before);
    expect(first.businessMinutesUsed).toBeCloseTo(since, 2);
    expect((first.businessMinutesUsed as number) + (first.businessMinutesLeft as number)).toBeCloseTo(
      clock.targetMinutes,
      2,
    );
    // The answered tickets' resolution clocks count on; their first responses ended and are not active.
    expect(active.filter((r) => r.ticketId === tickets.initech).map((r) => r.metric)).toEqual(['resolution']);

    expect((await listed()).some((r) => r.outcome === 'active')).toBe(false);
    const mixed = await listed('breached,active,met');
    expect(new Set(mixed.map((r) => r.outcome))).toEqual(new Set(['active', 'met']));
    const csv = await csvOf(`from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}&status=active`);
    const row = csv.rows.find(
      (r) => r[0] === waiting.body.id && r[OUTCOME_COLUMNS.indexOf('clock')] === 'first_response',
    )!;
    expect(Number(row[OUTCOME_COLUMNS.indexOf('business_minutes_left')])).toBeGreaterThan(0);

    const bad = await agent.get(`/api/v1/reports/sla.csv?from=${from}&to=${new Date().toISOString()}&status=open`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('status');
  });
});

describe("the README's CSV columns", () => {
  it('are the columns of the file, in its order', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| column | meaning |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    expect(rows.map((r) => /^\s*\| `(\w+)` \|/.exec(r)?.[1])).toEqual([...OUTCOME_COLUMNS]);
  });
});
