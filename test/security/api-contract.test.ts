import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../domain/policy';
import { apiClient, type ApiClient } from '../support/http';
import { satisfies } from '../support/json-schema';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * /openapi.json describes exactly what the server accepts: for each shape the document once got wrong, a value
 * the document takes is taken by the server, and a value it refuses is refused by the server (400). What no
 * schema can say (a caller's role) answers a status the operation documents, with its reason.
 */

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let customer: ApiClient;
let customerKey = '';
beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  agent = apiClient(
    stack.baseUrl,
    (await admin.post('/api/v1/users', { role: 'agent', name: 'Agent', email: 'contract-agent@support.local' })).body
      .apiKey,
  );
  customerKey = (await admin.post('/api/v1/users', { role: 'customer', name: 'Cleo', email: 'cleo@example.com' })).body
    .apiKey;
  customer = apiClient(stack.baseUrl, customerKey);
});
afterAll(async () => {
  await stack?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
type Schema = Record<string, unknown>;
const served = async (): Promise<Doc> => (await fetch(`${stack.baseUrl}/openapi.json`)).json();
const queryParam = (doc: Doc, path: string, name: string): Schema =>
  doc.paths[path].get.parameters.find((p: Doc) => p.name === name).schema;
const jsonBody = (doc: Doc, path: string, method: string): Schema =>
  doc.paths[path][method].requestBody.content['application/json'].schema;

/** The document's verdict on `value`, and the server's: a 4xx other than 400 is not a verdict on the value. */
async function expectAgreement(
  what: string,
  schema: Schema,
  value: unknown,
  send: () => Promise<{ status: number; body: unknown }>,
) {
  const documented = satisfies(schema, value);
  const res = await send();
  const accepted = res.status < 400;
  expect(
    res.status === 400 || accepted,
    `${what} ${JSON.stringify(value)}: ${res.status} ${JSON.stringify(res.body)}`,
  ).toBe(true);
  expect(
    accepted,
    `${what} ${JSON.stringify(value)}: the document ${documented ? 'takes' : 'refuses'} it, the server answered ${res.status} ${JSON.stringify(res.body)}`,
  ).toBe(documented);
}

const q = (v: string) => encodeURIComponent(v);

describe('/openapi.json and the server agree', () => {
  it("on `cursor`: the API's own cursors, and nothing else", async () => {
    for (let i = 0; i < 3; i++)
      await customer.post('/api/v1/tickets', { subject: `Page ${i}`, description: 'd', category: 'question' });
    // The list reads the projection, which the tickets' workflows write a moment later.
    const first = await eventually(
      async () => {
        const page = await customer.get('/api/v1/tickets?limit=1');
        return page.body.nextCursor ? page : null;
      },
      10_000,
      'a second page',
    );
    const second = await customer.get(`/api/v1/tickets?limit=1&cursor=${q(first.body.nextCursor)}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);

    const doc = await served();
    const schema = queryParam(doc, '/api/v1/tickets', 'cursor');
    const oldStyle = Buffer.from(JSON.stringify(['dated', '2026-12-01T00:00:00.000Z', 'ABCDEF1234'])).toString(
      'base64url',
    );
    for (const cursor of [
      first.body.nextCursor,
      'd1764547200000.ABCDEF1234',
      'u.ABCDEF1234',
      'garbage',
      oldStyle,
      'd1764547200000.abc',
      'x1.ABCDEF1234',
    ]) {
      await expectAgreement('cursor', schema, cursor, () => customer.get(`/api/v1/tickets?cursor=${q(cursor)}`));
    }
  });

  it('on `zone`: IANA names and UTC±HH[:MM] up to ±14:00', async () => {
    const doc = await served();
    const zones = [
      'America/New_York',
      'Asia/Kolkata',
      'Europe/Kyiv',
      'UTC',
      'UTC-5',
      'UTC+05:45',
      'UTC+14:00',
      'Mars/Olympus',
      'UTC+15',
      'UTC+14:30',
      'utc',
      'EST5EDT-ish',
      '',
    ];
    for (const path of ['/api/v1/sla/status', '/api/v1/sla/preview']) {
      for (const zone of zones)
        await expectAgreement(`${path} zone`, queryParam(doc, path, 'zone'), zone, () =>
          customer.get(`${path}?zone=${q(zone)}`),
        );
    }
  });

  it('on instants: the years the calendar computes with, whatever the offset', async () => {
    const doc = await served();
    const instants = [
      '2026-12-03T12:00:00Z',
      '1901-01-01T00:00:00+05:00',
      '9998-12-31T23:59:59-23:59',
      '1899-12-31T23:00:00Z',
      '1900-01-01T00:30:00+01:00',
      '9999-12-31T12:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-12-03',
    ];
    const last = instants[2]!;
    for (const at of instants) {
      await expectAgreement('receivedAt', queryParam(doc, '/api/v1/sla/preview', 'receivedAt'), at, () =>
        customer.get(`/api/v1/sla/preview?receivedAt=${q(at)}`),
      );
      // `to` must come after `from` (a rule between the two, which the operation states): the last instant there is.
      if (at !== last)
        await expectAgreement('from', queryParam(doc, '/api/v1/reports/sla', 'from'), at, () =>
          agent.get(`/api/v1/reports/sla?from=${q(at)}&to=${q(last)}`),
        );
    }
  });

  it("on `category` when a ticket is opened: the policy's categories, also after the policy changes them", async () => {
    const ticket = (category: string) => ({ subject: 'Which category?', description: 'd', category });
    const check = async (category: string) => {
      const schema = jsonBody(await served(), '/api/v1/tickets', 'post');
      await expectAgreement('category', schema, ticket(category), () =>
        customer.post('/api/v1/tickets', ticket(category)),
      );
    };
    for (const category of ['bug', 'training', 'feature-request', 'Bug', ' bug']) await check(category);

    const categories = [...DEFAULT_POLICY.categories, 'feature-request'];
    expect((await admin.put('/api/v1/sla/policies/default', { categories })).status).toBe(201);
    try {
      expect(jsonBody(await served(), '/api/v1/tickets', 'post').properties).toMatchObject({
        category: { enum: categories },
      });
      await check('feature-request');
    } finally {
      expect((await admin.put('/api/v1/sla/policies/default', { categories: DEFAULT_POLICY.categories })).status).toBe(
        201,
      );
    }
  });

  it('on the keys of SLA settings: unknown, dotted and `$` keys are refused by both, at any depth', async () => {
    const doc = await served();
    const calendar = (await admin.get('/api/v1/sla/calendars/default')).body.body;
    const window = calendar.windows[0];
    const calendars = [
      calendar,
      { ...calendar, 'a.b': 1 },
      { ...calendar, $where: 'sleep(1000)' },
      { ...calendar, extra: true },
      { ...calendar, windows: [{ ...window, 'x.y': 1 }] },
      { ...calendar, windows: [{ ...window, day: 'SUNDAY' }] },
      { ...calendar, holidays: ['2026-12-25', '0050-01-01'] },
    ];
    for (const body of calendars) {
      await expectAgreement('calendar', jsonBody(doc, '/api/v1/sla/calendars/default', 'put'), body, () =>
        admin.put('/api/v1/sla/calendars/default', body),
      );
    }
    const policies = [
      { warningAt: 0.8 },
      { warningAt: 0.8, 'x.y': 1 },
      { $set: { warningAt: 0.1 } },
      { targets: { urgent: { 'a.b': 1 } } },
      { warningAt: 0.75 },
    ];
    for (const body of policies) {
      await expectAgreement('policy', jsonBody(doc, '/api/v1/sla/policies/default', 'put'), body, () =>
        admin.put('/api/v1/sla/policies/default', body),
      );
    }
    expect((await admin.put('/api/v1/sla/calendars/default', calendar)).status).toBe(201);
  });

  it('on attachments: multipart with one or more `files` parts and nothing else', async () => {
    const doc = await served();
    const op = doc.paths['/api/v1/tickets/{id}/attachments'].post;
    const media = op.requestBody.content['multipart/form-data'];
    expect(op.requestBody.required).toBe(true);
    expect(media.schema).toMatchObject({
      required: ['files'],
      additionalProperties: false,
      properties: { files: { minItems: 1, maxItems: 5 } },
    });

    const { body: t } = await customer.post('/api/v1/tickets', {
      subject: 'With a file',
      description: 'd',
      category: 'bug',
    });
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c80000000049454e44ae426082',
      'hex',
    );
    const send = async (parts: [string, string | Blob][]) => {
      const form = new FormData();
      for (const [name, value] of parts) {
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, value, 'shot.png');
      }
      const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${t.id}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerKey}` },
        body: form,
      });
      return { status: res.status, body: await res.json() };
    };
    const file = () => new Blob([new Uint8Array(png)], { type: 'image/png' });
    // The document's view of each request: its parts by name, files as strings (format: binary).
    const cases: [string, [string, string | Blob][], Record<string, unknown>][] = [
      ['one file', [['files', file()]], { files: ['png'] }],
      ['no file', [['note', 'see above']], { note: 'see above' }],
      ['nothing', [], {}],
      [
        'a file and a field',
        [
          ['files', file()],
          ['note', 'see above'],
        ],
        { files: ['png'], note: 'see above' },
      ],
    ];
    for (const [what, parts, asDocumented] of cases)
      await expectAgreement(`attachments: ${what}`, media.schema, asDocumented, () => send(parts));
  });
});

describe('/openapi.json and the server agree on email addresses', () => {
  it('as patterns only: a format checker would refuse what the server takes (a 70-character local part)', async () => {
    const doc = await served();
    const emails: [string, Schema][] = [
      ['POST /api/v1/users email', jsonBody(doc, '/api/v1/users', 'post').properties as Schema],
      ['POST /api/v1/tickets customerEmail', jsonBody(doc, '/api/v1/tickets', 'post').properties as Schema],
    ];
    for (const [what, properties] of emails) expect(JSON.stringify(properties), what).not.toContain('"format":"email"');
    const schema = jsonBody(doc, '/api/v1/users', 'post');
    for (const email of [
      'ada.lovelace+desk@example.com',
      `${'a'.repeat(64)}@example.com`,
      `${'a'.repeat(65)}@example.com`,
      'not-an-address',
      'ada@localhost',
    ]) {
      const body = { role: 'customer', name: 'Someone', email };
      await expectAgreement('email', schema, body, () => admin.post('/api/v1/users', body));
    }
  });
});

describe('what a schema cannot say', () => {
  it("a role's refusal is a documented 403 with its reason", async () => {
    const doc = await served();
    const { body: t } = await customer.post('/api/v1/tickets', {
      subject: 'Roles',
      description: 'd',
      category: 'question',
    });
    const refusals: [string, string, () => Promise<{ status: number; headers: Headers; body: Doc }>][] = [
      [
        '/api/v1/tickets/{id}/messages',
        'internal',
        () => customer.post(`/api/v1/tickets/${t.id}/messages`, { body: 'note to self', internal: true }),
      ],
      [
        '/api/v1/tickets/{id}/live-session',
        'action',
        () => customer.post(`/api/v1/tickets/${t.id}/live-session`, { action: 'outcome', outcome: 'held' }),
      ],
      [
        '/api/v1/tickets/{id}/live-session',
        'action',
        () => admin.post(`/api/v1/tickets/${t.id}/live-session`, { action: 'request', tool: 'teamviewer' }),
      ],
      [
        '/api/v1/tickets',
        'customerEmail',
        () =>
          customer.post('/api/v1/tickets', {
            subject: 'For someone else',
            description: 'd',
            category: 'bug',
            customerEmail: 'other@example.com',
          }),
      ],
    ];
    for (const [path, field, send] of refusals) {
      const res = await send();
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
      const documented = doc.paths[path].post.responses['403'];
      expect(documented.content['application/problem+json'].schema.$ref, path).toBe('#/components/schemas/Problem');
      expect(documented.description, path).toContain(`\`${field === 'action' ? 'confirm' : field}`);
    }
  });

  it('every status the probe saw is documented: cancelling a finished broadcast answers 409', async () => {
    const doc = await served();
    expect(doc.paths['/api/v1/announcements/{id}/cancel'].post.responses['409'].description).toContain('finished');
  });

  it('the examples work as documented: an admin opens the example ticket; the webhook example names no internal receiver', async () => {
    const doc = await served();
    const example = doc.paths['/api/v1/tickets'].post.requestBody.content['application/json'].example;
    const created = await admin.post('/api/v1/tickets', example);
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const hook = doc.paths['/api/v1/webhooks'].post;
    const url = new URL(hook.requestBody.content['application/json'].example.url);
    expect(url.hostname).not.toMatch(/^(localhost|127\.|10\.|192\.168\.|\[)/);
    expect(hook.responses['400'].description).toContain('WEBHOOK_ALLOW_HOSTS');
    const loopback = await admin.post('/api/v1/webhooks', {
      url: 'http://localhost:9000/sla-hooks',
      events: ['breached'],
    });
    expect(loopback.status).toBe(400);
    expect(loopback.body.errors[0].field).toBe('url');
  });
});
