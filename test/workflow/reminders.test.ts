import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, type CalendarSpec } from '../../domain/calendar';
import type { VendorTerms } from '../../domain/ticket-sla';
import { parsePolicyOverrides } from '../../domain/policy';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { recordHistory } from '../support/histories';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';
import { expectReadableOutbox } from '../support/human-time';

/**
 * A policy's reminders at 50, 75 and 90 % of a 24-hour around-the-clock resolution target, on a ticket whose
 * agreement's support hours are weekdays 09:00–17:00 in EST (UTC-5, no daylight saving). Received Monday 18:00 EST
 * (23:00 UTC), so by hand:
 * - 50 % is due Tuesday 06:00 EST (11:00 UTC), outside the hours: with `supportHoursOnly` it goes out at the
 *   opening, Tuesday 09:00 EST (14:00 UTC), and its event keeps 11:00 UTC as the instant;
 * - 75 % is due Tuesday 12:00 EST (17:00 UTC), inside: it goes out then;
 * - 90 % is due Tuesday 15:36 EST (20:36 UTC);
 * - the target is Tuesday 18:00 EST (23:00 UTC).
 */

let stack: SkippingStack;
let receiver: Server;
const deliveries: { type: string; key: string; threshold?: number }[] = [];
const tag = randomBytes(3).toString('hex');
const sam = { id: `U${tag}`, email: `sam-${tag}@support.local` };
const orgId = `org-${tag}`;
const orgAdmin = { id: `A${tag}`, email: `it-lead-${tag}@customer.example` };
const webhookId = `W-reminders-${tag}`;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { type, key, threshold } = JSON.parse(body) as { type: string; key: string; threshold?: number };
      deliveries.push({ type, key, threshold });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  stack = await startSkippingStack({ webhookAllowHosts: ['127.0.0.1'] });
  const person = (id: string, role: 'agent' | 'customer', name: string, email: string) => ({
    id,
    role,
    name,
    email,
    agreement: { trainingIncluded: false },
    createdAt: new Date(),
  });
  await stack.store.users.create(person(sam.id, 'agent', 'Sam Agent', sam.email), `hash-${sam.id}`);
  await stack.store.users.create(
    {
      ...person(orgAdmin.id, 'customer', 'Iris Lead', orgAdmin.email),
      organizationId: orgId,
      organizationRole: 'admin',
    },
    `hash-${orgAdmin.id}`,
  );
  // A member who is not an admin hears nothing of reminders.
  await stack.store.users.create(
    {
      ...person(`M${tag}`, 'customer', 'Max Member', `member-${tag}@customer.example`),
      organizationId: orgId,
      organizationRole: 'member',
    },
    `hash-M${tag}`,
  );
  await stack.store.webhooks.add({
    id: webhookId,
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    secret: 'whsec_reminders',
    events: ['warning'],
    active: true,
    createdAt: new Date(),
  });
});
afterAll(async () => {
  await stack?.store.webhooks.remove(webhookId);
  await stack?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const outbox = () => inject('outboxDir');

/** The first Monday 23:00 UTC (18:00 EST) after `ms`. */
function nextMonday2300(ms: number): number {
  const d = new Date(ms + DAY);
  d.setUTCHours(23, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}

/** An instant as the mails write it in EST (UTC-5), worked out here rather than by the calendar code. */
function est(ms: number): string {
  const local = new Date(ms - 5 * HOUR);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.getUTCDay()];
  return `${day} ${local.toISOString().slice(0, 10)} ${local.toISOString().slice(11, 16)} EST`;
}

const weekdays9to5: CalendarSpec = {
  timezone: 'UTC-5',
  windows: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
    day,
    open: '09:00',
    close: '17:00',
  })),
  holidays: [],
};

describe('reminders at 50, 75 and 90 %', () => {
  it('each goes out once at its instant, the one outside support hours at the opening, to its audiences', async () => {
    const policy = parsePolicyOverrides({
      targets: {
        urgent: { firstResponse: { minutes: 60, clock: '24x7' }, resolution: { minutes: 1440, clock: '24x7' } },
      },
      reminders: [
        { at: 0.5, notify: ['assignee', 'level', 'organization', 'webhook'], supportHoursOnly: true },
        { at: 0.75, notify: ['assignee', 'level'], supportHoursOnly: true },
        { at: 0.9, notify: ['assignee'] },
      ],
    });
    const received = nextMonday2300(await stack.env.currentTimeMs());
    await stack.advanceTo(new Date(received));
    const intake = {
      ...intakeFor({ receivedAt: new Date(received), calendar: weekdays9to5, policy, priority: 'urgent' }),
      organizationId: orgId,
    };
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });
    await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: sam.id, body: 'Looking at it.' }] });

    const half = received + 12 * HOUR; // Tuesday 11:00 UTC, 06:00 EST: support is closed
    const opening = received + 15 * HOUR; // Tuesday 14:00 UTC, 09:00 EST
    const threeQuarters = received + 18 * HOUR;
    const ninety = received + 21 * HOUR + 36 * MIN;
    const due = received + DAY;

    // Past the 50 % instant but before the opening: held, nothing on the timeline yet.
    await stack.advanceTo(new Date(opening - MIN));
    const early = await stack.store.slaEvents.forTicket(intake.ticketId);
    expect(early.filter((e) => e.type === 'warning')).toEqual([]);
    expect((await handle.query(stateQuery)).slaState).toBe('ok');

    await stack.advanceTo(new Date(ninety + MIN));
    const warnings = await eventually(
      async () => {
        const w = (await stack.store.slaEvents.forTicket(intake.ticketId)).filter((e) => e.type === 'warning');
        return w.length === 3 ? w : null;
      },
      10_000,
      'three warnings',
    );
    expect(warnings.map((e) => [e.metric, e.detail?.threshold, e.detail?.warningAt])).toEqual([
      ['resolution', 0.5, new Date(half).toISOString()],
      ['resolution', 0.75, new Date(threeQuarters).toISOString()],
      ['resolution', 0.9, new Date(ninety).toISOString()],
    ]);
    const sent = warnings.map((e) => e.at.getTime());
    expect(sent[0]! - opening).toBeGreaterThanOrEqual(0);
    expect(sent[0]! - opening).toBeLessThan(1_000);
    expect(warnings[0]!.detail?.heldUntil).toBe(new Date(opening).toISOString());
    expect(sent[1]! - threeQuarters).toBeGreaterThanOrEqual(0);
    expect(sent[1]! - threeQuarters).toBeLessThan(1_000);
    expect(warnings[1]!.detail?.heldUntil).toBeUndefined();
    expect(sent[2]! - ninety).toBeGreaterThanOrEqual(0);
    expect(sent[2]! - ninety).toBeLessThan(1_000);
    for (const w of warnings) expect(w.dueAt?.getTime()).toBe(due);
    const snap = await handle.query(stateQuery);
    expect(snap.slaState).toBe('warning');
    expect(snap.clocks.find((c) => c.metric === 'resolution')!.warningAt).toBe(new Date(half).toISOString());

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');

    // Only the reminder naming `webhook` reached the warning webhook.
    const hooks = await eventually(
      async () => {
        const mine = deliveries.filter((d) => d.key.startsWith(`${intake.ticketId}:`));
        return mine.length ? mine : null;
      },
      10_000,
      'the webhook',
    );
    expect(hooks.map((d) => [d.type, d.threshold])).toEqual([['warning', 0.5]]);

    const mails = await eventually(
      async () => {
        const all = (await mailsFor(outbox(), intake.ticketId)).filter(
          (m) => m.headers.get('x-notification-kind') === 'warning',
        );
        return all.length >= 6 ? all : null;
      },
      10_000,
      'the reminder mails',
    );
    const to = (m: (typeof mails)[number]) => (m.to as { text: string }).text;
    // Each audience its mail once per reminder: the assignee three, the level (L1's contacts) two, the admin one.
    expect(mails.map(to).sort()).toEqual(
      [sam.email, sam.email, sam.email, 'agents@test.local', 'agents@test.local', orgAdmin.email].sort(),
    );
    const dueWords = `${est(due)} (${new Date(due).toISOString().slice(0, 10)} 23:00 UTC)`;
    expect(dueWords).toMatch(/^Tue .* 18:00 EST \(/);
    const forSam = mails.filter((m) => to(m) === sam.email).map((m) => m.text ?? '');
    expect(forSam).toEqual([
      expect.stringContaining('is close to its resolution target (50 % of its time is used).'),
      expect.stringContaining('is close to its resolution target (75 % of its time is used).'),
      expect.stringContaining('is close to its resolution target (90 % of its time is used).'),
    ]);
    for (const text of forSam) expect(text).toContain(`Due ${dueWords}.`);
    const admin = mails.find((m) => to(m) === orgAdmin.email)!;
    expect(admin.subject).toBe(`Your organization's ticket: resolution due ${est(due)} [#${intake.ticketId}]`);
    expect(admin.text).toContain(
      `has used 50 % of the time your agreement sets for its resolution, which is due ${dueWords}.`,
    );
    expect(admin.text).toContain(`/portal/tickets/${intake.ticketId}`);
    expect(admin.text).not.toContain('/console/');
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});

describe("a vendor clock with the policy's reminders", () => {
  it("reminds the ticket's staff at each fraction of the vendor's target, and never the organization", async () => {
    const policy = parsePolicyOverrides({
      reminders: [
        { at: 0.5, notify: ['assignee', 'level', 'organization'] },
        { at: 0.75, notify: ['assignee'] },
        { at: 0.9, notify: ['level'] },
      ],
    });
    const vendor: VendorTerms = { id: 'acme', name: 'Acme Hosting', calendar: null, targetMinutes: 100, contacts: [] };
    const receivedAt = new Date(await stack.env.currentTimeMs());
    const intake = {
      ...intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, policy }),
      organizationId: orgId,
    };
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });
    await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: sam.id, body: 'Asking our host.' }] });
    const paused = await handle.executeUpdate(agentActionUpdate, {
      args: ['pending', { agent: sam.id, waitingOn: 'vendor', vendor: vendor.id, vendorTerms: vendor }],
    });
    const since = new Date(paused.pause!.since).getTime();
    // Around the clock: 50, 75 and 90 minutes after the wait began.
    const instants = [50, 75, 90].map((m) => since + m * MIN);
    expect(paused.clocks.find((c) => c.metric === 'vendor')!.warningAt).toBe(new Date(instants[0]!).toISOString());

    await stack.advanceTo(new Date(since + 95 * MIN));
    const reminded = await eventually(
      async () => {
        const e = (await stack.store.slaEvents.forTicket(intake.ticketId)).filter((x) => x.type === 'vendor_warning');
        return e.length === 3 ? e : null;
      },
      10_000,
      'three vendor reminders',
    );
    expect(reminded.map((e) => [e.detail?.threshold, e.detail?.warningAt])).toEqual(
      [0.5, 0.75, 0.9].map((t, i) => [t, new Date(instants[i]!).toISOString()]),
    );
    reminded.forEach((e, i) => expect(Math.abs(e.at.getTime() - instants[i]!)).toBeLessThan(1_000));

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
    const mails = await eventually(
      async () => {
        const all = (await mailsFor(outbox(), intake.ticketId)).filter(
          (m) => m.headers.get('x-notification-kind') === 'vendor_warning',
        );
        return all.length >= 4 ? all : null;
      },
      10_000,
      'the vendor reminder mails',
    );
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(
      ['agents@test.local', 'agents@test.local', sam.email, sam.email].sort(),
    );
    expect(mails[0]!.subject).toBe(
      `Third party close to its target: Acme Hosting on [#${intake.ticketId}] ${intake.subject}`,
    );
    const texts = mails.filter((m) => (m.to as { text: string }).text === sam.email).map((m) => m.text ?? '');
    expect(texts).toEqual([
      expect.stringContaining('(50 % of it is used).'),
      expect.stringContaining('(75 % of it is used).'),
    ]);
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});
