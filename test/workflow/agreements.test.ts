import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarSpec } from '../../domain/calendar';
import type { AgreementScope, TicketTerms } from '../../domain/agreement';
import { parsePolicyOverrides } from '../../domain/policy';
import type { TicketIntake, TicketSnapshot } from '../../domain/ticket-sla';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import { recordHistory } from '../support/histories';
import { intakeFor } from '../support/intake';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';

/**
 * Two organizations' agreements on their own calendars. Every expected instant below is worked out by hand in its
 * comment (the calendar module is not asked), so a mistake in the business-time arithmetic cannot hide in both.
 */

let stack: SkippingStack;
beforeAll(async () => {
  stack = await startSkippingStack();
});
afterAll(async () => {
  await stack?.close();
});

/** New York: an overnight Saturday shift and a Monday day shift (the Saturday one spans the 2027-03-14 spring-forward). */
const NEW_YORK: CalendarSpec = {
  timezone: 'America/New_York',
  windows: [
    { day: 'saturday', open: '22:00', close: '06:00' },
    { day: 'monday', open: '09:00', close: '17:00' },
    { day: 'tuesday', open: '09:00', close: '17:00' },
  ],
  holidays: [],
};
/** UTC office hours, Monday to Friday 08:00–16:00, with the organization's own holiday on Monday 2027-03-15. */
const OFFICE: CalendarSpec = {
  timezone: 'UTC',
  windows: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
    day: day as 'monday',
    open: '08:00',
    close: '16:00',
  })),
  holidays: ['2027-03-15'],
};

const policy = (id: string) => ({
  ...parsePolicyOverrides({
    targets: { normal: { firstResponseMinutes: 8 * 60, resolutionMinutes: 16 * 60 } },
    reviewWindowMinutes: 8 * 60,
  }),
  id,
  version: 1,
});

function orgIntake(
  receivedAt: Date,
  org: {
    id: string;
    calendar: CalendarSpec;
    calendarId: string;
    scope?: Partial<AgreementScope>;
    contacts?: Record<string, string[]>;
  },
  category = 'bug',
): TicketIntake {
  const base = intakeFor({
    receivedAt,
    calendar: org.calendar,
    policy: policy(`${org.id}-policy`),
    category,
    priority: 'normal',
  });
  const terms: TicketTerms = {
    agreement: org.id,
    version: 1,
    calendar: { id: org.calendarId, version: 1 },
    scope: { training: false, customDevelopment: false, thirdParty: false, ...org.scope },
    ...(org.contacts ? { contacts: org.contacts } : {}),
  };
  return { ...base, organizationId: org.id, terms };
}

async function start(intake: TicketIntake) {
  return stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [{ intake }],
  });
}

const clockOf = (s: TicketSnapshot, metric: string) => s.clocks.find((c) => c.metric === metric)!;
/** An update runs a few milliseconds after the instant the test moved the server's clock to. */
const within1s = (actual: string | null | undefined, expected: string) =>
  expect(Math.abs(Date.parse(actual ?? '') - Date.parse(expected)), `${actual} ≈ ${expected}`).toBeLessThan(1_000);
const ORG_A = {
  id: 'org-aaaaaaaaaa',
  calendar: NEW_YORK,
  calendarId: 'new-york',
  contacts: { L2: ['acme-l2@example.com'] },
};
const ORG_B = { id: 'org-bbbbbbbbbb', calendar: OFFICE, calendarId: 'office', scope: { thirdParty: true } };

async function finish(handle: Awaited<ReturnType<typeof start>>, name: string) {
  await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
  await handle.result();
  await recordHistory(name, handle);
}

describe('two organizations, two calendars, one instant of receipt', () => {
  it("times each ticket on its own calendar (a DST change in one, a holiday in the other) and escalates to its organization's contacts", async () => {
    // Saturday 2027-03-13 20:00 EST = 2027-03-14T01:00Z, both tickets at once.
    const receivedAt = new Date('2027-03-14T01:00:00Z');
    await stack.advanceTo(receivedAt);
    const a = await start(orgIntake(receivedAt, ORG_A));
    const b = await start(orgIntake(receivedAt, ORG_B));
    const [sa, sb] = await Promise.all([a.query(stateQuery), b.query(stateQuery)]);

    // A, New York: the Saturday shift opens 22:00 EST (03:00Z) and closes Sunday 06:00 EDT (10:00Z): 7 real hours,
    // as the clocks spring forward at 02:00 EST (07:00Z). 8 business hours = those 7, then Monday 09:00 EDT (13:00Z) + 1 h.
    expect(clockOf(sa, 'first_response').dueAt).toBe('2027-03-15T14:00:00.000Z');
    // 75 % (6 h) falls inside the Saturday shift: 03:00Z + 6 h = 09:00Z (Sunday 05:00 EDT).
    expect(clockOf(sa, 'first_response').warningAt).toBe('2027-03-14T09:00:00.000Z');
    // 16 h: 7 (Saturday shift) + 8 (Monday 13:00–21:00Z) + 1 on Tuesday from 13:00Z.
    expect(clockOf(sa, 'resolution').dueAt).toBe('2027-03-16T14:00:00.000Z');
    expect(sa).toMatchObject({
      agreement: { id: ORG_A.id, version: 1 },
      calendar: { id: 'new-york', version: 1 },
      policy: { id: `${ORG_A.id}-policy` },
    });

    // B, UTC office hours: Sunday is closed, Monday the 15th is its holiday, so 8 h = Tuesday 08:00–16:00Z.
    expect(clockOf(sb, 'first_response').dueAt).toBe('2027-03-16T16:00:00.000Z');
    // 16 h: Tuesday and Wednesday.
    expect(clockOf(sb, 'resolution').dueAt).toBe('2027-03-17T16:00:00.000Z');
    expect(sb.calendar).toEqual({ id: 'office', version: 1 });

    // Sleep past both first-response deadlines: each breaches at its own instant and escalates to L2.
    await stack.advanceTo(new Date('2027-03-16T16:00:01Z'));
    const breachOf = async (id: string) =>
      eventually(
        async () =>
          (await stack.store.slaEvents.forTicket(id)).find((e) => e.type === 'escalated' && e.level === 'L2') ?? null,
        20_000,
        'the L2 escalation',
      );
    const [ea, eb] = await Promise.all([breachOf(a.workflowId.slice(7)), breachOf(b.workflowId.slice(7))]);
    expect(Math.abs(ea.at.getTime() - Date.parse('2027-03-15T14:00:00Z'))).toBeLessThan(1_000);
    expect(Math.abs(eb.at.getTime() - Date.parse('2027-03-16T16:00:00Z'))).toBeLessThan(1_000);

    // A names its own L2 contact; B names none, so the desk's L2 hears of it. L1's warnings go to the desk's agents.
    const mail = async (id: string, kind: string) =>
      eventually(
        async () =>
          (await stack.store.notifications.forTicket(id)).find((n) => n.kind === kind && n.status === 'sent') ?? null,
        20_000,
        `the ${kind} mail`,
      );
    expect((await mail(a.workflowId.slice(7), 'escalation')).to).toEqual(['acme-l2@example.com']);
    expect((await mail(b.workflowId.slice(7), 'escalation')).to).toEqual(['l2@test.local']);
    expect((await mail(a.workflowId.slice(7), 'warning')).to).toEqual(['agents@test.local']);

    await finish(a, 'agreements new york across dst');
    await finish(b, 'agreements office with own holiday');
  });
});

describe('reclassification under an agreement', () => {
  it('into an out-of-scope category pauses the clocks for the review; out of it they resume without the review time', async () => {
    // Monday 2027-03-22 09:00Z, office hours (08:00–16:00Z).
    const receivedAt = new Date('2027-03-22T09:00:00Z');
    await stack.advanceTo(receivedAt);
    const intake = orgIntake(receivedAt, ORG_B);
    const handle = await start(intake);
    // 8 h: Monday 09:00–16:00 (7) + Tuesday 08:00–09:00.
    expect(clockOf(await handle.query(stateQuery), 'first_response').dueAt).toBe('2027-03-23T09:00:00.000Z');

    // Third-party products are in B's scope: no review.
    await stack.advanceTo(new Date('2027-03-22T10:00:00Z'));
    const third = await handle.executeUpdate(agentActionUpdate, {
      args: ['reclassify', { category: 'third-party', reason: 'their CRM plugin', agent: 'Sam' }],
    });
    expect(third.awaitingScopeReview).toBe(false);

    // Training is not: at Monday 12:00Z (3 business hours used) the review starts: 8 h → Monday 12–16 (4) + Tuesday 08–12.
    await stack.advanceTo(new Date('2027-03-22T12:00:00Z'));
    const into = await handle.executeUpdate(agentActionUpdate, {
      args: ['reclassify', { category: 'training', reason: 'wants a course', agent: 'Sam' }],
    });
    expect(into).toMatchObject({ category: 'training', awaitingScopeReview: true });
    within1s(into.scopeReviewDueAt, '2027-03-23T12:00:00Z');
    expect(into.clocks.every((c) => c.paused)).toBe(true);

    // Tuesday 09:30Z, past the original first-response due time (09:00Z): nothing breached under review. Not 10:00Z:
    // the review's 75 % warning fires then (6 of its 8 h), and the time-skipping test server refuses a completion that
    // cancels a timer whose firing it queued while the task ran (sdk-java #2606, #3088), then never hands the task out
    // again. The real server drops the queued firing.
    await stack.advanceTo(new Date('2027-03-23T09:30:00Z'));
    const back = await handle.executeUpdate(agentActionUpdate, {
      args: ['reclassify', { category: 'question', reason: 'a how-to question', agent: 'Sam' }],
    });
    expect(back.awaitingScopeReview).toBe(false);
    // 3 h used before the review, 5 left: Tuesday 09:30–14:30Z.
    expect(clockOf(back, 'first_response').paused).toBe(false);
    within1s(clockOf(back, 'first_response').dueAt, '2027-03-23T14:30:00Z');
    // Resolution: 16 h, 3 used, 13 left: Tuesday 09:30–16:00 (6.5) + Wednesday 08:00–14:30 (6.5).
    within1s(clockOf(back, 'resolution').dueAt, '2027-03-24T14:30:00Z');

    const events = await eventually(
      async () => {
        const e = await stack.store.slaEvents.forTicket(intake.ticketId);
        return e.filter((x) => x.type === 'reclassified').length === 3 ? e : null;
      },
      15_000,
      'three reclassifications',
    );
    expect(
      events.filter((e) => e.type === 'reclassified').map((e) => [e.detail?.from, e.detail?.to, e.detail?.reason]),
    ).toEqual([
      ['bug', 'third-party', 'their CRM plugin'],
      ['third-party', 'training', 'wants a course'],
      ['training', 'question', 'a how-to question'],
    ]);
    expect(events.filter((e) => e.type === 'breached' || e.type === 'warning')).toEqual([]);
    const mails = await eventually(
      async () => {
        const n = await stack.store.notifications.forTicket(intake.ticketId);
        return n.some((m) => m.kind === 'scope_accepted') ? n : null;
      },
      15_000,
      'the back-in-scope mail',
    );
    expect(mails.filter((m) => m.kind === 'out_of_scope').map((m) => m._id)).toEqual([
      `${intake.ticketId}:out_of_scope:1`,
    ]);
    await finish(handle, 'agreements reclassify into and out of scope');
  });

  it('closes the ticket as out of scope when the review started by a reclassification ends unanswered', async () => {
    // Wednesday 2027-03-24 09:00Z; reclassified at 10:00Z; review 8 h: Wednesday 10–16 (6) + Thursday 08–10.
    const receivedAt = new Date('2027-03-24T09:00:00Z');
    await stack.advanceTo(receivedAt);
    const handle = await start(orgIntake(receivedAt, ORG_B));
    await stack.advanceTo(new Date('2027-03-24T10:00:00Z'));
    const into = await handle.executeUpdate(agentActionUpdate, {
      args: ['reclassify', { category: 'custom-development', agent: 'Sam' }],
    });
    within1s(into.scopeReviewDueAt, '2027-03-25T10:00:00Z');
    await stack.advanceTo(new Date('2027-03-25T10:00:01Z'));
    const result = await handle.result();
    expect(result.status).toBe('out_of_scope');
    expect(result.clocks.every((c) => c.stopped)).toBe(true);
    await recordHistory('agreements reclassified review expires', handle);
  });
});
