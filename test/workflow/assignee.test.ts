import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import {
  agentActionUpdate,
  customerReplySignal,
  stateQuery,
  ticketWorkflow,
  type TicketWorkflowInput,
} from '../../workflows/ticket';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { recordHistory } from '../support/histories';
import { addAgent } from '../support/agents';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';
import { expectReadableOutbox } from '../support/human-time';

/**
 * The assignee's mails come from the workflow's own effects (a local activity after the change), each once
 * under its key: on assignment, on a customer's message, when the ticket warns and when it breaches. An
 * assignment and a priority change say on the timeline what changed. The snapshot lists the actions valid now.
 */

let stack: SkippingStack;
const sam = { id: `U${randomBytes(4).toString('hex')}`, email: `sam-${randomBytes(3).toString('hex')}@support.local` };
const kim = { id: `U${randomBytes(4).toString('hex')}`, email: `kim-${randomBytes(3).toString('hex')}@support.local` };

beforeAll(async () => {
  stack = await startSkippingStack();
  await addAgent(stack.store, 'Sam Agent', sam);
  await addAgent(stack.store, 'Kim Lee', kim);
});
afterAll(async () => {
  await stack?.close();
});

const MIN = 60_000;

async function startAlwaysOpen(
  opts: Partial<Parameters<typeof intakeFor>[0]> = {},
  input: Partial<TicketWorkflowInput> = {},
) {
  const receivedAt = new Date(await stack.env.currentTimeMs());
  const intake = intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, ...opts });
  const handle = await stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [{ intake, ...input }],
  });
  await eventually(async () => (await handle.query(stateQuery)).status !== 'new', 10_000, 'acknowledgement');
  return { intake, handle, t0: receivedAt.getTime() };
}
type Handle = Awaited<ReturnType<typeof startAlwaysOpen>>['handle'];

/** Closes through the product's own action; once the workflow has finished, every mail it decided is out. */
async function finish(handle: Handle) {
  await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'test' }] });
  expect((await handle.result()).status).toBe('closed');
  await recordHistory(expect.getState().currentTestName ?? handle.workflowId, handle);
}

const outbox = () => inject('outboxDir');
const notices = (ticketId: string) => stack.store.notifications.forTicket(ticketId);

describe("the assignee's mails", () => {
  it('mails the assignee on assignment, on a customer message and when the ticket warns and breaches, each once', async () => {
    // Urgent: first response 2 business hours, warning at 90 minutes.
    const { intake, handle, t0 } = await startAlwaysOpen({ priority: 'urgent' });
    const id = intake.ticketId;
    const assigned = await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    expect(assigned.assignee).toBe(sam.id);
    // Assigning to the one who has it already is no new assignment.
    const again = await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });

    await stack.store.messages.add({
      id: 'M-customer-1',
      ticketId: id,
      authorId: intake.customer.id,
      authorRole: 'customer',
      authorName: 'Ada Customer',
      body: 'The export still times out at 80 %.',
      kind: 'message',
      internal: false,
      channel: 'api',
      createdAt: new Date(),
    });
    await handle.signal(customerReplySignal, { messageId: 'M-customer-1' });
    await handle.signal(customerReplySignal, { messageId: 'M-customer-1' }); // a retried delivery
    await stack.advanceTo(new Date(t0 + 121 * MIN)); // past the warning (90 min) and the breach (120 min)
    await eventually(async () => (await handle.query(stateQuery)).slaState === 'breached', 10_000, 'the breach');

    const handed = await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: kim.id }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['priority', { agent: 'kim', priority: 'high' }] });
    await finish(handle);

    const log = await notices(id);
    const toAgents = log.filter((n) => n.to.includes(sam.email) || n.to.includes(kim.email));
    expect(toAgents.map((n) => [n._id, n.kind, n.to, n.status])).toEqual([
      [`${id}:assigned:${assigned.version}`, 'assigned', [sam.email], 'sent'],
      [`${id}:agent-reply-notice:M-customer-1`, 'customer_reply', [sam.email], 'sent'],
      [`${id}:warning:first_response:1:assignee`, 'warning', [sam.email], 'sent'],
      [`${id}:breach:first_response:1:assignee`, 'breach', [sam.email], 'sent'],
      [`${id}:assigned:${handed.version}`, 'assigned', [kim.email], 'sent'],
    ]);
    expect(again.version).toBeGreaterThan(assigned.version);
    // The level's contacts still get theirs.
    expect(
      log
        .filter((n) => n.kind === 'warning' || n.kind === 'breach')
        .map((n) => `${n.kind} ${n.to.join()}`)
        .sort(),
    ).toEqual(['breach agents@test.local', `breach ${sam.email}`, 'warning agents@test.local', `warning ${sam.email}`]);

    // What the mails say: each once in the outbox, linking to the console's ticket page.
    const mails = await mailsFor(outbox(), id);
    const toSam = mails.filter((m) => (m.to as { text: string }).text === sam.email);
    expect(toSam.map((m) => m.headers.get('x-notification-kind'))).toEqual([
      'assigned',
      'customer_reply',
      'warning',
      'breach',
    ]);
    const [assignedMail, replyMail, warningMail, breachMail] = toSam;
    expect(assignedMail!.subject).toBe(`Assigned to you: [#${id}] ${intake.subject}`);
    expect(assignedMail!.text).toContain(`Ticket #${id} "${intake.subject}" (urgent) is now yours.`);
    expect(replyMail!.subject).toBe(`The customer replied: [#${id}] ${intake.subject}`);
    expect(replyMail!.text).toContain('Ada Customer wrote on your ticket');
    expect(replyMail!.text).toContain('The export still times out at 80 %.');
    expect(warningMail!.subject).toMatch(/^SLA warning on your ticket: first response due /);
    expect(breachMail!.subject).toBe(`SLA breached on your ticket: first response [#${id}]`);
    for (const m of toSam) {
      expect(m.text).toContain(`View the ticket: http://localhost/console/tickets/${id}`);
      expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    }
    expect(
      mails
        .filter((m) => (m.to as { text: string }).text === kim.email)
        .map((m) => m.headers.get('x-notification-kind')),
    ).toEqual(['assigned']);
  });

  it('an assignee who no longer exists fails only their own mail', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ priority: 'urgent' });
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: 'U-removed' }] });
    await stack.advanceTo(new Date(t0 + 91 * MIN));
    await eventually(async () => (await handle.query(stateQuery)).slaState === 'warning', 10_000, 'the warning');
    const replied = await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: 'sam' }] });
    expect(replied.status).toBe('open');
    await finish(handle);
    const log = await notices(intake.ticketId);
    expect(log.map((n) => [n.kind, n.to.join(), n.status])).toEqual([
      ['acknowledgement', intake.customer.email, 'sent'],
      ['warning', 'agents@test.local', 'sent'],
    ]);
  });
});

describe('events say what changed', () => {
  it('an assignment records who had the ticket and who has it now; a priority change from and to', async () => {
    const { intake, handle } = await startAlwaysOpen({ priority: 'normal' });
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: sam.id }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent: kim.id }] });
    await handle.executeUpdate(agentActionUpdate, { args: ['priority', { agent: 'kim', priority: 'urgent' }] });
    await finish(handle);
    const timeline = await stack.store.slaEvents.forTicket(intake.ticketId);
    expect(
      timeline.filter((e) => e.type === 'assigned' || e.type === 'priority_changed').map((e) => [e.type, e.detail]),
    ).toEqual([
      ['assigned', { from: '', to: sam.id }],
      ['assigned', { from: sam.id, to: kim.id }],
      ['priority_changed', { from: 'normal', to: 'urgent' }],
    ]);
  });
});

describe('the actions valid now', () => {
  const ALL_OPEN = ['assign', 'reply', 'priority', 'pending', 'escalate', 'resolve', 'close', 'reclassify'];

  it('follow the ticket through open, pending, resolved and closed', async () => {
    const { handle } = await startAlwaysOpen();
    expect((await handle.query(stateQuery)).availableActions).toEqual(ALL_OPEN);
    const open = await handle.executeUpdate(agentActionUpdate, { args: ['reply', { agent: 'sam' }] });
    expect([open.status, open.availableActions]).toEqual(['open', ALL_OPEN]);
    const pending = await handle.executeUpdate(agentActionUpdate, { args: ['pending', { agent: 'sam' }] });
    expect([pending.status, pending.availableActions]).toEqual([
      'pending_customer',
      ['assign', 'reply', 'priority', 'escalate', 'resolve', 'close', 'reclassify'],
    ]);
    const resolved = await handle.executeUpdate(agentActionUpdate, { args: ['resolve', { agent: 'sam' }] });
    expect([resolved.status, resolved.availableActions]).toEqual([
      'resolved',
      ['assign', 'reply', 'reopen', 'close', 'reclassify'],
    ]);
    await finish(handle);
    expect((await handle.query(stateQuery)).availableActions).toEqual([]);
  });

  it('offer the decision, reply and assign while an out-of-scope ticket awaits review, and nothing once it is out of scope', async () => {
    const { handle, t0 } = await startAlwaysOpen({ category: 'training' });
    expect((await handle.query(stateQuery)).availableActions).toEqual([
      'assign',
      'reply',
      'close',
      'accept',
      'reclassify',
    ]);
    await stack.advanceTo(new Date(t0 + 8 * 60 * MIN + 1_000));
    expect((await handle.result()).status).toBe('out_of_scope');
    expect((await handle.query(stateQuery)).availableActions).toEqual([]);
  });

  it("follow the ticket's own escalation ladder, not the newest policy's", async () => {
    const policy = parsePolicyOverrides({ escalation: [{ level: 'L2', afterBreachMinutes: 0 }] });
    const { handle } = await startAlwaysOpen({ policy });
    const atTop = await handle.executeUpdate(agentActionUpdate, { args: ['escalate', { agent: 'sam' }] });
    expect(atTop.escalationLevel).toBe('L2');
    expect(atTop.availableActions).toEqual([
      'assign',
      'reply',
      'priority',
      'pending',
      'resolve',
      'close',
      'reclassify',
    ]);
    await finish(handle);
  });
});

it('writes every time in the mails it sent to the minute, with the zone named', async () => {
  await expectReadableOutbox(outbox());
});
