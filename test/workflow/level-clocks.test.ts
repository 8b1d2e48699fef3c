import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import { customerTimeline } from '../../desk/customer-view';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { recordHistory } from '../support/histories';
import { addAgent, type TestAgent } from '../support/agents';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';
import { expectReadableOutbox } from '../support/human-time';

/**
 * Level clocks and breach actions in the workflow, on the time-skipping server. The calendar is 24/7, so every
 * expected instant is the ticket's receipt plus wall minutes, added up here from the policy's numbers.
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
const outbox = () => inject('outboxDir');
const clockOf = (s: TicketSnapshot, metric: string) => s.clocks.find((c) => c.metric === metric);
type Mail = Awaited<ReturnType<typeof mailsFor>>[number];
const kindOf = (m: Mail) => m.headers.get('x-notification-kind');
const toOf = (m: Mail) => (m.to as { text: string }).text;

async function openTicket(policy: ReturnType<typeof parsePolicyOverrides>) {
  const receivedAt = new Date(await stack.env.currentTimeMs());
  const intake = intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, policy });
  const handle = await stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [{ intake }],
  });
  await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
  return { intake, handle, t0: receivedAt.getTime() };
}

async function timelineWith(ticketId: string, done: (types: string[]) => boolean, what: string) {
  return eventually(
    async () => {
      const e = await stack.store.slaEvents.forTicket(ticketId);
      return done(e.map((x) => x.type)) ? e : null;
    },
    10_000,
    what,
  );
}

describe('a level clock', () => {
  it('breaches at its instant and the next level is told once', async () => {
    // First response in 10 minutes; its breach escalates to L2 at once, and L2 has 30 minutes to act.
    const policy = parsePolicyOverrides({
      targets: { normal: { firstResponseMinutes: 10, resolutionMinutes: 600 } },
      escalation: [
        { level: 'L2', afterBreachMinutes: 0, respondWithinMinutes: 30 },
        { level: 'management', afterBreachMinutes: 480 },
      ],
    });
    const { intake, handle, t0 } = await openTicket(policy);
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    const reached = t0 + 10 * MIN;
    const warnAt = reached + 22.5 * MIN; // 75 % of 30 minutes
    const due = reached + 30 * MIN;

    await stack.advanceTo(new Date(reached + MIN));
    const atL2 = await eventually(
      async () => {
        const s = await handle.query(stateQuery);
        return clockOf(s, 'level') ? s : null;
      },
      10_000,
      'the level clock',
    );
    expect(atL2.escalationLevel).toBe('L2');
    expect(clockOf(atL2, 'level')).toMatchObject({
      level: 'L2',
      clock: 'business',
      targetMinutes: 30,
      dueAt: new Date(due).toISOString(),
      warningAt: new Date(warnAt).toISOString(),
      breached: false,
    });

    await stack.advanceTo(new Date(due + 20 * MIN));
    const timeline = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        return e.some((x) => x.type === 'breached' && x.metric === 'level') ? e : null;
      },
      10_000,
      'the level breach',
    );
    const levelEvents = timeline.filter((e) => e.metric === 'level');
    expect(levelEvents.map((e) => [e.type, e.level])).toEqual([
      ['warning', 'L2'],
      ['breached', 'L2'],
    ]);
    expect(Math.abs(levelEvents[0]!.at.getTime() - warnAt)).toBeLessThan(1_000);
    expect(Math.abs(levelEvents[1]!.at.getTime() - due)).toBeLessThan(1_000);
    expect(levelEvents[1]!.dueAt?.getTime()).toBe(due);
    expect(clockOf(await handle.query(stateQuery), 'level')?.breached).toBe(true);
    // Customers never read the level's clock or its events.
    expect(customerTimeline(timeline).filter((e) => e.metric === 'level')).toEqual([]);

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
    const mails = await eventually(
      async () => {
        const all = await mailsFor(outbox(), intake.ticketId);
        return all.filter((m) => kindOf(m) === 'level_breach').length >= 2 ? all : null;
      },
      10_000,
      'the level breach mails',
    );
    const kind = (k: string) => mails.filter((m) => kindOf(m) === k);
    // The next level (management) once, and the assignee; the warning to L2 itself and the assignee.
    expect(kind('level_breach').map(toOf).sort()).toEqual(['mgmt@test.local', sam.email].sort());
    expect(kind('level_warning').map(toOf).sort()).toEqual(['l2@test.local', sam.email].sort());
    const toManagement = kind('level_breach').find((m) => toOf(m) === 'mgmt@test.local')!;
    expect(toManagement.subject).toBe(`L2 did not act in time: [#${intake.ticketId}] ${intake.subject}`);
    expect(mails.filter((m) => toOf(m) === intake.customer.email).map(kindOf)).toEqual(['acknowledgement']);
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});

describe("a level clock with the policy's reminders", () => {
  it('warns at each reminder, to the audience it names, instead of once at warningAt', async () => {
    // First response in 10 minutes (its own reminders at 5 and 9); its breach escalates to L2, which has 30
    // minutes to act: L2's reminders at 50 % (15 minutes in) to the assignee and 90 % (27 minutes in) to the level.
    const policy = parsePolicyOverrides({
      targets: { normal: { firstResponseMinutes: 10, resolutionMinutes: 600 } },
      escalation: [
        { level: 'L2', afterBreachMinutes: 0, respondWithinMinutes: 30 },
        { level: 'management', afterBreachMinutes: 480 },
      ],
      reminders: [
        { at: 0.5, notify: ['assignee'] },
        { at: 0.9, notify: ['level'] },
      ],
    });
    const { intake, handle, t0 } = await openTicket(policy);
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    const reached = t0 + 10 * MIN;
    const [half, ninety, due] = [reached + 15 * MIN, reached + 27 * MIN, reached + 30 * MIN];

    await stack.advanceTo(new Date(reached + MIN));
    const atL2 = await eventually(
      async () => {
        const s = await handle.query(stateQuery);
        return clockOf(s, 'level') ? s : null;
      },
      10_000,
      'the level clock',
    );
    // The clock warns from its earliest reminder.
    expect(clockOf(atL2, 'level')).toMatchObject({
      dueAt: new Date(due).toISOString(),
      warningAt: new Date(half).toISOString(),
    });

    await stack.advanceTo(new Date(due + 10 * MIN));
    const timeline = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        return e.some((x) => x.type === 'breached' && x.metric === 'level') ? e : null;
      },
      10_000,
      'the level breach',
    );
    const levelEvents = timeline.filter((e) => e.metric === 'level');
    expect(levelEvents.map((e) => [e.type, e.detail?.threshold])).toEqual([
      ['warning', 0.5],
      ['warning', 0.9],
      ['breached', undefined],
    ]);
    expect(Math.abs(levelEvents[0]!.at.getTime() - half)).toBeLessThan(1_000);
    expect(Math.abs(levelEvents[1]!.at.getTime() - ninety)).toBeLessThan(1_000);
    expect(Math.abs(levelEvents[2]!.at.getTime() - due)).toBeLessThan(1_000);

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
    const mails = await eventually(
      async () => {
        const all = await mailsFor(outbox(), intake.ticketId);
        return all.filter((m) => kindOf(m) === 'level_breach').length >= 2 ? all : null;
      },
      10_000,
      'the level breach mails',
    );
    const warnings = mails.filter((m) => kindOf(m) === 'level_warning');
    expect(warnings.map(toOf).sort()).toEqual(['l2@test.local', sam.email].sort());
    expect(warnings.find((m) => toOf(m) === sam.email)!.text).toContain('50 % of that time is used');
    expect(warnings.find((m) => toOf(m) === 'l2@test.local')!.text).toContain('90 % of that time is used');
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});

describe('breach actions', () => {
  it('raise the priority and assign once at the escalation, for agents only', async () => {
    // Normal: answered in 10, resolved in 120; high: resolved in 60. The breach at 10 minutes escalates to L2,
    // whose actions raise the ticket to high and give it to Sam.
    const policy = parsePolicyOverrides({
      targets: {
        normal: { firstResponseMinutes: 10, resolutionMinutes: 120 },
        high: { firstResponseMinutes: 10, resolutionMinutes: 60 },
      },
      escalation: [
        {
          level: 'L2',
          afterBreachMinutes: 0,
          actions: [{ type: 'raise_priority' }, { type: 'assign', agent: sam.id }],
        },
      ],
    });
    const { intake, handle, t0 } = await openTicket(policy);
    const breach = t0 + 10 * MIN;
    await stack.advanceTo(new Date(breach + MIN));
    const raised = await eventually(
      async () => {
        const s = await handle.query(stateQuery);
        return s.priority === 'high' ? s : null;
      },
      10_000,
      'the raised priority',
    );
    expect(raised.assignee).toBe(sam.id);
    // Re-timed from the escalation's instant as a priority change does: 10 of high's 60 minutes used, so due at
    // receipt + 60 minutes.
    expect(clockOf(raised, 'resolution')).toMatchObject({
      targetMinutes: 60,
      dueAt: new Date(t0 + 60 * MIN).toISOString(),
    });

    // The resolution's own breach escalates to L2 for its clock too: the actions have run already.
    await stack.advanceTo(new Date(t0 + 61 * MIN));
    const timeline = await timelineWith(
      intake.ticketId,
      (types) => types.filter((t) => t === 'breached').length >= 2,
      'the resolution breach',
    );
    const actions = timeline.filter((e) => e.type === 'breach_action');
    expect(actions.map((e) => [e.level, e.metric, e.detail])).toEqual([
      ['L2', 'first_response', { action: 'raise_priority', from: 'normal', to: 'high', changed: true }],
      ['L2', 'first_response', { action: 'assign', from: '', to: sam.id, changed: true }],
    ]);
    expect(Math.abs(actions[0]!.at.getTime() - breach)).toBeLessThan(1_000);
    expect(customerTimeline(timeline).map((e) => e.type)).not.toContain('breach_action');

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
    const mails = await eventually(
      async () => {
        const all = await mailsFor(outbox(), intake.ticketId);
        return all.some((m) => kindOf(m) === 'assigned') ? all : null;
      },
      10_000,
      'the assignment mail',
    );
    expect(mails.filter((m) => kindOf(m) === 'assigned').map(toOf)).toEqual([sam.email]);
    // The customer hears of neither action.
    expect(mails.filter((m) => toOf(m) === intake.customer.email).map(kindOf)).toEqual(['acknowledgement']);
    await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
    await expectReadableOutbox(outbox());
  });
});
