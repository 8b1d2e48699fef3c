import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import type { TicketIntake } from '../../domain/ticket-sla';
import {
  agentActionUpdate,
  customerReplySignal,
  stateQuery,
  ticketWorkflow,
  type AgentActionArgs,
} from '../../workflows/ticket';
import { recordHistory } from '../support/histories';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { startTcpGate, type TcpGate } from '../support/tcp-gate';
import { addAgent } from '../support/agents';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';

/**
 * A conversation continues as new in its middle: a webhook subscriber is failing, a mail is still on its way when
 * the run decides to switch, and an agent acts while it waits for that mail. Nothing may be lost or done twice:
 * each mail and timeline event once, each webhook delivered once (by the new run, which the old one hands it to),
 * and an update retried after the switch answered as the first time. (The time-skipping server drops a
 * continue-as-new's memo and search attributes whatever the workflow sends: carried-attributes.test.ts checks those
 * on the dev server.)
 */

let stack: SkippingStack;
let smtp: TcpGate;
let receiver: http.Server;
/** Whether the subscriber answers 500; and what it was sent, in order: the event, its key and the answer. */
let subscriberDown = true;
const deliveries: { type: string; key: string; status: number }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const status = subscriberDown ? 500 : 200;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { type, key } = JSON.parse(body) as { type: string; key: string };
      deliveries.push({ type, key, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  smtp = await startTcpGate(inject('smtpUrl'));
  stack = await startSkippingStack({ webhookAllowHosts: ['127.0.0.1'], smtpUrl: smtp.url });
  await addAgent(stack.store, 'Sam Agent', { id: 'sam', email: 'sam@support.local' });
  await stack.store.webhooks.add({
    id: 'W-carry',
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    secret: 'whsec_carry',
    events: ['warning', 'breached', 'escalated', 'resolved'],
    active: true,
    createdAt: new Date(),
  });
});
// A test that fails while the mail server is held leaves it open for the next.
afterEach(() => smtp?.open());
afterAll(async () => {
  await stack?.close();
  await smtp?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

type Handle = WorkflowHandle<typeof ticketWorkflow>;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const assignSam = {
  args: ['assign', { agent: 'sam', by: 'lead' }] as ['assign', AgentActionArgs],
  updateId: 'assign-sam-1',
};

async function timeline(intake: TicketIntake, has: (types: string[]) => boolean) {
  return eventually(
    async () => {
      const events = await stack.store.slaEvents.forTicket(intake.ticketId);
      return has(events.map((e) => e.type)) ? events : null;
    },
    15_000,
    'timeline events',
  );
}

/** Resolved (the subscriber refuses its webhook), reopened by the customer, assigned: each change recorded. */
async function converse(handle: Handle, intake: TicketIntake) {
  await eventually(async () => (await handle.query(stateQuery)).status === 'acknowledged', 10_000, 'receipt');
  await handle.executeUpdate(agentActionUpdate, { args: ['resolve', { agent: 'sam', body: 'Fixed in 2.3.1' }] });
  await handle.signal(customerReplySignal, { messageId: 'c-still-broken' });
  await timeline(intake, (types) => types.includes('reopened'));
  const assigned = await handle.executeUpdate(agentActionUpdate, assignSam);
  await timeline(intake, (types) => types.includes('assigned'));
  return assigned;
}

/**
 * Where the run decided to continue as new: the end of its first workflow task that started past its history limit
 * (the run asks every patch in its first task, so no marker tells the moment), or -1.
 */
function switchDecidedAt(history: HistoryEvent[], limit: number): number {
  const started = history.findIndex(
    (e) =>
      e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && Number(e.eventId) > limit,
  );
  if (started < 0) return -1;
  return history.findIndex(
    (e, i) => i > started && e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  );
}

/** The timers armed at `at`: started before it and neither fired nor cancelled by then. */
function armedAt(history: HistoryEvent[], at: number): string[] {
  const armed = new Set<string>();
  for (const e of history.slice(0, at)) {
    if (e.timerStartedEventAttributes) armed.add(e.timerStartedEventAttributes.timerId!);
    if (e.timerFiredEventAttributes) armed.delete(e.timerFiredEventAttributes.timerId!);
    if (e.timerCanceledEventAttributes) armed.delete(e.timerCanceledEventAttributes.timerId!);
  }
  return [...armed];
}

async function start(continueAsNewAfter?: number) {
  const receivedAt = new Date(await stack.env.currentTimeMs());
  const intake = intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, priority: 'high' });
  const handle = await stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [{ intake, continueAsNewAfter }],
    // A workflow task waiting on a local activity (a held mail) is heartbeated at 80 % of this: the test's pace.
    workflowTaskTimeout: '3 seconds',
  });
  return { intake, handle, firstRunId: (await handle.describe()).runId };
}

/**
 * A ticket that has been resolved, reopened and assigned, whose next change is past its history limit. The same
 * conversation on a ticket that never continues says how long its history is by then; the limit lies a little past
 * it (a workflow task that times out on a busy machine adds 3 events), so the switch comes due at one of the
 * replies of `replyUntilTheSwitchIsDue`.
 */
async function startConversation() {
  const rehearsal = await start();
  await converse(rehearsal.handle, rehearsal.intake);
  const limit = (await rehearsal.handle.describe()).historyLength + 9;
  const ticket = await start(limit);
  const firstRun = stack.env.client.workflow.getHandle(ticket.handle.workflowId, ticket.firstRunId);
  const assigned = await converse(ticket.handle, ticket.intake);
  expect((await ticket.handle.describe()).runId).toBe(ticket.firstRunId);
  return { ...ticket, firstRun, assigned, limit };
}

/** The agent replies while the mail server is slow, until the run decides to continue: it waits for that mail. */
async function replyUntilTheSwitchIsDue(handle: Handle, firstRun: Handle, limit: number): Promise<string[]> {
  smtp.hold();
  const replies: string[] = [];
  while (replies.length < 6 && switchDecidedAt((await firstRun.fetchHistory()).events!, limit) < 0) {
    replies.push(`a-${replies.length + 1}`);
    await handle.executeUpdate(agentActionUpdate, {
      args: ['reply', { agent: 'sam', body: 'On it', messageId: replies.at(-1) }],
    });
  }
  expect(
    switchDecidedAt((await firstRun.fetchHistory()).events!, limit),
    'the run decided to continue',
  ).toBeGreaterThan(0);
  return replies;
}

describe('continue-as-new mid-conversation', () => {
  it('carries every mail, event, webhook and update answer across the switch', async () => {
    const { intake, handle, firstRunId, firstRun, assigned, limit } = await startConversation();
    const replies = await replyUntilTheSwitchIsDue(handle, firstRun, limit);
    // Meanwhile the agent escalates (its webhook too is for the new run to deliver).
    await handle.executeUpdate(agentActionUpdate, { args: ['escalate', { agent: 'sam', reason: 'VIP' }] });
    expect((await handle.describe()).runId, 'the switch still waits for the mail').toBe(firstRunId);
    subscriberDown = false;
    smtp.open();
    await eventually(async () => (await handle.describe()).runId !== firstRunId, 15_000, 'continue-as-new');
    const secondRun = stack.env.client.workflow.getHandle(handle.workflowId, (await handle.describe()).runId);

    // The agent retries the assignment (same update id), unsure the first went through.
    const retried = await handle.executeUpdate(agentActionUpdate, assignSam);

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'sam' }] });
    // Polled: the time-skipping client's result() now and then never returned here after a continue-as-new.
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, 'the closing');
    expect((await handle.result()).status).toBe('closed');
    await recordHistory('continue-as-new mid-conversation first run', firstRun);
    await recordHistory('continue-as-new mid-conversation continued run', secondRun);

    const events = await timeline(intake, (types) => types.includes('closed'));
    // Stored under their keys (a retried write is a no-op), so what could go wrong is a missing one or a change
    // applied twice (a second key for it).
    expect(events.map((e) => e.type)).toEqual([
      'received',
      'acknowledged',
      'responded',
      'resolved',
      'reopened',
      'assigned',
      'responded', // the first reply after the customer's message
      'escalated',
      'closed',
    ]);

    const mails = await mailsFor(inject('outboxDir'), intake.ticketId);
    const ids = mails.map((m) => m.messageId);
    expect(new Set(ids).size, 'each mail once').toBe(ids.length);
    const kinds = mails.map((m) => String(m.headers.get('x-notification-kind'))).sort();
    expect(kinds).toEqual([
      'acknowledgement',
      ...replies.map(() => 'agent_reply'),
      'assigned',
      'escalation',
      'resolution',
    ]);
    const notices = await stack.store.notifications.forTicket(intake.ticketId);
    expect(notices.filter((n) => n.status !== 'sent')).toEqual([]);

    // Each webhook refused while the subscriber was down, then delivered once.
    const hooks = deliveries.filter((d) => d.key.startsWith(intake.ticketId));
    const delivered = hooks.filter((d) => d.status === 200);
    expect(delivered.map((d) => d.type).sort()).toEqual(['escalated', 'resolved']);
    expect(new Set(hooks.map((d) => d.key)).size).toBe(2);
    expect(hooks.find((d) => d.type === 'resolved')?.status, 'the first try, before the switch').toBe(500);

    // The first run took the escalation after deciding to switch.
    const history = (await firstRun.fetchHistory()).events!;
    const accepted = history.flatMap((e, i) => {
      const input = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads;
      return input ? [{ i, action: JSON.parse(Buffer.from(input[0]!.data!).toString()) as string }] : [];
    });
    const decidedAt = switchDecidedAt(history, limit);
    expect(accepted.filter((u) => u.i > decidedAt).map((u) => u.action)).toContain('escalate');
    // While it waited, the next deadline's timer stayed armed.
    expect(
      armedAt(history, decidedAt).length > 0 || history.slice(decidedAt).some((e) => e.timerStartedEventAttributes),
    ).toBe(true);

    // The retry was answered as the first time, changing nothing.
    expect(retried).toEqual(assigned);
  }, 90_000);

  it('delivers the webhooks it held for the next run when the ticket closes before the switch', async () => {
    subscriberDown = false;
    const { intake, handle, firstRunId, firstRun, limit } = await startConversation();
    await replyUntilTheSwitchIsDue(handle, firstRun, limit);
    await handle.executeUpdate(agentActionUpdate, { args: ['escalate', { agent: 'sam', reason: 'VIP' }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'sam' }] });
    smtp.open();
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, 'the closing');
    expect((await handle.describe()).runId, 'closed, not continued').toBe(firstRunId);
    const escalated = deliveries.filter((d) => d.key.startsWith(intake.ticketId) && d.type === 'escalated');
    expect(escalated.map((d) => d.status)).toEqual([200]);
  }, 90_000);
});
