import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

type Layer = {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
};

/** Every `METHOD /path` the app's router answers, in OpenAPI form (`:id` → `{id}`), found by walking Express's layers. */
function appRoutes(): string[] {
  const out: string[] = [];
  const walk = (layers: Layer[], prefix: string) => {
    for (const layer of layers) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) {
          const path = `${prefix}${p}`.replace(/\/+$/, '').replace(/:(\w+)/g, '{$1}') || '/';
          for (const m of Object.keys(layer.route.methods)) out.push(`${m} ${path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((stack.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(out)];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

/** The customer web form's HTML pages (issue 5, item 5) are for browsers, not API clients; /docs links the API only. */
const WEB_FORM_PAGES = [
  'get /',
  'post /',
  'get /t/{token}',
  'post /t/{token}',
  'get /t/{token}/files/{fileId}',
  'get /link',
  'post /link',
  'get /tickets/{id}',
  // The rating page the resolution mail links (api/portal/rating-page.ts).
  'get /rate/{token}',
  'post /rate/{token}',
];
/**
 * the agents' console and the customer portal are HTML for people, /metrics is Prometheus text for scrapers and the
 * favicon an image for browsers; none is the API.
 */
const NOT_API = (r: string) =>
  WEB_FORM_PAGES.includes(r) ||
  ['get /metrics', 'get /favicon.ico', 'get /favicon.svg'].includes(r) ||
  / \/(console|portal)(\/|$)/.test(r);

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1 document covering every route of the app', async () => {
    const res = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc: Doc = await res.json();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));

    const routes = appRoutes().filter((r) => !NOT_API(r));
    expect(routes).toContain('post /api/v1/tickets/{id}/actions/{action}');
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      expect(
        doc.paths[path]?.[method],
        `${route} is not documented: document it beside its route (api/routes/<resource>.openapi.ts)`,
      ).toBeDefined();
    }
    const documented = Object.entries<Record<string, Doc>>(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(routes.sort()).toEqual(documented.sort());

    const problem = doc.components.schemas.Problem;
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']),
    );
    expect(problem.properties.errors.items.properties).toHaveProperty('field');
    for (const [path, ops] of Object.entries<Record<string, Doc>>(doc.paths)) {
      for (const [method, op] of Object.entries<Doc>(ops)) {
        const where = `${method} ${path}`;
        expect(Object.keys(op.responses).length, where).toBeGreaterThan(0);
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('2')),
          where,
        ).toBe(true);
        if (path.startsWith('/api/')) {
          expect(op.security, where).toEqual([{ bearer: [] }]);
          for (const s of ['400', '401', '429', '503']) expect(op.responses[s], `${where} ${s}`).toBeDefined();
        } else {
          expect(op.security, where).toEqual([]);
        }
        for (const r of Object.values<Doc>(op.responses)) {
          if (r.$ref)
            expect(
              doc.components.responses[r.$ref.split('/').pop()].content['application/problem+json'].schema.$ref,
            ).toBe('#/components/schemas/Problem');
        }
        for (const name of path.match(/\{\w+\}/g) ?? []) {
          expect(
            op.parameters.some((p: Doc) => p.in === 'path' && `{${p.name}}` === name),
            `${where} ${name}`,
          ).toBe(true);
        }
      }
    }
    const create = doc.paths['/api/v1/tickets'].post;
    expect(create.parameters.map((p: Doc) => p.name)).toContain('Idempotency-Key');
    expect(create.requestBody.content['application/json'].schema.required).toEqual([
      'subject',
      'description',
      'category',
    ]);
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(doc.paths['/api/v1/tickets'].get.parameters.map((p: Doc) => p.name)).toEqual(
      expect.arrayContaining(['status', 'sort', 'cursor']),
    );
    for (const s of [400, 401, 403, 404, 409, 413, 429, 503]) {
      expect(JSON.stringify(doc.paths), `some operation answers ${s}`).toContain(`"${s}"`);
    }
  });
});

const unescapeHtml = (s: string) =>
  s.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);

/** The request a curl command from the page would send; `$VAR`s are filled from `vars`. */
function parseCurl(cmd: string, vars: Record<string, string>) {
  const fill = (s: string) =>
    s.replace(/\$([A-Z_]+)/g, (_m, v: string) => {
      if (!(v in vars)) throw new Error(`the docs use $${v} before saying where it comes from`);
      return vars[v]!;
    });
  const text = cmd.replace(/\\\n\s*/g, ' ');
  const method = /-X (\w+)/.exec(text)![1]!;
  const url = fill(/"\$BASE([^"]+)"/.exec(text)![1]!).replace(/^/, vars.BASE!);
  const headers: Record<string, string> = {};
  for (const m of text.matchAll(/-H (?:"([^"]*)"|'([^']*)')/g)) {
    const [k, ...v] = fill(m[1] ?? m[2]!).split(':');
    headers[k!.trim()] = v.join(':').trim();
  }
  const data = /-d '((?:[^']|'\\'')*)'/.exec(text)?.[1]?.replace(/'\\''/g, "'");
  return { method, url, headers, body: data };
}

describe('/docs', () => {
  it('renders every operation with a curl example, under our CSP', async () => {
    const res = await fetch(`${stack.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    const html = await res.text();
    // Nothing loaded from elsewhere (an example's URL in a curl command is text, not a resource).
    expect(html).not.toMatch(/<script|<link[^>]+stylesheet|(?:src|href|action)="https?:\/\/(?!localhost)/);
    const doc: Doc = await (await fetch(`${stack.baseUrl}/openapi.json`)).json();
    for (const [path, ops] of Object.entries<Record<string, Doc>>(doc.paths)) {
      for (const method of Object.keys(ops)) {
        expect(html, `${method} ${path}`).toContain(
          `<span class="m ${method}">${method.toUpperCase()}</span> <code class="path">${path}</code>`,
        );
      }
    }
    expect(html).toContain('id="getting-started"');
    expect((html.match(/<pre class="curl"/g) ?? []).length).toBeGreaterThanOrEqual(
      Object.values<Doc>(doc.paths).flatMap(Object.keys).length,
    );
  });

  it("a new user can follow the getting-started guide's commands literally", async () => {
    const html = await (await fetch(`${stack.baseUrl}/docs`)).text();
    const guide = html.slice(html.indexOf('id="getting-started"'), html.indexOf('id="reference"'));
    const steps = [
      ...guide.matchAll(/<pre class="curl" data-step="(\d+)"(?: data-save="([^"]*)")?>([\s\S]*?)<\/pre>/g),
    ];
    expect(steps.length).toBeGreaterThanOrEqual(7);

    const vars: Record<string, string> = { BASE: stack.baseUrl, ADMIN_KEY: stack.adminKey };
    const responses: { path: string; method: string; body: Doc }[] = [];
    for (const [, n, save, cmd] of steps) {
      const req = parseCurl(unescapeHtml(cmd!), vars);
      const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
      const body: Doc = await res.json();
      expect(res.status, `step ${n}: ${req.method} ${req.url} → ${JSON.stringify(body)}`).toBeLessThan(300);
      if (save) {
        const [name, field] = unescapeHtml(save).split('=') as [string, string];
        expect(body[field], `step ${n} gives ${field}`).toBeTruthy();
        vars[name] = body[field];
      }
      responses.push({ path: new URL(req.url).pathname, method: req.method, body });
    }

    const paths = responses.map((r) => `${r.method} ${r.path.replace(vars.TICKET_ID!, '{id}')}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/v1/users',
        'POST /api/v1/tickets',
        'POST /api/v1/tickets/{id}/messages',
        'GET /api/v1/tickets/{id}',
        'GET /api/v1/tickets/{id}/timeline',
      ]),
    );
    const created = responses.find((r) => r.method === 'POST' && r.path === '/api/v1/tickets')!.body;
    expect(created.sla.clocks.find((c: Doc) => c.metric === 'first_response').dueAt).toMatch(/Z$/);
    const ticket = responses.find((r) => r.method === 'GET' && r.path === `/api/v1/tickets/${vars.TICKET_ID}`)!.body;
    // Read with the customer's key: support's reply is signed by the desk, not the agent (desk/customer-view.ts).
    expect(ticket.thread.map((m: Doc) => m.authorRole)).toEqual(['support', 'customer']);
    expect(ticket.sla.slaState).toBe('ok');
    expect(ticket.sla.clocks.find((c: Doc) => c.metric === 'first_response').stopped).toBe(true);

    // The timeline is written by the workflow's activities; the agent's response reaches it shortly.
    const timeline = await eventually(
      async () => {
        const r = await fetch(`${stack.baseUrl}/api/v1/tickets/${vars.TICKET_ID}/timeline`, {
          headers: { authorization: `Bearer ${vars.CUSTOMER_KEY}` },
        });
        const events: Doc[] = ((await r.json()) as Doc).events;
        return events.some((e) => e.type === 'responded') ? events : null;
      },
      10_000,
      'the response on the timeline',
    );
    expect(timeline[0].type).toBe('received');
  });
});
