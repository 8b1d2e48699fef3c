import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { createPinnedTerms } from '../../desk/pinned-terms';
import { createSimulations } from '../../desk/sla-simulation';
import { createSlaRegistry } from '../../desk/sla-registry';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import { intakeFor } from '../support/intake';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';

/**
 * The example end to end on the time-skipping server: a high-priority ticket received as the Monday shift
 * opens (22:00 EST) is answered 3 business hours later by its workflow; the what-if over the store (its content,
 * timeline and projection, as the API reads them) under a first response of 2 business hours says it would have
 * breached, with both deadlines explained: Tuesday 06:00 (8 business hours, the shift's close) and 00:00 (2 hours).
 */

let stack: SkippingStack;
beforeAll(async () => {
  stack = await startSkippingStack();
});
afterAll(async () => {
  await stack?.close();
});

/** The next Monday 22:00 EST after `now`: the Monday shift opens. */
function nextMondayShift(now: number): Date {
  let t = DateTime.fromMillis(now, { zone: 'UTC-5' })
    .plus({ days: 1 })
    .set({ hour: 22, minute: 0, second: 0, millisecond: 0 });
  while (t.weekday !== 1) t = t.plus({ days: 1 });
  return t.toJSDate();
}

describe('a tighter first response over a ticket answered after 3 business hours', () => {
  it('flips it into a breach, both deadlines explained', async () => {
    const receivedAt = nextMondayShift(await stack.env.currentTimeMs());
    await stack.advanceTo(receivedAt);
    const intake = { ...intakeFor({ receivedAt, priority: 'high' }), calendar: SLA_CALENDAR, policy: DEFAULT_POLICY };
    const registry = createSlaRegistry({
      store: stack.store,
      seed: { calendar: SLA_CALENDAR, policy: DEFAULT_POLICY },
      now: () => receivedAt,
    });
    await registry.init();
    const pinned = { calendar: { id: 'default', version: 1 }, policy: { id: 'default', version: 1 } };
    await stack.store.tickets.save({
      id: intake.ticketId,
      subject: intake.subject,
      description: 'x',
      category: intake.category,
      priority: intake.priority,
      channel: intake.channel,
      customerId: intake.customer.id,
      customerEmail: intake.customer.email,
      receivedAt,
      slaVersion: 'default@1',
      pinned,
    });
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake: { ...intake, policy: { ...DEFAULT_POLICY, id: 'default', version: 1 } } }],
    });
    await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
    await stack.advanceTo(new Date(receivedAt.getTime() + 3 * 3_600_000));
    await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: 'sam', body: 'Here is the fix.' }] });
    await eventually(
      async () =>
        (await stack.store.slaEvents.forTicket(intake.ticketId)).some((e) => e.type === 'responded') ? true : null,
      10_000,
      'the response on the timeline',
    );

    const simulations = createSimulations({
      store: stack.store,
      pinnedTerms: createPinnedTerms({ store: stack.store, registry }),
      now: () => new Date(receivedAt.getTime() + 4 * 3_600_000),
    });
    const window = { from: new Date(receivedAt.getTime() - 60_000), to: new Date(receivedAt.getTime() + 60_000) };
    const check = await simulations.selfCheck(window.from, window.to);
    expect(check).toMatchObject({ checked: 1, mismatches: [], skipped: [] });

    const { result } = await simulations.run({
      ...window,
      policy: { targets: { high: { firstResponse: { minutes: 120, clock: 'business' } } } },
    });
    expect(result.changed).toHaveLength(1);
    const [ticket] = result.changed;
    expect(ticket).toMatchObject({ id: intake.ticketId, priority: 'high' });
    const [first] = ticket!.clocks;
    expect(first).toMatchObject({
      clock: 'first_response',
      current: { outcome: 'met', dueAt: new Date(receivedAt.getTime() + 8 * 3_600_000).toISOString() },
      proposed: { outcome: 'breached', dueAt: new Date(receivedAt.getTime() + 2 * 3_600_000).toISOString() },
    });
    expect(first!.current.explanation.join('\n')).toMatch(
      /Target:\s+480 business min[\s\S]*Deadline:\s+Tue \d{4}-\d\d-\d\d 06:00 UTC-5 .*\(at the close\)/,
    );
    expect(first!.proposed.explanation.join('\n')).toMatch(
      /Target:\s+120 business min[\s\S]*Deadline:\s+Tue \d{4}-\d\d-\d\d 00:00 UTC-5/,
    );
    const line = result.attainment.find((l) => l.clock === 'first_response' && l.priority === 'high')!;
    expect(line.current).toEqual({ met: 1, breached: 0, attainment: 1 });
    expect(line.proposed).toEqual({ met: 0, breached: 1, attainment: 0 });
  });
});
