import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import type { TicketIntake } from '../../domain/ticket-sla';
import {
  agentActionUpdate,
  customerReplyUpdate,
  liveSessionRequestUpdate,
  liveSessionUpdate,
  stateQuery,
  ticketWorkflow,
} from '../../workflows/ticket';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { startTcpGate, type TcpGate } from '../support/tcp-gate';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { workflowBundle } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Tickets outlive deploys. Build N parks tickets at each of the workflow's waits (a warning timer, after a breach with
 * the next level's timer armed, paused waiting on the customer, in a scope review, due to continue as new); build N+1,
 * whose ticket workflow changed behind a patch (test/support/builds/next.ts), takes over and every timer fires on it:
 * each notice is mailed once, no timeline event comes twice, and no workflow task fails. Then the two checks the README
 * asks for before a rollback and before retiring the patch, each a replay of the open tickets' own histories:
 * rolling back to N would break exactly the tickets N+1 started; the patch's `deprecatePatch` build N+2 would break
 * exactly the ones started before N+1, and ships once they are closed.
 */

const HOUR = 3_600_000;
const builds = {
  next: fileURLToPath(new URL('../support/builds/next.ts', import.meta.url)),
  deprecated: fileURLToPath(new URL('../support/builds/deprecated.ts', import.meta.url)),
};
const EventType = temporal.api.enums.v1.EventType;
type Handle = WorkflowHandle<typeof ticketWorkflow>;
type Build = NonNullable<WorkerOptions['workflowBundle']>;
interface Parked {
  name: string;
  intake: TicketIntake;
  handle: Handle;
}

let stack: SkippingStack;
let current: Build;
let next: Build;
let deprecated: Build;
let smtp: TcpGate;
const parked: Parked[] = [];

beforeAll(async () => {
  smtp = await startTcpGate(inject('smtpUrl'));
  // No workflow cache, so no sticky queue: the time-skipping server keeps a stopped worker's sticky queue (the real
  // server lets go of it when the worker shuts down) and would hold each woken ticket's task there.
  stack = await startSkippingStack({ workerTuning: { maxCachedWorkflows: 0 }, smtpUrl: smtp.url });
  const bundle = (workflowsPath: string) => bundleWorkflowCode({ workflowsPath, logger: silentBundler });
  [next, deprecated] = await Promise.all([bundle(builds.next), bundle(builds.deprecated)]);
  current = await workflowBundle();
}, 180_000);
afterAll(async () => {
  smtp?.open();
  await stack?.close();
  await smtp?.close();
});

const silentBundler = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
const now = async () => new Date(await stack.env.currentTimeMs());
const advance = async (ms: number) => stack.advanceTo(new Date((await now()).getTime() + ms));

async function open(name: string, opts: { continueAsNewAfter?: number; workflowTaskTimeout?: string } = {}) {
  const intake = intakeFor({ receivedAt: await now(), calendar: ALWAYS_OPEN_CALENDAR, priority: 'high' });
  const handle = await stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [{ intake, ...(opts.continueAsNewAfter ? { continueAsNewAfter: opts.continueAsNewAfter } : {}) }],
    ...(opts.workflowTaskTimeout ? { workflowTaskTimeout: opts.workflowTaskTimeout } : {}),
  });
  await eventually(async () => (await handle.query(stateQuery)).status === 'acknowledged', 15_000, `${name}: receipt`);
  const ticket: Parked = { name, intake, handle };
  parked.push(ticket);
  return ticket;
}

/** Every run of the ticket, oldest first (a continued ticket has several). */
async function runsOf(t: Parked) {
  const runs: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined = (await stack.env.client.workflow.getHandle(t.handle.workflowId).describe()).runId;
  // The latest run's first event names the run it continued from.
  while (runId) {
    const history = await stack.env.client.workflow.getHandle(t.handle.workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

const hasMarker = (history: temporal.api.history.v1.IHistory) => {
  return (history.events ?? []).some(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED &&
      Buffer.from(e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? []).includes(
        'upgrade-drill',
      ),
  );
};

/** The build's replay of each open ticket's latest run: the names of those it would fail. */
async function wouldBreak(build: Build, tickets: Parked[]): Promise<string[]> {
  const failed: string[] = [];
  for (const t of tickets) {
    const history = (await runsOf(t)).at(-1)!;
    try {
      await Worker.runReplayHistory({ workflowBundle: build }, history, t.handle.workflowId);
    } catch (err) {
      expect(String(err)).toMatch(/nondetermin|patch/i);
      failed.push(t.name);
    }
  }
  return failed.sort();
}

/**
 * Closes the ticket and waits for its run to complete, polling: the time-skipping client's result() lets the server
 * skip time meanwhile, which fires other tickets' timers and can time out a task a worker is still running.
 */
async function closeAndWait(t: Parked): Promise<string> {
  const closed = await t.handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'sam' }] });
  await eventually(async () => (await t.handle.describe()).status.name === 'COMPLETED', 15_000, `${t.name}: closed`);
  return closed.status;
}

async function expectOnceEach(t: Parked) {
  const runs = await runsOf(t);
  // A failed task is a build that could not run the ticket (a non-determinism). A timed-out one is not counted: the
  // stopping build's task that waited for the held mail can time out on a busy machine, and the next build retries it.
  const failedTasks = runs.flatMap((h) =>
    (h.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
  );
  expect(failedTasks, `${t.name}: failed workflow tasks`).toEqual([]);
  const mails = await mailsFor(inject('outboxDir'), t.intake.ticketId);
  const ids = mails.map((m) => m.messageId);
  expect(new Set(ids).size, `${t.name}: each mail once`).toBe(ids.length);
  const notices = await stack.store.notifications.forTicket(t.intake.ticketId);
  expect(
    notices.filter((n) => n.status !== 'sent').map((n) => n._id),
    `${t.name}: notices not sent`,
  ).toEqual([]);
  // Events are stored under their keys, so a change applied twice shows as a second event saying the same thing.
  const events = await stack.store.slaEvents.forTicket(t.intake.ticketId);
  const kinds = events.map((e) => JSON.stringify([e.type, e.metric, e.level, e.dueAt, e.detail]));
  expect(
    kinds.filter((k, i) => kinds.indexOf(k) !== i),
    `${t.name}: events twice`,
  ).toEqual([]);
  return { events, kinds: mails.map((m) => String(m.headers.get('x-notification-kind'))).sort() };
}

describe('a deploy with tickets in flight', () => {
  it('build N+1 takes over every wait of build N: each notice once, no event twice, no failed task', async () => {
    await stack.advanceTo(new Date('2027-05-03T00:00:00Z'));
    // High priority, always open: first response 8 h (warning at 6 h), next response 4 h, resolution 24 h.
    const breached = await open('breached');
    await advance(8 * HOUR + 60_000); // first response breached, escalated to L2; the next level's timer armed
    const warning = await open('warning'); // its warning due 6 h on, after the deploy
    await advance(HOUR);
    const paused = await open('paused');
    await paused.handle.executeUpdate(agentActionUpdate, {
      args: ['pending', { agent: 'sam', waitingOn: 'customer', reason: 'Which version do you run?' }],
    });
    const review = await open('scope review');
    await review.handle.executeUpdate(agentActionUpdate, {
      args: ['reclassify', { category: 'training', reason: 'wants a course', agent: 'sam' }],
    });
    const live = await open('live session');
    await live.handle.executeUpdate(liveSessionRequestUpdate, {
      args: [{ tool: 'google-meet', preferredTimes: ['this afternoon'] }],
    });
    const sessionAt = new Date((await now()).getTime() + 2 * HOUR); // reminders 60 and 10 min before: after the deploy
    await live.handle.executeUpdate(liveSessionUpdate, {
      args: [
        {
          action: 'confirm',
          booking: {
            startsAt: sessionAt.toISOString(),
            durationMinutes: 30,
            link: 'https://meet.example/x',
            agent: 'sam',
          },
        },
      ],
    });
    const rehearsal = await open('rehearsal');
    // A little past the rehearsal's length at receipt: a task that times out on a busy machine adds 3 events, which
    // must not make the ticket switch before the deploy; the replies after it take it past the limit.
    const limit = (await rehearsal.handle.describe()).historyLength + 4;
    await rehearsal.handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'sam' }] });
    parked.splice(parked.indexOf(rehearsal), 1);
    const continuing = await open('continues as new', { continueAsNewAfter: limit });
    const firstRunId = (await continuing.handle.describe()).runId;
    expect((await breached.handle.query(stateQuery)).escalationLevel).toBe('L2');
    expect((await warning.handle.query(stateQuery)).clocks.every((c) => !c.breached)).toBe(true);

    // Mid-mail: the agent's reply is on its way to a mail server that does not answer when the deploy begins. N drains
    // it before it stops, once the server answers; N+1 does not send it again.
    // Its task waiting on the held mail is heartbeated at 80 % of its timeout, and answers the update then.
    const midMail = await open('mid-mail', { workflowTaskTimeout: '6 seconds' });
    smtp.hold();
    await midMail.handle.executeUpdate(agentActionUpdate, {
      args: ['reply', { agent: 'sam', body: 'Fixed in 2.3.1', messageId: 'drill-mid-mail' }],
    });
    const deploying = stack.deploy(next);
    smtp.open();
    await deploying;

    // On N+1: the customer answers the paused ticket, the continuing one passes its history limit at a reply, and
    // the timers fire: the warning, the review's end, and the breached ticket's next levels.
    await paused.handle.executeUpdate(customerReplyUpdate, { args: [{ messageId: 'drill-answer' }] });
    for (let i = 1; i <= 6 && (await continuing.handle.describe()).runId === firstRunId; i++) {
      await continuing.handle.executeUpdate(agentActionUpdate, {
        args: ['reply', { agent: 'sam', body: 'Looking into it', messageId: `drill-reply-${i}` }],
      });
    }
    await eventually(
      async () => (await continuing.handle.describe()).runId !== firstRunId,
      15_000,
      'continue-as-new on N+1',
    );
    await advance(9 * HOUR);
    const fresh = await open('opened on N+1');

    const onceEach: Record<string, Awaited<ReturnType<typeof expectOnceEach>>> = Object.fromEntries(
      await Promise.all(parked.map(async (t) => [t.name, await expectOnceEach(t)])),
    );
    expect(onceEach.warning!.kinds).toEqual(['acknowledgement', 'breach', 'escalation', 'warning']);
    expect(onceEach['scope review']!.events.map((e) => e.type)).toContain('out_of_scope');
    expect(onceEach.paused!.events.map((e) => e.type)).toEqual(expect.arrayContaining(['paused', 'resumed']));
    expect(
      onceEach['live session']!.events.filter((e) => e.type === 'live_session').map((e) => e.detail?.status),
    ).toEqual(['requested', 'confirmed', 'reminded', 'reminded']);
    expect(onceEach['mid-mail']!.kinds).toEqual(['acknowledgement', 'agent_reply']);
    expect(onceEach.breached!.events.filter((e) => e.type === 'escalated').map((e) => e.level)).toEqual([
      'L2',
      'management',
    ]);

    // Tickets started before N+1 went on as they began; the ones N+1 started (the continued run too) took the change.
    const marked = await Promise.all(parked.map(async (t) => [t.name, hasMarker((await runsOf(t)).at(-1)!)]));
    expect(Object.fromEntries(marked)).toEqual({
      breached: false,
      warning: false,
      paused: false,
      'scope review': false,
      'live session': false,
      'mid-mail': false,
      'continues as new': true,
      'opened on N+1': true,
    });
    expect((await fresh.handle.describe()).memo).toEqual({ build: 'N+1' });
  }, 180_000);

  it('replays before a rollback and before retiring the patch name the tickets each would break', async () => {
    const openTickets = async () => {
      const running = await Promise.all(
        parked.map(async (t) => ((await t.handle.describe()).status.name === 'RUNNING' ? t : null)),
      );
      return running.filter((t): t is Parked => t !== null);
    };
    const before = await openTickets();
    expect(before.map((t) => t.name).sort()).toEqual([
      'breached',
      'continues as new',
      'live session',
      'mid-mail',
      'opened on N+1',
      'paused',
      'warning',
    ]);
    expect(await wouldBreak(current, before), 'rolling back to N').toEqual(['continues as new', 'opened on N+1']);
    const startedOnN = ['breached', 'live session', 'mid-mail', 'paused', 'warning'];
    expect(await wouldBreak(deprecated, before), 'deprecating the patch').toEqual(startedOnN);

    // The tickets N started close; then the deprecation build replays every open ticket and takes over.
    for (const t of before.filter((x) => startedOnN.includes(x.name))) {
      await closeAndWait(t);
    }
    const after = await openTickets();
    expect(await wouldBreak(deprecated, after)).toEqual([]);
    await stack.deploy(deprecated);
    for (const t of after) {
      expect(await closeAndWait(t)).toBe('closed');
      await expectOnceEach(t);
    }
  }, 180_000);
});
