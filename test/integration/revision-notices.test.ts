import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { apiClient, type ApiClient } from '../support/http';
import { readOutbox } from '../support/outbox';
import { browserLike, signIn } from '../support/portal';
import { startStack, type TestStack } from '../support/stack';
import { APPLY_LEASE_MS } from '../../desk/revision-schedule';
import { eventually } from '../support/wait';

/**
 * Revision notices through the real API, worker and outbox: a revision of the default policy tells the customers
 * under it (and no one else) what changed, in words, once, across a restart of the sending; a revision scheduled for
 * a later date is announced now and applies then; an organization's new agreement tells its customers; the portal
 * shows the notices and records their acceptance; tickets keep the terms they were pinned to.
 */

const outbox = inject('outboxDir');
const suffix = Date.now().toString(36);
const solo = `ada-${suffix}@example.com`;
const member = `bob@acme-${suffix}.example`;
const other = `cy@beta-${suffix}.example`;

let stack: TestStack;
let admin: ApiClient;
let acmeId = '';

const noticesTo = async (email: string): Promise<ParsedMail[]> =>
  (await readOutbox(outbox)).filter(
    (m) => m.headers.get('x-notification-kind') === 'sla_revision' && JSON.stringify(m.to ?? '').includes(email),
  );
const waitForNotices = (email: string, count: number) =>
  eventually(
    async () => {
      const all = await noticesTo(email);
      return all.length >= count && all;
    },
    20_000,
    `${count} revision notice(s) to ${email}`,
  );

const ticketFor = (email: string) =>
  admin.post('/api/v1/tickets', {
    subject: 'Export fails',
    description: 'd',
    category: 'bug',
    priority: 'high',
    customerEmail: email,
  });
/** A customer at an organization's domain joins it once their address is proven (the portal's sign-in link). */
async function provenMember(email: string) {
  expect((await ticketFor(email)).status).toBe(201);
  await signIn(browserLike(stack.baseUrl), outbox, email);
}
const org = (name: string, domain: string, policy: string, training = false) => ({
  name,
  domains: [domain],
  agreement: {
    calendar: 'default',
    policy,
    scope: { training, customDevelopment: false, thirdParty: false },
  },
});

let pinnedTicket = '';

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  expect((await admin.post('/api/v1/sla/policies', { id: 'beta-gold', targets: {} })).status).toBe(201);
  acmeId = (await admin.post('/api/v1/organizations', org('Acme', `acme-${suffix}.example`, 'default'))).body.id;
  expect((await admin.post('/api/v1/organizations', org('Beta', `beta-${suffix}.example`, 'beta-gold'))).status).toBe(
    201,
  );
  pinnedTicket = (await ticketFor(solo)).body.id;
  await provenMember(member);
  await provenMember(other);
  expect((await stack.store.users.byEmail(member))!.organizationId).toBe(acmeId);
});
afterAll(async () => {
  stack?.desk.revisionSchedule.stop();
  await stack?.close();
});

describe('a revision of the default policy', () => {
  it('tells each customer under it once, in words, by mail', async () => {
    const put = await admin.put('/api/v1/sla/policies/default', { targets: { high: { firstResponseMinutes: 360 } } });
    expect(put.status).toBe(201);
    for (const email of [solo, member]) {
      const [mail] = await waitForNotices(email, 1);
      expect(mail!.subject).toMatch(/^Changes to your service level agreement from \d{4}-\d{2}-\d{2}$/);
      expect(mail!.text).toContain('- first response for high priority: 8 → 6 business hours; from ');
      expect(mail!.text).toMatch(
        /Read the new version and accept it in our customer portal: http\S+\/portal\/revisions/,
      );
    }
    // Beta's agreement follows its own policy: nothing changed for its customers.
    const revisions = (await admin.get('/api/v1/sla/revisions')).body.revisions;
    expect(revisions[0]).toMatchObject({
      kind: 'policy',
      name: 'default',
      version: put.body.version,
      announced: true,
      scheduled: false,
      changes: [
        { organizationId: null, lines: ['first response for high priority: 8 → 6 business hours'] },
        { organizationId: acmeId, lines: ['first response for high priority: 8 → 6 business hours'] },
      ],
    });
    expect(await noticesTo(other)).toHaveLength(0);
  });

  it('sends no notice twice when its sending runs again after a restart', async () => {
    const [rev] = (await admin.get('/api/v1/sla/revisions')).body.revisions;
    // As if the process stopped before marking it done: the next start resumes it.
    await stack.store.conn
      .collection('sla_revisions')
      .updateOne({ _id: rev.id }, { $set: { announcement: 'pending' } });
    await stack.desk.revisionNotices.resume();
    await eventually(
      async () => (await stack.store.revisions.get(rev.id))?.announcement === 'done',
      15_000,
      'the resumed sending',
    );
    expect(await noticesTo(solo)).toHaveLength(1);
    expect(await noticesTo(member)).toHaveLength(1);
  });

  it('leaves tickets opened before on the terms they were pinned to', async () => {
    const ticket = (await admin.get(`/api/v1/tickets/${pinnedTicket}`)).body;
    expect(ticket.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').targetMinutes).toBe(480);
  });

  it('says nothing when a revision changes nothing customers were promised', async () => {
    expect(
      (
        await admin.put('/api/v1/sla/policies/default', {
          warningAt: 0.5,
          targets: { high: { firstResponseMinutes: 360 } },
        })
      ).status,
    ).toBe(201);
    expect((await admin.get('/api/v1/sla/revisions')).body.revisions).toHaveLength(1);
  });
});

describe('a revision from a later date', () => {
  it('is announced now with its date, and the policy in force stays until then', async () => {
    const res = await admin.post('/api/v1/sla/revisions', {
      kind: 'policy',
      name: 'default',
      body: { targets: { high: { firstResponseMinutes: 360 }, urgent: { resolutionMinutes: 360 } } },
      effectiveFrom: '2027-01-04',
    });
    expect(res.status).toBe(202);
    expect(res.body.revision).toMatchObject({
      scheduled: true,
      version: null,
      effectiveFrom: '2027-01-04T05:00:00.000Z',
    });
    const mails = await waitForNotices(solo, 2);
    expect(mails[1]!.subject).toBe('Changes to your service level agreement from 2027-01-04');
    expect(mails[1]!.text).toContain('- resolution for urgent priority: 8 → 6 business hours; from 2027-01-04');
    expect((await admin.get('/api/v1/sla/policies/default')).body.body.targets.urgent.resolution.minutes).toBe(480);
  });

  it('refuses a start that is not in the future, naming the field', async () => {
    const res = await admin.post('/api/v1/sla/revisions', {
      kind: 'policy',
      name: 'default',
      body: { targets: { low: { resolutionMinutes: 60 } } },
      effectiveFrom: '2020-01-01',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['effectiveFrom']);
  });

  it('is stored as a new version when its start comes', async () => {
    const soon = new Date(Date.now() + 4_000).toISOString();
    const res = await admin.post('/api/v1/sla/revisions', {
      kind: 'calendar',
      name: 'default',
      body: { ...ALWAYS_OPEN_CALENDAR, timezone: 'UTC-5' },
      effectiveFrom: soon,
    });
    expect(res.status).toBe(202);
    await stack.desk.revisionSchedule.start();
    const applied = await eventually(
      async () => {
        const latest = (await admin.get('/api/v1/sla/calendars/default')).body;
        return latest.body.windows.length === 7 && latest;
      },
      20_000,
      'the scheduled calendar stored',
    );
    expect(applied.version).toBeGreaterThan(1);
    const listed = await eventually(
      async () =>
        (await admin.get('/api/v1/sla/revisions')).body.revisions.find(
          (r: { id: string; scheduled: boolean }) => r.id === res.body.revision.id && !r.scheduled,
        ),
      10_000,
      'the revision marked applied',
    );
    expect(listed).toMatchObject({ scheduled: false, version: applied.version });
    // Announced once, when it was scheduled; storing it told no one again.
    const mails = await waitForNotices(solo, 3);
    expect(mails).toHaveLength(3);
    expect(mails[2]!.text).toMatch(
      /support hours: Sunday to Thursday, 10 PM to 6 AM \(EST\) → every day, around the clock \(EST\)/,
    );
  });
});

describe('a scheduled revision an instance took and never finished', () => {
  it('is taken again once the claim is older than its lease, and not before', async () => {
    const created = await admin.post('/api/v1/sla/policies', {
      id: 'bronze',
      targets: { urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const res = await admin.post('/api/v1/sla/revisions', {
      kind: 'policy',
      name: 'bronze',
      body: { targets: { urgent: { firstResponseMinutes: 60, resolutionMinutes: 180 } } },
      effectiveFrom: new Date(Date.now() + 86_400_000).toISOString(),
    });
    // No customer follows bronze: nothing to announce, but the revision is kept to be stored at its start.
    expect(res.status).toBe(202);
    expect(res.body.revision.changes).toEqual([]);
    const id = res.body.revision.id as string;
    // What an instance that crashed while storing it leaves: due, claimed, not applied.
    const revisions = stack.store.conn.collection<{ _id: string }>('sla_revisions');
    const claimed = (ago: number) =>
      revisions.updateOne(
        { _id: id },
        {
          $set: {
            effectiveFrom: new Date(Date.now() - 60_000),
            schedule: 'applying',
            claimedAt: new Date(Date.now() - ago),
          },
        },
      );
    const version = async () => (await admin.get('/api/v1/sla/policies/bronze')).body.version as number;
    await claimed(60_000);
    await stack.desk.revisionSchedule.applyDue();
    expect(await version()).toBe(1); // another instance may still be at it
    await claimed(APPLY_LEASE_MS + 60_000);
    await stack.desk.revisionSchedule.applyDue();
    expect(await version()).toBe(2);
    expect((await admin.get('/api/v1/sla/policies/bronze')).body.body.targets.urgent.resolution.minutes).toBe(180);
    const all = await admin.get('/api/v1/sla/revisions');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const listed = all.body.revisions.find((r: { id: string }) => r.id === id);
    expect(listed).toMatchObject({ scheduled: false, version: 2 });
  });
});

describe("an organization's new agreement and the portal", () => {
  it("tells the organization's customers what changed for them", async () => {
    const put = await admin.put(
      `/api/v1/organizations/${acmeId}`,
      org('Acme', `acme-${suffix}.example`, 'default', true),
    );
    expect(put.status).toBe(200);
    const mails = await eventually(
      async () => {
        const all = (await noticesTo(member)).filter((m) => m.text?.includes('training'));
        return all.length > 0 && all;
      },
      20_000,
      "Acme's notice",
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toMatch(/- training on product usage: not included → included; from \d{4}-\d{2}-\d{2}/);
    expect((await noticesTo(solo)).filter((m) => m.text?.includes('training'))).toHaveLength(0);
  });

  it("announces an agreement's revision from a later date now, and stores it then", async () => {
    const soon = new Date(Date.now() + 4_000).toISOString();
    const agreement = {
      ...org('Acme', '', 'default', true).agreement,
      scope: { training: true, customDevelopment: false, thirdParty: true },
    };
    const res = await admin.post('/api/v1/sla/revisions', {
      kind: 'agreement',
      name: acmeId,
      body: agreement,
      effectiveFrom: soon,
    });
    expect(res.status).toBe(202);
    expect(res.body.revision.changes).toEqual([
      { organizationId: acmeId, lines: ['third-party products or services: not included → included'] },
    ]);
    const before = (await admin.get(`/api/v1/organizations/${acmeId}`)).body.version;
    await stack.desk.revisionSchedule.start();
    await eventually(
      async () => (await admin.get(`/api/v1/organizations/${acmeId}`)).body.agreement.scope.thirdParty === true,
      20_000,
      "Acme's scheduled agreement stored",
    );
    expect((await admin.get(`/api/v1/organizations/${acmeId}`)).body).toMatchObject({
      version: before + 1,
      domains: [`acme-${suffix}.example`],
    });
    // Told once, when it was scheduled; storing it told no one again.
    const told = (await noticesTo(member)).filter((m) => m.text?.includes('third-party'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toMatch(
      /- third-party products or services: not included → included; from \d{4}-\d{2}-\d{2}/,
    );
    const bad = await admin.post('/api/v1/sla/revisions', {
      kind: 'agreement',
      name: acmeId,
      body: { ...agreement, policy: 'no-such-policy' },
      effectiveFrom: '2027-01-04',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.policy']);
  });

  it("reads an agreement's start date at midnight in its own calendar's zone", async () => {
    const tokyo = await admin.post('/api/v1/sla/calendars', {
      id: 'tokyo',
      ...ALWAYS_OPEN_CALENDAR,
      timezone: 'Asia/Tokyo',
    });
    expect(tokyo.status, JSON.stringify(tokyo.body)).toBe(201);
    const res = await admin.post('/api/v1/sla/revisions', {
      kind: 'agreement',
      name: acmeId,
      body: { ...org('Acme', '', 'default', true).agreement, calendar: 'tokyo' },
      effectiveFrom: '2027-01-04',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    // Midnight in Tokyo (UTC+9), not in the default calendar's EST.
    expect(res.body.revision.effectiveFrom).toBe('2027-01-03T15:00:00.000Z');
  });

  it('shows the notices on the portal and records their acceptance', async () => {
    const b = browserLike(stack.baseUrl);
    await signIn(b, outbox, solo);
    const home = await b.get('/portal');
    expect(home.page).toContain('id="revision-banner"');
    const list = await b.get('/portal/revisions');
    expect(list.status).toBe(200);
    expect(list.page).toContain('first response for high priority: 8 → 6 business hours; from ');
    expect(list.page).toContain('resolution for urgent priority: 8 → 6 business hours; from 2027-01-04');
    const revision = /name="revision" value="([^"]+)"/.exec(list.page)![1]!;
    const accepted = await b.post('/portal/revisions/accept', { csrf: b.csrfOf(list.page), revision });
    expect(accepted.status).toBe(303);
    const after = await b.get('/portal/revisions');
    expect(accepted.location).toBe('/portal/revisions?accepted=1');
    expect(after.page.match(/data-accepted="true"/g)).toHaveLength(1);
    const refused = await b.post('/portal/revisions/accept', { csrf: b.csrfOf(list.page), revision: 'policy:nope:1' });
    expect(refused.status).toBe(404);
  });
});
