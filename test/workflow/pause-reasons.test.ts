import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import type { TicketSnapshot, VendorTerms } from '../../domain/ticket-sla';
import type { CalendarSpec } from '../../domain/calendar';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { recordHistory } from '../support/histories';
import { addAgent, type TestAgent } from '../support/agents';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';
import { expectReadableOutbox } from '../support/human-time';

/**
 * Pause reasons in the workflow, on the time-skipping server: a hold pauses resolution and next response, and its
 * `maxMinutes` ends it by itself at its instant (a durable timer), resuming the clocks and mailing the assignee.
 * The calendar is 24/7, so the expected instants are the pause's start plus wall minutes.
 */

let stack: SkippingStack;
let sam: TestAgent;

beforeAll(async () => {
  stack = await startSkippingStack();
  sam = await addAgent(stack.store, 'Sam Agent');
});
afterAll(async () => {
  await stack?.close();
});

const MIN = 60_000;
const clockOf = (s: TicketSnapshot, metric: string) => s.clocks.find((c) => c.metric === metric)!;
const outbox = () => inject('outboxDir');

describe('a hold ended by its maxMinutes', () => {
  it('resumes the clocks at its instant, reopens the ticket and mails the assignee', async () => {
    const policy = parsePolicyOverrides({ pauses: { hold: { maxMinutes: 90 } } });
    const receivedAt = new Date(await stack.env.currentTimeMs());
    const intake = intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, policy });
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });
    await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    await stack.advanceTo(new Date(receivedAt.getTime() + 10 * MIN));
    const dueBefore = new Date(clockOf(await handle.query(stateQuery), 'resolution').dueAt!).getTime();
    const paused = await handle.executeUpdate(agentActionUpdate, {
      args: ['pending', { agent: 'sam', waitingOn: 'hold', reason: 'Call us back after the holidays' }],
    });
    expect(paused.pause).toMatchObject({ waitingOn: 'hold', clocks: ['resolution'] });
    expect(clockOf(paused, 'resolution').paused).toBe(true);
    // First response is not a hold's clock: it keeps counting.
    expect(clockOf(paused, 'first_response').paused).toBe(false);
    const pausedAt = new Date(paused.pause!.since).getTime();
    const endsAt = pausedAt + 90 * MIN;
    expect(paused.pause!.endsAt).toBe(new Date(endsAt).toISOString());

    await stack.advanceTo(new Date(endsAt + MIN));
    const reopened = await eventually(
      async () => {
        const s = await handle.query(stateQuery);
        return s.status === 'open' ? s : null;
      },
      10_000,
      'the pause to end',
    );
    expect(reopened.pause).toBeNull();
    expect(reopened.pausedTime).toEqual([{ waitingOn: 'hold', pauses: 1, businessMinutes: 90, minutes: 90 }]);
    // The clock resumed at the pause's end with the time it had used: its deadline moved by exactly the 90 minutes
    // (to the millisecond the minutes' fractions round to).
    const dueAfter = new Date(clockOf(reopened, 'resolution').dueAt!).getTime();
    expect(Math.abs(dueAfter - (dueBefore + 90 * MIN))).toBeLessThanOrEqual(1);

    const timeline = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        return e.some((x) => x.type === 'pause_ended') ? e : null;
      },
      10_000,
      'the timeline',
    );
    const ended = timeline.find((e) => e.type === 'pause_ended')!;
    expect(ended.at.getTime()).toBe(endsAt);
    expect(ended.detail).toMatchObject({ waitingOn: 'hold', endedBy: 'max_minutes', businessMinutesPaused: 90 });
    expect(timeline.filter((e) => e.type === 'resumed').map((e) => [e.metric, e.at.getTime()])).toEqual([
      ['resolution', endsAt],
    ]);

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
    const mails = await eventually(
      async () => {
        const all = await mailsFor(outbox(), intake.ticketId);
        return all.some((m) => m.headers.get('x-notification-kind') === 'pause_expired') ? all : null;
      },
      10_000,
      'the pause mail',
    );
    const mail = mails.find((m) => m.headers.get('x-notification-kind') === 'pause_expired')!;
    expect((mail.to as { text: string }).text).toBe(sam.email);
    expect(mail.subject).toBe(`Pause ended on your ticket: [#${intake.ticketId}] ${intake.subject}`);
    expect(mail.text).toContain('was paused (On hold at your request) for as long as its agreement allows');
    // A hold does not tell the customer: the agent's reason went to no one.
    expect(mails.filter((m) => m.headers.get('x-notification-kind') === 'awaiting_customer')).toEqual([]);
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});

const DAY = 24 * 60 * MIN;
/** The first Monday 16:00 UTC after `ms`. */
function nextMonday1600(ms: number): number {
  const d = new Date(ms + DAY);
  d.setUTCHours(16, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}

describe('a vendor clock on its own calendar', () => {
  it('breaches at its instant: the assignee is told and the vendor chased', async () => {
    const nineToFive: CalendarSpec = {
      timezone: 'UTC',
      windows: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
        day,
        open: '09:00',
        close: '17:00',
      })),
      holidays: [],
    };
    const vendor: VendorTerms = {
      id: 'acme-hosting',
      name: 'Acme Hosting',
      calendar: nineToFive,
      targetMinutes: 120,
      contacts: ['support@acme-hosting.example'],
    };
    const monday = nextMonday1600(await stack.env.currentTimeMs());
    await stack.advanceTo(new Date(monday));
    const receivedAt = new Date(await stack.env.currentTimeMs());
    const intake = intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR });
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });
    await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: 'sam', body: 'Asking our host.' }] });
    const paused = await handle.executeUpdate(agentActionUpdate, {
      args: ['pending', { agent: 'sam', waitingOn: 'vendor', vendor: vendor.id, vendorTerms: vendor }],
    });
    const pausedAt = new Date(paused.pause!.since).getTime();
    // Monday 16:00 (and the few milliseconds since): one hour to the vendor's close, the other from Tuesday 09:00,
    // so due Tuesday 10:00 and those milliseconds: 18 hours after the pause.
    expect(pausedAt - monday).toBeLessThan(60_000);
    const due = pausedAt + 18 * 60 * MIN;
    const vendorClock = paused.clocks.find((c) => c.metric === 'vendor')!;
    expect(vendorClock).toMatchObject({ vendor: 'acme-hosting', clock: 'business', targetMinutes: 120 });
    expect(new Date(vendorClock.dueAt!).getTime()).toBe(due);

    await stack.advanceTo(new Date(due + MIN));
    const timeline = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        return e.some((x) => x.type === 'vendor_breached') ? e : null;
      },
      10_000,
      'the vendor breach',
    );
    const breach = timeline.find((e) => e.type === 'vendor_breached')!;
    expect(Math.abs(breach.at.getTime() - due)).toBeLessThan(1_000);
    expect(timeline.find((e) => e.type === 'vendor_warning')!.at.getTime()).toBeLessThan(due);
    expect((await handle.query(stateQuery)).clocks.find((c) => c.metric === 'vendor')?.breached).toBe(true);

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
    const mails = await eventually(
      async () => {
        const all = await mailsFor(outbox(), intake.ticketId);
        return all.some((m) => m.headers.get('x-notification-kind') === 'vendor_chaser') ? all : null;
      },
      10_000,
      'the chaser',
    );
    const kind = (k: string) => mails.filter((m) => m.headers.get('x-notification-kind') === k);
    expect(kind('vendor_breach').map((m) => (m.to as { text: string }).text)).toEqual([sam.email]);
    expect(kind('vendor_warning').map((m) => (m.to as { text: string }).text)).toEqual([sam.email]);
    const chaser = kind('vendor_chaser')[0]!;
    expect((chaser.to as { text: string }).text).toBe('support@acme-hosting.example');
    expect(chaser.subject).toBe(`Awaiting your answer on our case [#${intake.ticketId}]`);
    // The chaser says nothing of the customer's request: no subject, no customer.
    expect(chaser.text).not.toContain(intake.subject);
    expect(chaser.text).not.toContain(intake.customer.email);
    // Nor links to the staff's console, which a third party cannot open.
    expect(chaser.text).not.toMatch(/https?:\/\//);
    expect(String(chaser.html)).not.toMatch(/href=/);
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});
