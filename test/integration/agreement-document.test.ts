import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';

/**
 * The portal's SLA page renders the customer's agreement: its terms and its own document (an organization's text,
 * versioned with the agreement), never the seed's text saying the opposite of the terms above it, and never the
 * seed's empty list items.
 */
let stack: TestStack;
let admin: ApiClient;
const tag = randomBytes(3).toString('hex');
const member = `lee-${tag}@example.com`;
const loner = `solo-${tag}@example.com`;
let orgId = '';

const agreement = {
  calendar: 'default',
  policy: 'default',
  scope: { training: false, customDevelopment: false, thirdParty: true },
};
const text = (page: string) => page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
/** The document part of the SLA page: its lines as the customer reads them. */
const documentOf = (page: string) =>
  [...(/<div id="sla-text">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '').matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) =>
    text(m[1]!).trim(),
  );

beforeAll(async () => {
  stack = await startStack({ portal: { perAddressMs: 0 }, portalRateLimit: { limit: 100 } });
  admin = apiClient(stack.baseUrl, stack.adminKey);
  const org = await admin.post('/api/v1/organizations', { name: `Third-party ${tag}`, agreement });
  expect(org.status).toBe(201);
  orgId = org.body.id;
  for (const [email, organizationId] of [
    [member, orgId],
    [loner, undefined],
  ] as const) {
    const made = await admin.post('/api/v1/users', {
      role: 'customer',
      name: email,
      email,
      ...(organizationId ? { organizationId, organizationRole: 'member' } : {}),
    });
    expect(made.status).toBe(201);
  }
});
afterAll(async () => {
  await stack?.close();
});

async function slaPage(email: string) {
  const b = browserLike(stack.baseUrl);
  await signIn(b, inject('outboxDir'), email);
  return (await b.get('/portal/sla')).page;
}

describe('the SLA page', () => {
  it("shows the default agreement's document without empty list items", async () => {
    const lines = documentOf(await slaPage(loner));
    expect(lines[0]).toBe('Service Level Agreement');
    expect(lines).toContain('- Support for third-party products or services');
    expect(lines.filter((l) => l === '-')).toEqual([]);
  });

  it("reads an organization's agreement without a text of its own as its terms set them", async () => {
    const page = await slaPage(member);
    expect(text(page)).toMatch(/Third-party products or services: covered/);
    const lines = documentOf(page);
    const limitations = lines.slice(lines.findIndex((l) => l.startsWith('Service Limitations:')));
    expect(limitations.slice(0, 3)).toEqual([
      'Service Limitations: Support does not cover the following:',
      '- Training on product usage',
      '- Custom development or modifications',
    ]);
    expect(lines.join('\n')).not.toMatch(/third-party/i);
    expect(lines.filter((l) => l === '-')).toEqual([]);
  });

  it("shows an organization's own text, versioned with its agreement", async () => {
    const own = 'Acme support agreement\nThird-party products are supported.\n-\n- Training is not included.';
    const put = await admin.put(`/api/v1/organizations/${orgId}`, {
      name: `Third-party ${tag}`,
      agreement: { ...agreement, text: own },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 2, agreement: { text: own } });
    expect((await admin.get(`/api/v1/organizations/${orgId}/versions/1`)).body.body.agreement.text).toBeUndefined();
    expect((await admin.get(`/api/v1/organizations/${orgId}/versions/2`)).body.body.agreement.text).toBe(own);

    const page = await slaPage(member);
    expect(page).toMatch(/id="sla-version">.*version <strong>[^<]*@2<\/strong>/s);
    expect(documentOf(page)).toEqual([
      'Acme support agreement',
      'Third-party products are supported.',
      '- Training is not included.',
    ]);
  });

  it('refuses an agreement text that is empty or carries control characters, naming the field', async () => {
    for (const bad of ['   ', 'Terms\u0007 hidden', 'x'.repeat(50_001)]) {
      const res = await admin.put(`/api/v1/organizations/${orgId}`, {
        name: `Third-party ${tag}`,
        agreement: { ...agreement, text: bad },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).toContain('agreement.text');
    }
  });
});
