import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { schemaErrors } from '../support/json-schema';
import { startStack, type TestStack } from '../support/stack';

/**
 * What the server answers has the shape /openapi.json gives it: the API's index, and the paths and fields the
 * document once described otherwise than the server served them.
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
