import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar, SLA_CALENDAR } from '../../domain/calendar';
import {
  agentActionUpdate,
  liveSessionRequestSignal,
  liveSessionUpdate,
  stateQuery,
  ticketWorkflow,
} from '../../workflows/ticket';
import { recordHistory } from '../support/histories';
import { intakeFor } from '../support/intake';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
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
const cal = createCalendar(SLA_CALENDAR);

describe('live support sessions', () => {
  it('books only inside support hours, counts as a response, reminds on time and records the outcome', async () => {
    const receivedAt = new Date(await stack.env.currentTimeMs());
    const intake = intakeFor({ receivedAt, priority: 'high' });
    const handle = await stack.env.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake }],
    });
    await eventually(async () => (await handle.query(stateQuery)).status === 'acknowledged', 10_000, 'acknowledgement');

    await handle.signal(liveSessionRequestSignal, { tool: 'google-meet', preferredTimes: ['evenings EST'] });
    await eventually(async () => (await handle.query(stateQuery)).live?.status === 'requested', 10_000, 'the request');

    // The next whole shift (after the one open now, if any), whatever the day and hour: an hour after it opens is
    // bookable.
    const shiftOpens = cal.nextOpen(cal.nextClose(cal.nextOpen(receivedAt)));
    const closed = new Date(cal.nextClose(shiftOpens).getTime() + 60 * MIN);
    const booking = (startsAt: Date, durationMinutes = 30) => ({
      action: 'confirm' as const,
      booking: {
        startsAt: startsAt.toISOString(),
        durationMinutes,
        link: 'https://meet.example/abc-defg',
        agent: 'sam',
      },
    });

    expect(await refusal(handle.executeUpdate(liveSessionUpdate, { args: [booking(closed)] }))).toMatch(
      /outside support hours; the next opening is .* 22:00 EST/,
    );
    const lastHalfHour = new Date(cal.nextClose(shiftOpens).getTime() - 30 * MIN);
    expect(await refusal(handle.executeUpdate(liveSessionUpdate, { args: [booking(lastHalfHour, 60)] }))).toMatch(
      /would run past the close of support at .* 06:00 EST/,
    );
    expect(
      await refusal(handle.executeUpdate(liveSessionUpdate, { args: [{ action: 'outcome', outcome: 'held' }] })),
    ).toMatch(/only a confirmed session/);

    const startsAt = new Date(shiftOpens.getTime() + 60 * MIN);
    const confirmed = await handle.executeUpdate(liveSessionUpdate, { args: [booking(startsAt)] });
    expect(confirmed.live).toMatchObject({
      status: 'confirmed',
      tool: 'google-meet',
      startsAt: startsAt.toISOString(),
    });
    expect(confirmed.status).toBe('open');
    expect(confirmed.clocks.find((c) => c.metric === 'first_response')!.stopped).toBe(true);

    await stack.advanceTo(new Date(startsAt.getTime() + MIN));
    const events = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        const reminded = e.filter((x) => x.type === 'live_session' && x.detail?.status === 'reminded');
        return reminded.length === 2 ? reminded : null;
      },
      15_000,
      'two reminders',
    );
    expect(events.map((e) => e.detail!.minutesBefore)).toEqual([60, 10]);
    expect(Math.abs(events[0]!.at.getTime() - (startsAt.getTime() - 60 * MIN))).toBeLessThan(1_000);
    expect(Math.abs(events[1]!.at.getTime() - (startsAt.getTime() - 10 * MIN))).toBeLessThan(1_000);

    const mails = await eventually(
      async () => {
        const m = await stack.store.notifications.forTicket(intake.ticketId);
        return m.filter((x) => x.kind === 'live_reminder').length === 4 ? m : null;
      },
      15_000,
      'four reminder mails',
    );
    expect(mails.filter((m) => m.kind === 'live_confirmed')).toHaveLength(1);
    expect(
      mails
        .filter((m) => m.kind === 'live_reminder')
        .map((m) => m.to[0])
        .sort(),
    ).toEqual(['agents@test.local', 'agents@test.local', intake.customer.email, intake.customer.email].sort());

    const held = await handle.executeUpdate(liveSessionUpdate, {
      args: [{ action: 'outcome', outcome: 'held', notes: 'Reset the SSO config together' }],
    });
    expect(held.live).toMatchObject({ status: 'held', outcome: 'Reset the SSO config together' });

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'sam' }] });
    expect((await handle.result()).status).toBe('closed');
    await recordHistory('live session booked reminded held', handle);
  });
});
