import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { apiClient, type ApiClient } from '../support/http';
import { schemaErrors } from '../support/json-schema';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * What the server answers has the shape /openapi.json gives it: the API's index, and the paths and fields the
 * document once described otherwise than the server served them.
 */

let stack: TestStack;
let admin: ApiClient;
beforeAll(async () => {
  stack = await startStack({ sla: { calendar: ALWAYS_OPEN_CALENDAR, policy: DEFAULT_POLICY } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
});
afterAll(async () => {
  await stack?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const served = async (): Promise<Doc> => (await fetch(`${stack.baseUrl}/openapi.json`)).json();
const successSchema = (doc: Doc, path: string, method: string, status = '200') =>
  doc.paths[path][method].responses[status].content['application/json'].schema;

describe('/api/v1, the base URL the start banner prints', () => {
  it('answers an index of its resources, as documented, linking the reference and every collection', async () => {
    const doc = await served();
    const res = await admin.get('/api/v1');
    expect(res.status).toBe(200);
    expect(schemaErrors(successSchema(doc, '/api/v1', 'get'), res.body)).toEqual([]);
    // Like every path under it, it wants a key.
    expect((await apiClient(stack.baseUrl, 'no-such-key').get('/api/v1')).status).toBe(401);
    const index = (await admin.get('/api/v1/')).body;
    expect(index.links).toEqual({ openapi: '/openapi.json', docs: '/docs' });
    const hrefs = index.resources.map((r: { href: string }) => r.href);
    for (const collection of [
      '/api/v1/tickets',
      '/api/v1/users',
      '/api/v1/agents',
      '/api/v1/organizations',
      '/api/v1/reports/sla',
      '/api/v1/sla/status',
    ])
      expect(hrefs).toContain(collection);
    // Each entry is a documented path and names the methods the document gives it, and each GET answers the admin.
    for (const r of index.resources as { href: string; operations: { method: string }[] }[]) {
      expect(Object.keys(doc.paths[r.href]).sort(), r.href).toEqual(
        r.operations.map((o) => o.method.toLowerCase()).sort(),
      );
    }
    expect((await admin.get('/api/v1/tickets')).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/api/v1`, { method: 'OPTIONS' })).headers.get('allow')).toBe(
      'GET, HEAD, OPTIONS',
    );
  });
});

/** The schema with every `$ref` replaced by what it names, so that the test's own reader can check a value. */
function inlined(doc: Doc, schema: unknown): Doc {
  if (Array.isArray(schema)) return schema.map((s) => inlined(doc, s));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref)
    return inlined(
      doc,
      ref
        .split('/')
        .slice(1)
        .reduce((o: Doc, k) => o[k], doc),
    );
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlined(doc, v)]));
}

describe('answers and the schemas documenting them', () => {
  it("a ticket's `sla` (read and after a reply) matches its schema, with minutes as the fractions they are", async () => {
    const doc = await served();
    const created = await admin.post('/api/v1/tickets', {
      subject: 'Contract',
      description: 'd',
      category: 'bug',
      priority: 'high',
      customerEmail: 'contract-sla@example.com',
    });
    expect(created.status).toBe(201);
    expect(schemaErrors(inlined(doc, successSchema(doc, '/api/v1/tickets', 'post', '201')), created.body)).toEqual([]);
    // On a calendar that never closes, a clock read mid-minute has used a fraction of one.
    const read = await eventually(
      async () => {
        const t = await admin.get(`/api/v1/tickets/${created.body.id}`);
        const used = t.body.sla?.clocks?.[0]?.usedMinutes;
        return t.body.status === 'acknowledged' && !Number.isInteger(used) ? t : null;
      },
      15_000,
      'a fraction of a minute used',
    );
    expect(schemaErrors(inlined(doc, successSchema(doc, '/api/v1/tickets/{id}', 'get')), read.body)).toEqual([]);
    const reply = await admin.post(`/api/v1/tickets/${created.body.id}/messages`, { body: 'On it' });
    expect(reply.status).toBe(201);
    expect(
      schemaErrors(inlined(doc, successSchema(doc, '/api/v1/tickets/{id}/messages', 'post', '201')), reply.body),
    ).toEqual([]);

    // The customer's view of the same answers.
    const customer = apiClient(
      stack.baseUrl,
      (await admin.post('/api/v1/users', { role: 'customer', name: 'Cy', email: 'contract-cy@example.com' })).body
        .apiKey,
    );
    const own = await customer.post('/api/v1/tickets', { subject: 'Mine', description: 'd', category: 'question' });
    expect(own.status).toBe(201);
    const seen = await eventually(
      async () => {
        const t = await customer.get(`/api/v1/tickets/${own.body.id}`);
        return t.body.status === 'acknowledged' ? t : null;
      },
      15_000,
      'acknowledgement',
    );
    expect(schemaErrors(inlined(doc, successSchema(doc, '/api/v1/tickets/{id}', 'get')), seen.body)).toEqual([]);
    const written = await customer.post(`/api/v1/tickets/${own.body.id}/messages`, { body: 'More detail' });
    expect(written.status).toBe(201);
    expect(
      schemaErrors(inlined(doc, successSchema(doc, '/api/v1/tickets/{id}/messages', 'post', '201')), written.body),
    ).toEqual([]);
  });
});

describe('path parameters and methods', () => {
  it('document the pattern each id must have: a value the document refuses is refused, one it takes is taken', async () => {
    const doc = await served();
    const param = (path: string, name: string) =>
      doc.paths[path].get.parameters.find((p: Doc) => p.name === name).schema;
    for (const [path, name, url] of [
      ['/api/v1/sla/calendars/{calendarId}', 'calendarId', (v: string) => `/api/v1/sla/calendars/${v}`],
      ['/api/v1/sla/policies/{policyId}', 'policyId', (v: string) => `/api/v1/sla/policies/${v}`],
      ['/api/v1/organizations/{organizationId}', 'organizationId', (v: string) => `/api/v1/organizations/${v}`],
    ] as const) {
      for (const value of ['0', 'Acme', 'no-such-name', 'org-0123456789']) {
        const res = await admin.get(url(value));
        const documented = schemaErrors(param(path, name), value).length === 0;
        // Taken: looked up (404 when absent); refused: 400 naming the parameter.
        expect(res.status, `${path} ${value}: ${JSON.stringify(res.body)}`).toBe(documented ? 404 : 400);
      }
    }
  });

  it('a literal path takes only its own methods: the default calendar and policy cannot be deleted', async () => {
    const doc = await served();
    for (const path of ['/api/v1/sla/calendars/default', '/api/v1/sla/policies/default']) {
      const allow = (await fetch(`${stack.baseUrl}${path}`, { method: 'OPTIONS' })).headers.get('allow')!;
      const documented = Object.keys(doc.paths[path]).map((m) => m.toUpperCase());
      expect(allow.split(', ').sort(), path).toEqual([...documented, 'HEAD', 'OPTIONS'].sort());
      expect((await admin.delete(path)).status, path).toBe(405);
    }
    // A named one still can be.
    const allow = (await fetch(`${stack.baseUrl}/api/v1/sla/calendars/acme-hours`, { method: 'OPTIONS' })).headers;
    expect(allow.get('allow')).toContain('DELETE');
  });
});
