import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, SLA_CALENDAR } from '../../domain/calendar';
import {
  agentActionUpdate,
  customerReplySignal,
  stateQuery,
  ticketWorkflow,
  type TicketWorkflowInput,
} from '../../workflows/ticket';
import { parsePolicyOverrides } from '../../domain/policy';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { recordHistory } from '../support/histories';
import { refusal } from '../support/updates';
import { eventually } from '../support/wait';

let stack: SkippingStack;
beforeAll(async () => {
  stack = await startSkippingStack();
});
afterAll(async () => {
  await stack?.close();
});

const MIN = 60_000;
const HOUR = 60 * MIN;
const clockOf = (s: TicketSnapshot, metric: string) => s.clocks.find((c) => c.metric === metric)!;
const dueOf = (s: TicketSnapshot, metric: string) => new Date(clockOf(s, metric).dueAt!).getTime();

async function start(input: TicketWorkflowInput) {
  return stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${input.intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [input],
  });
}

/** A ticket on a 24/7 calendar received at the test server's current time, so business time is wall time. */
async function startAlwaysOpen(opts: Parameters<typeof intakeFor>[0] extends infer O ? Partial<O> : never = {}) {
  const receivedAt = new Date(await stack.env.currentTimeMs());
  const intake = intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, ...opts });
  const handle = await start({ intake });
  await eventually(async () => (await handle.query(stateQuery)).status === 'acknowledged', 10_000, 'acknowledgement');
  return { intake, handle, t0: receivedAt.getTime() };
}

/**
 * Ends a scenario through the product's own close action. (Terminating instead can leave the
 * time-skipping test server locked when a workflow task is in flight.)
 */
async function finish(handle: Awaited<ReturnType<typeof start>>) {
  await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
  expect((await handle.result()).status).toBe('closed');
  await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
}

async function events(ticketId: string, until: (e: { type: string }[]) => boolean) {
  return eventually(
    async () => {
      const e = await stack.store.slaEvents.forTicket(ticketId);
      return until(e) ? e : null;
    },
    15_000,
    'timeline events',
  );
}

describe('waiting on the customer', () => {
  it('pauses resolution by exactly the paused business time', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ priority: 'normal' });
    const before = dueOf(await handle.query(stateQuery), 'resolution');
    expect(before - t0).toBe(40 * HOUR);

    await stack.advanceTo(new Date(t0 + HOUR));
    await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: 'sam', body: 'Which browser?' }] });
    const paused = await handle.executeUpdate(agentActionUpdate, {
      args: ['pending', { agent: 'sam', reason: 'Please send the browser version.', messageId: 'M-pending-1' }],
    });
    expect(paused.status).toBe('pending_customer');
    expect(clockOf(paused, 'resolution')).toMatchObject({ paused: true, dueAt: null });
    const pausedAt = await stack.env.currentTimeMs();

    await stack.advanceTo(new Date(pausedAt + 3 * HOUR));
    await handle.signal(customerReplySignal, { messageId: 'm-1' });
    const resumed = await eventually(
      async () => {
        const s = await handle.query(stateQuery);
        return s.status === 'open' ? s : null;
      },
      10_000,
      'the customer reply',
    );
    const resumedAt = await stack.env.currentTimeMs();
    const pausedFor = resumedAt - pausedAt;
    expect(Math.abs(dueOf(resumed, 'resolution') - (before + pausedFor))).toBeLessThan(1_000);
    expect(pausedFor).toBeGreaterThanOrEqual(3 * HOUR);

    const timeline = await events(intake.ticketId, (e) => e.some((x) => x.type === 'resumed'));
    expect(timeline.filter((e) => e.type === 'paused')).toHaveLength(1);
    expect(timeline.filter((e) => e.type === 'responded').map((e) => e.metric)).toEqual(['first_response']);
    // The agent had replied, so the customer's message starts a next-response clock.
    expect(clockOf(resumed, 'next_response')).toMatchObject({ stopped: false, cycle: 1 });
    // What the customer was asked for went to them, keyed by its thread message.
    const asked = await eventually(
      async () =>
        (await stack.store.notifications.forTicket(intake.ticketId)).find((n) => n.kind === 'awaiting_customer') ??
        null,
      10_000,
      'the pending mail',
    );
    expect(asked).toMatchObject({
      _id: `${intake.ticketId}:awaiting_customer:M-pending-1`,
      to: [intake.customer.email],
      status: 'sent',
    });
    await finish(handle);
  });
});

describe('a priority change mid-ticket', () => {
  it('recomputes every deadline keeping the business time already used', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ priority: 'low' });
    await stack.advanceTo(new Date(t0 + 2 * HOUR));
    const changed = await handle.executeUpdate(agentActionUpdate, {
      args: ['priority', { priority: 'urgent', agent: 'sam' }],
    });
    expect(changed.priority).toBe('urgent');
    // urgent resolution is 8 business hours; 2 are used, so 6 remain.
    expect(Math.abs(dueOf(changed, 'resolution') - (t0 + 8 * HOUR))).toBeLessThan(1_000);
    expect(clockOf(changed, 'resolution').targetMinutes).toBe(8 * 60);
    expect(Math.abs(clockOf(changed, 'resolution').usedMinutes - 120)).toBeLessThan(1);
    const timeline = await events(intake.ticketId, (e) => e.some((x) => x.type === 'priority_changed'));
    expect(timeline.find((e) => e.type === 'priority_changed')!.detail).toMatchObject({ from: 'low', to: 'urgent' });
    await finish(handle);
  });
});

describe('out-of-scope categories', () => {
  for (const category of ['training', 'custom-development', 'third-party']) {
    it(`closes a ${category} ticket as out_of_scope after the review window, telling the customer why`, async () => {
      const { intake, handle, t0 } = await startAlwaysOpen({ category });
      const s = await handle.query(stateQuery);
      expect(s).toMatchObject({ awaitingScopeReview: true, clocks: [] });
      await stack.advanceTo(new Date(t0 + 8 * HOUR + 1_000));
      const result = await handle.result();
      expect(result.status).toBe('out_of_scope');
      await recordHistory(`out of scope ${category}`, handle);
      const timeline = await events(intake.ticketId, (e) => e.some((x) => x.type === 'out_of_scope'));
      expect(timeline.map((e) => e.type)).toEqual(['received', 'acknowledged', 'out_of_scope']);
      const mails = await stack.store.notifications.forTicket(intake.ticketId);
      // Told at receipt, and reminded before the review closes it (nobody is assigned to hear of it).
      expect(mails.map((m) => m.kind).sort()).toEqual(['out_of_scope', 'scope_review_reminder']);
    });
  }

  it('treats training as in scope when the customer agreement includes it', async () => {
    const { handle } = await startAlwaysOpen({ category: 'training', trainingIncluded: true });
    const s = await handle.query(stateQuery);
    expect(s.awaitingScopeReview).toBe(false);
    expect(s.clocks.map((c) => c.metric)).toEqual(['first_response', 'resolution']);
    await finish(handle);
  });

  it('starts the clocks when an agent accepts the ticket within the review window', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ category: 'custom-development' });
    await stack.advanceTo(new Date(t0 + HOUR));
    const accepted = await handle.executeUpdate(agentActionUpdate, { args: ['accept', { agent: 'sam' }] });
    expect(accepted.awaitingScopeReview).toBe(false);
    const acceptedAt = await stack.env.currentTimeMs();
    expect(Math.abs(dueOf(accepted, 'first_response') - (acceptedAt + 24 * HOUR))).toBeLessThan(1_000);
    // Past the review window the ticket stays open.
    await stack.advanceTo(new Date(t0 + 9 * HOUR));
    expect((await handle.query(stateQuery)).status).toBe('acknowledged');
    const mails = await eventually(
      async () => {
        const m = await stack.store.notifications.forTicket(intake.ticketId);
        return m.some((x) => x.kind === 'scope_accepted') ? m : null;
      },
      10_000,
      'the acceptance mail',
    );
    expect(mails.map((m) => m.kind)).toEqual(['out_of_scope', 'scope_accepted']);
    await finish(handle);
  });
});

describe('resolution and closure', () => {
  it('closes a resolved ticket after the quiet period, and a customer reply before that reopens it', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ priority: 'high' });
    await stack.advanceTo(new Date(t0 + HOUR));
    const resolved = await handle.executeUpdate(agentActionUpdate, {
      args: ['resolve', { agent: 'sam', body: 'Fixed in 2.3.1' }],
    });
    expect(resolved.status).toBe('resolved');
    expect(clockOf(resolved, 'resolution').stopped).toBe(true);

    // The customer answers a day later: the ticket reopens and the resolution clock resumes.
    await stack.advanceTo(new Date(t0 + 25 * HOUR));
    await handle.signal(customerReplySignal, { messageId: 'still-broken' });
    const reopened = await eventually(
      async () => {
        const s = await handle.query(stateQuery);
        return s.status === 'open' ? s : null;
      },
      10_000,
      'the reopening',
    );
    expect(clockOf(reopened, 'resolution').stopped).toBe(false);

    const again = await handle.executeUpdate(agentActionUpdate, { args: ['resolve', { agent: 'sam' }] });
    const resolvedAt = await stack.env.currentTimeMs();
    expect(again.status).toBe('resolved');
    // 40 business hours of quiet on a 24/7 calendar.
    await stack.advanceTo(new Date(resolvedAt + 40 * HOUR + 1_000));
    const final = await handle.result();
    expect(final.status).toBe('closed');
    await recordHistory('resolve auto-close reopen', handle);
    const timeline = await events(intake.ticketId, (e) => e.some((x) => x.type === 'closed'));
    expect(timeline.map((e) => e.type).filter((t) => ['resolved', 'reopened', 'closed'].includes(t))).toEqual([
      'resolved',
      'reopened',
      'resolved',
      'closed',
    ]);
    const mails = await eventually(
      async () => {
        const m = await stack.store.notifications.forTicket(intake.ticketId);
        return m.some((x) => x.kind === 'auto_close') ? m : null;
      },
      10_000,
      'the auto-close notice',
    );
    expect(mails.filter((m) => m.kind === 'resolution')).toHaveLength(2);
  });
});

describe('agent updates', () => {
  it('rejects an invalid transition before it reaches the history', async () => {
    const { handle } = await startAlwaysOpen();
    expect(await refusal(handle.executeUpdate(agentActionUpdate, { args: ['reopen', { agent: 'sam' }] }))).toMatch(
      /cannot reopen a ticket that is acknowledged/,
    );
    expect(
      await refusal(handle.executeUpdate(agentActionUpdate, { args: ['priority', { priority: 'normal' }] })),
    ).toMatch(/already normal/);
    expect(await refusal(handle.executeUpdate(agentActionUpdate, { args: ['accept', {}] }))).toMatch(
      /not awaiting a scope review/,
    );
    const history = (await handle.fetchHistory()).events!;
    const updateEvents = history.filter(
      (e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes ||
        e.workflowExecutionUpdateAdmittedEventAttributes ||
        e.workflowExecutionUpdateCompletedEventAttributes ||
        e.workflowExecutionUpdateRejectedEventAttributes,
    );
    expect(updateEvents).toEqual([]);
    expect((await handle.query(stateQuery)).status).toBe('acknowledged');
    await finish(handle);
  });

  it('escalates by hand up the ladder, and refuses past the top', async () => {
    const { intake, handle } = await startAlwaysOpen();
    expect(
      (await handle.executeUpdate(agentActionUpdate, { args: ['escalate', { agent: 'sam', reason: 'VIP' }] }))
        .escalationLevel,
    ).toBe('L2');
    expect(
      (await handle.executeUpdate(agentActionUpdate, { args: ['escalate', { agent: 'sam' }] })).escalationLevel,
    ).toBe('management');
    expect(await refusal(handle.executeUpdate(agentActionUpdate, { args: ['escalate', { agent: 'sam' }] }))).toMatch(
      /top escalation level/,
    );
    const mails = await eventually(
      async () => {
        const m = await stack.store.notifications.forTicket(intake.ticketId);
        return m.filter((x) => x.kind === 'escalation').length === 2 ? m : null;
      },
      10_000,
      'two escalation mails',
    );
    expect(mails.filter((m) => m.kind === 'escalation').map((m) => m.to)).toEqual([
      ['l2@test.local'],
      ['mgmt@test.local'],
    ]);
    await finish(handle);
  });
});

describe('one escalation per level', () => {
  it('a resolution breach on a ticket already at L2 notifies L2 of the breach, not of a second escalation', async () => {
    const policy = parsePolicyOverrides({
      targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 120 } },
      escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
    });
    const { intake, handle, t0 } = await startAlwaysOpen({ policy });
    await stack.advanceTo(new Date(t0 + 121 * MIN));
    const timeline = await events(intake.ticketId, (e) => e.filter((x) => x.type === 'breached').length === 2);
    const mails = await eventually(
      async () => {
        const m = await stack.store.notifications.forTicket(intake.ticketId);
        return m.filter((x) => x.kind === 'breach').length === 2 ? m : null;
      },
      10_000,
      'both breach notices',
    );
    expect(timeline.filter((e) => e.type === 'escalated').map((e) => [e.metric, e.level])).toEqual([
      ['first_response', 'L2'],
    ]);
    expect(mails.filter((m) => m.kind === 'escalation').map((m) => m.to)).toEqual([['l2@test.local']]);
    expect(
      mails
        .filter((m) => m.kind === 'breach')
        .map((m) => m.to.join())
        .sort(),
    ).toEqual(['agents@test.local', 'l2@test.local']);
    await finish(handle);
  });
});

describe('duplicates', () => {
  it('counts a customer message signalled twice once', async () => {
    const { intake, handle } = await startAlwaysOpen();
    await handle.executeUpdate(agentActionUpdate, {
      args: ['reply', { agent: 'sam', body: 'Hello', messageId: 'a1' }],
    });
    await handle.signal(customerReplySignal, { messageId: 'c1' });
    await handle.signal(customerReplySignal, { messageId: 'c1' });
    const s = await eventually(
      async () => {
        const x = await handle.query(stateQuery);
        return clockOf(x, 'next_response') ? x : null;
      },
      10_000,
      'the next-response clock',
    );
    expect(clockOf(s, 'next_response').cycle).toBe(1);
    const replies = await eventually(
      async () => {
        const m = await stack.store.notifications.forTicket(intake.ticketId);
        return m.some((x) => x.kind === 'agent_reply') ? m : null;
      },
      10_000,
      'the agent reply mail',
    );
    expect(replies.filter((m) => m.kind === 'agent_reply')).toHaveLength(1);
    await finish(handle);
  });
});

describe('long-lived tickets', () => {
  it('continue as new carrying every clock, and keep answering', async () => {
    const receivedAt = new Date(await stack.env.currentTimeMs());
    const intake = intakeFor({ receivedAt, calendar: SLA_CALENDAR, priority: 'high' });
    const handle = await start({ intake, continueAsNewAfter: 30 });
    const firstRunId = (await handle.describe()).runId;
    const before = await handle.query(stateQuery);
    for (const agent of ['a', 'b', 'c', 'd', 'e', 'f']) {
      await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent }] });
    }
    await eventually(async () => (await handle.describe()).runId !== firstRunId, 15_000, 'continue-as-new');
    const after = await handle.query(stateQuery);
    expect(after.assignee).toBe('f');
    expect(after.clocks.map((c) => [c.metric, c.dueAt, c.targetMinutes])).toEqual(
      before.clocks.map((c) => [c.metric, c.dueAt, c.targetMinutes]),
    );
    expect(after.receivedAt).toBe(before.receivedAt);
    const replied = await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: 'f' }] });
    expect(clockOf(replied, 'first_response').stopped).toBe(true);
    await finish(handle);
  });
});
