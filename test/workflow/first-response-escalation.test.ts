import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar, SLA_CALENDAR } from '../../domain/calendar';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import { intakeFor } from '../support/intake';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { recordHistory } from '../support/histories';
import { eventually } from '../support/wait';

let stack: SkippingStack;
beforeAll(async () => {
  stack = await startSkippingStack();
});
afterAll(async () => {
  await stack?.close();
});

const EST = 'UTC-5';

/** The next Thursday 07:00 EST after `now`: support is closed then, the SLA's own example. */
function nextThursdaySevenAm(now: number): Date {
  let t = DateTime.fromMillis(now, { zone: EST })
    .plus({ days: 1 })
    .set({ hour: 7, minute: 0, second: 0, millisecond: 0 });
  while (t.weekday !== 4) t = t.plus({ days: 1 });
  return t.toJSDate();
}
const est = (t: Date) => DateTime.fromJSDate(t, { zone: EST }).toFormat('ccc HH:mm');

describe('a ticket received Thursday 07:00 EST on a public holiday, never answered', () => {
  it('warns after 18 business hours, breaches and escalates to L2 at Wednesday 06:00, then management', async () => {
    const receivedAt = nextThursdaySevenAm(await stack.env.currentTimeMs());
    await stack.advanceTo(receivedAt);
    // The holiday closes the shift that opens that Thursday at 22:00: Sun, Mon, Tue shifts → Wed 06:00.
    const holiday = DateTime.fromJSDate(receivedAt, { zone: EST }).toISODate()!;
    const calendar = { ...SLA_CALENDAR, holidays: [holiday] };
    const cal = createCalendar(calendar);
    const intake = intakeFor({ receivedAt, priority: 'normal', calendar });
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });

    const first = (await handle.query(stateQuery)).clocks.find((c) => c.metric === 'first_response')!;
    const due = new Date(first.dueAt!);
    expect(est(due)).toBe('Wed 06:00');
    expect(due.getTime() - receivedAt.getTime()).toBe((6 * 24 - 1) * 3600_000); // Thu 07:00 → Wed 06:00
    expect(est(new Date(first.warningAt!))).toBe('Wed 00:00'); // 18 of 24 business hours

    // Sleep through six days of timers, past the management escalation the next shift.
    const management = cal.deadline(due, 8 * 60);
    expect(est(management)).toBe('Thu 06:00');
    await stack.advanceTo(new Date(management.getTime() + 1_000));

    const events = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        return e.some((x) => x.type === 'escalated' && x.level === 'management') ? e : null;
      },
      20_000,
      'the management escalation',
    );
    const of = (type: string, level?: string) => events.filter((e) => e.type === type && (!level || e.level === level));

    expect(of('received')).toHaveLength(1);
    expect(of('acknowledged')).toHaveLength(1);
    const [warning] = of('warning');
    expect(warning!.metric).toBe('first_response');
    expect(est(warning!.at)).toBe('Wed 00:00');
    const [breach] = of('breached');
    expect(breach!.metric).toBe('first_response');
    expect(breach!.dueAt!.toISOString()).toBe(due.toISOString());
    expect(Math.abs(breach!.at.getTime() - due.getTime())).toBeLessThan(1_000);
    const [l2] = of('escalated', 'L2');
    expect(Math.abs(l2!.at.getTime() - due.getTime())).toBeLessThan(1_000);
    const [mgmt] = of('escalated', 'management');
    expect(Math.abs(mgmt!.at.getTime() - management.getTime())).toBeLessThan(1_000);
    expect(events.map((e) => e.at.getTime())).toEqual([...events.map((e) => e.at.getTime())].sort((a, b) => a - b));

    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ status: 'acknowledged', escalationLevel: 'management', slaState: 'breached' });
    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    await handle.result();
    await recordHistory('breach and escalation ladder', handle);

    const sent = await eventually(
      async () => {
        const n = await stack.store.notifications.forTicket(intake.ticketId);
        return n.length >= 6 ? n : null;
      },
      20_000,
      'all notifications',
    );
    // The resolution clock (40 business hours) also passed its 75 % mark, Thu 04:00, before management.
    expect(sent.map((n) => n.kind).sort()).toEqual([
      'acknowledgement',
      'breach',
      'escalation',
      'escalation',
      'warning',
      'warning',
    ]);
    expect(
      of('warning')
        .map((w) => w.metric)
        .sort(),
    ).toEqual(['first_response', 'resolution']);
    expect(sent.every((n) => n.status === 'sent')).toBe(true);
    expect(sent.find((n) => n.kind === 'escalation' && n.to.includes('mgmt@test.local'))).toBeTruthy();
  });
});

describe('a ticket received on an ordinary Thursday 07:00 EST', () => {
  it("counts that night's shift: first response due Tuesday 06:00 EST", async () => {
    const receivedAt = nextThursdaySevenAm(await stack.env.currentTimeMs());
    await stack.advanceTo(receivedAt);
    const intake = intakeFor({ receivedAt });
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });
    const first = (await handle.query(stateQuery)).clocks.find((c) => c.metric === 'first_response')!;
    expect(est(new Date(first.dueAt!))).toBe('Tue 06:00');
    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
    expect((await handle.result()).status).toBe('closed');
  });
});
