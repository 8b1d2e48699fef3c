import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganizationId } from '../../desk/organizations';
import { STALE_CLAIM_MS } from '../../desk/domain-claims';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';

/**
 * A mail domain belongs to one organization, also when admins save at the same instant: concurrent POSTs and PUTs
 * over real HTTP, domains given up and claimed again, claims left by changes that never saved, and organizations
 * stored before claims existed.
 */

let stack: TestStack;
let admin: ApiClient;
const suffix = Date.now().toString(36);
const CONCURRENT = 8;

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
});
afterAll(async () => {
  await stack?.close();
});

const orgBody = (name: string, domains: string[]) => ({
  name,
  domains,
  agreement: {
    calendar: 'default',
    policy: 'default',
    scope: { training: false, customDevelopment: false, thirdParty: false },
  },
});
type Answer = Awaited<ReturnType<ApiClient['post']>>;
const statuses = (answers: Answer[]) => answers.map((a) => a.status).sort();
const holdersOf = async (domain: string) =>
  ((await admin.get('/api/v1/organizations')).body.organizations as { id: string; domains: string[] }[])
    .filter((o) => o.domains.includes(domain))
    .map((o) => o.id);
/** The organization a new customer of the domain joins. */
const joins = async (domain: string) => {
  const res = await admin.post('/api/v1/users', {
    role: 'customer',
    name: 'New',
    email: `new-${Math.random().toString(36).slice(2)}@${domain}`,
  });
  expect(res.status).toBe(201);
  return res.body.organizationId as string | undefined;
};
function expectRefused(res: Answer, field: string) {
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.errors).toEqual([{ field, message: res.body.detail }]);
}

describe('one organization per mail domain', () => {
  it(`of ${CONCURRENT} concurrent POSTs claiming one domain, one is created and the rest answer 409 naming the field`, async () => {
    const domain = `race-${suffix}.example`;
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        admin.post(
          '/api/v1/organizations',
          orgBody(`Racer ${i}`, [`own-${i}-${suffix}.example`, domain.toUpperCase()]),
        ),
      ),
    );
    expect(statuses(answers)).toEqual([201, ...Array<number>(CONCURRENT - 1).fill(409)]);
    const winner = answers.find((a) => a.status === 201)!.body.id as string;
    for (const refused of answers.filter((a) => a.status === 409)) {
      expectRefused(refused, 'domains[1]');
      expect(refused.body.detail).toContain(domain);
    }
    expect(await holdersOf(domain)).toEqual([winner]);
    expect(await joins(domain)).toBe(winner);

    // A refused POST keeps none of its domains: each loser's own domain is free for someone else.
    const loser = answers.findIndex((a) => a.status === 409);
    expect(
      (await admin.post('/api/v1/organizations', orgBody('Late', [`own-${loser}-${suffix}.example`]))).status,
    ).toBe(201);
  });

  it(`of ${CONCURRENT} concurrent PUTs adding one domain, one is saved and the rest answer 409 and change nothing`, async () => {
    const domain = `put-race-${suffix}.example`;
    const ids: string[] = [];
    for (let i = 0; i < CONCURRENT; i++)
      ids.push((await admin.post('/api/v1/organizations', orgBody(`Putter ${i}`, []))).body.id);
    const answers = await Promise.all(
      ids.map((id, i) => admin.put(`/api/v1/organizations/${id}`, orgBody(`Putter ${i}`, [domain]))),
    );
    expect(statuses(answers)).toEqual([200, ...Array<number>(CONCURRENT - 1).fill(409)]);
    const winner = answers.find((a) => a.status === 200)!.body.id as string;
    for (const refused of answers.filter((a) => a.status === 409)) expectRefused(refused, 'domains[0]');
    expect(await holdersOf(domain)).toEqual([winner]);
    expect(await joins(domain)).toBe(winner);
    for (const id of ids.filter((id) => id !== winner)) {
      expect((await admin.get(`/api/v1/organizations/${id}/versions`)).body.versions).toHaveLength(1);
    }
  });

  it('a domain given up by PUT can be claimed by another organization', async () => {
    const domain = `moving-${suffix}.example`;
    const first = await admin.post('/api/v1/organizations', orgBody('First', [domain, `first-${suffix}.example`]));
    expect(first.status).toBe(201);
    expectRefused(await admin.post('/api/v1/organizations', orgBody('Second', [domain])), 'domains[0]');

    expect(
      (await admin.put(`/api/v1/organizations/${first.body.id}`, orgBody('First', [`first-${suffix}.example`]))).status,
    ).toBe(200);
    const second = await admin.post('/api/v1/organizations', orgBody('Second', [domain]));
    expect(second.status).toBe(201);
    expect(await joins(domain)).toBe(second.body.id);
    // And the first cannot take it back.
    expectRefused(
      await admin.put(`/api/v1/organizations/${first.body.id}`, orgBody('First', [`first-${suffix}.example`, domain])),
      'domains[1]',
    );
  });
});

describe('claims left by changes that never saved', () => {
  const claims = () => stack.store.domainClaims;

  it('a fresh claim of an unsaved change refuses others; a stale one is taken over', async () => {
    const pending = `pending-${suffix}.example`;
    await claims().insert(pending, newOrganizationId(), new Date());
    const refused = await admin.post('/api/v1/organizations', orgBody('Waiting', [pending]));
    expectRefused(refused, 'domains[0]');
    expect(refused.body.detail).toContain('not saved');

    const crashed = `crashed-${suffix}.example`;
    await claims().insert(crashed, newOrganizationId(), new Date(Date.now() - STALE_CLAIM_MS - 60_000));
    const taken = await admin.post('/api/v1/organizations', orgBody('Taker', [crashed]));
    expect(taken.status).toBe(201);
    expect(await claims().get(crashed)).toMatchObject({ organizationId: taken.body.id });
  });

  it("the organization's next save releases what an earlier failed change of it claimed", async () => {
    const org = await admin.post('/api/v1/organizations', orgBody('Leftover', [`kept-${suffix}.example`]));
    const left = `left-${suffix}.example`;
    await claims().insert(left, org.body.id, new Date());
    expectRefused(await admin.post('/api/v1/organizations', orgBody('Blocked', [left])), 'domains[0]');

    expect(
      (await admin.put(`/api/v1/organizations/${org.body.id}`, orgBody('Leftover', [`kept-${suffix}.example`]))).status,
    ).toBe(200);
    expect(await claims().get(left)).toBeNull();
    expect(await claims().get(`kept-${suffix}.example`)).toMatchObject({ organizationId: org.body.id });
    expect((await admin.post('/api/v1/organizations', orgBody('Unblocked', [left]))).status).toBe(201);
  });
});

describe('organizations stored before domains were claimed', () => {
  it('keep their domains, and the start-up backfill claims them once; a domain two of them hold stays with the older', async () => {
    const domain = `legacy-${suffix}.example`;
    const at = (ms: number) => new Date(Date.now() - ms);
    const agreement = orgBody('', []).agreement;
    const older = {
      id: newOrganizationId(),
      name: 'Legacy',
      domains: [domain],
      agreement,
      version: 1,
      createdAt: at(60_000),
      updatedAt: at(60_000),
    };
    const newer = {
      ...older,
      id: newOrganizationId(),
      name: 'Legacy twin',
      createdAt: at(30_000),
      updatedAt: at(30_000),
    };
    for (const org of [older, newer]) {
      await stack.store.slaVersions.append(
        'agreement',
        org.id,
        { name: org.name, domains: org.domains, agreement },
        'admin',
        org.createdAt,
      );
      await stack.store.organizations.create(org);
    }

    // No claim yet: the organizations themselves still refuse a third.
    const refused = await admin.post('/api/v1/organizations', orgBody('Third', [domain]));
    expectRefused(refused, 'domains[0]');
    expect(refused.body.detail).toContain(older.id);
    expect(await stack.store.domainClaims.get(domain)).toBeNull();

    const first = await stack.desk.organizations.backfillDomainClaims();
    expect(first.claimed).toBe(1);
    expect(first.conflicts).toEqual([{ domain, organizationId: newer.id, claimedBy: older.id }]);
    expect(await stack.store.domainClaims.get(domain)).toMatchObject({ organizationId: older.id });
    const again = await stack.desk.organizations.backfillDomainClaims();
    expect(again.claimed).toBe(0);
    expect(again.conflicts).toEqual(first.conflicts);

    // The newer gives it up by saving without it; the older keeps it.
    expect((await admin.put(`/api/v1/organizations/${newer.id}`, orgBody('Legacy twin', []))).status).toBe(200);
    expect(await holdersOf(domain)).toEqual([older.id]);
    expect((await stack.desk.organizations.backfillDomainClaims()).conflicts).toEqual([]);
  });
});
