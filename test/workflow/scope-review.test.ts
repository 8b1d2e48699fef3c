import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { agentActionUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import type { TicketIntake } from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';
import { mailsFor } from '../support/outbox';
import { recordHistory } from '../support/histories';
import { addAgent, type TestAgent } from '../support/agents';
import { startSkippingStack, type SkippingStack } from '../support/time-skipping';
import { eventually } from '../support/wait';

/**
 * A scope review is a state agents work in and customers are told about: agents reply and assign during it, the
 * customer and the assignee are reminded a quarter of the review window before it closes the ticket, and the
 * mails say what the ticket's own agreement covers and what an agent decided.
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

const HOUR = 3_600_000;
const REVIEW = DEFAULT_POLICY.reviewWindowMinutes * 60_000;

async function startAlwaysOpen(opts: Partial<Parameters<typeof intakeFor>[0]> = {}, extra: Partial<TicketIntake> = {}) {
  const receivedAt = new Date(await stack.env.currentTimeMs());
  const intake = { ...intakeFor({ receivedAt, calendar: ALWAYS_OPEN_CALENDAR, ...opts }), ...extra };
  const handle = await stack.env.client.workflow.start(ticketWorkflow, {
    workflowId: `ticket-${intake.ticketId}`,
    taskQueue: stack.taskQueue,
    args: [{ intake }],
  });
  await eventually(async () => (await handle.query(stateQuery)).status === 'acknowledged', 10_000, 'the receipt');
  return { intake, handle, t0: receivedAt.getTime() };
}

const act = (handle: Awaited<ReturnType<typeof startAlwaysOpen>>['handle'], ...args: [string, object]) =>
  handle.executeUpdate(agentActionUpdate, { args: args as never });

/** The mails of a ticket once `kinds` have all gone out (read from the SMTP outbox). */
async function mails(ticketId: string, kinds: string[]) {
  const done = async () => {
    const sent = await stack.store.notifications.forTicket(ticketId);
    // Sent, not only claimed: a change's mails are all claimed before the first goes out.
    return kinds.every((k) => sent.some((n) => n.kind === k && n.status === 'sent')) ? sent : null;
  };
  await eventually(done, 10_000, kinds.join(', '));
  return eventually(
    async () => {
      const all = await mailsFor(inject('outboxDir'), ticketId);
      return all.length >= kinds.length ? all : null;
    },
    10_000,
    'the outbox',
  );
}

const textOf = (m: { subject?: string; text?: string | false }) => `${m.subject ?? ''}\n${m.text || ''}`;

describe('a scope review', () => {
  it('lets agents reply and assign meanwhile, and reminds customer and assignee before it closes the ticket', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ category: 'training' });
    const assigned = await act(handle, 'assign', { agent: sam.id });
    expect(assigned).toMatchObject({ assignee: sam.id, awaitingScopeReview: true });
    const replied = await act(handle, 'reply', { agent: 'Sam', body: 'Which release are you on?', messageId: 'r1' });
    expect(replied).toMatchObject({ status: 'open', awaitingScopeReview: true, clocks: [] });
    expect(replied.availableActions).toEqual(expect.arrayContaining(['reply', 'assign', 'accept', 'close']));
    expect(replied.availableActions).not.toContain('resolve');

    // Three quarters into the review window: reminded, still under review.
    await stack.advanceTo(new Date(t0 + REVIEW * 0.75 + 1_000));
    const sent = await mails(intake.ticketId, ['out_of_scope', 'scope_review_reminder']);
    const reminders = sent.filter((m) => /unless we accept it|Scope review ends/.test(m.subject ?? ''));
    expect(reminders.map((m) => (m.to as { text: string }).text).sort()).toEqual(
      [intake.customer.email, sam.email].sort(),
    );
    const toCustomer = reminders.find((m) => (m.to as { text: string }).text === intake.customer.email)!;
    expect(textOf(toCustomer)).toMatch(/Unless an agent accepts it by .+, it closes then/);
    const toSam = reminders.find((m) => (m.to as { text: string }).text === sam.email)!;
    expect(textOf(toSam)).toMatch(/Unless it is accepted or reclassified by .+, it closes automatically/);
    expect((await handle.query(stateQuery)).awaitingScopeReview).toBe(true);

    await stack.advanceTo(new Date(t0 + REVIEW + 1_000));
    expect((await handle.result()).status).toBe('out_of_scope');
    const kinds = (await stack.store.notifications.forTicket(intake.ticketId)).map((n) => n.kind).sort();
    expect(kinds).toEqual([
      'agent_reply',
      'assigned',
      'out_of_scope',
      'scope_review_reminder',
      'scope_review_reminder',
    ]);
    await recordHistory('scope review reminds before it closes', handle);
  });

  it('keeps a reply given during the review as the first response once accepted, and says it was accepted', async () => {
    const { intake, handle, t0 } = await startAlwaysOpen({ category: 'training' });
    await act(handle, 'reply', { agent: 'Sam', body: 'We can help with that.', messageId: 'r1' });
    await stack.advanceTo(new Date(t0 + HOUR));
    const accepted = await act(handle, 'accept', { agent: 'Sam' });
    expect(accepted.awaitingScopeReview).toBe(false);
    expect(accepted.clocks.find((c) => c.metric === 'first_response')).toMatchObject({ stopped: true });
    expect(accepted.clocks.find((c) => c.metric === 'resolution')).toMatchObject({ stopped: false });
    const sent = await mails(intake.ticketId, ['out_of_scope', 'agent_reply', 'scope_accepted']);
    const decision = sent.find((m) => /accepted/i.test(m.subject ?? ''))!;
    expect(textOf(decision)).toMatch(/accepted ticket #\S+ ".+" although training is outside your agreement's scope/);
    expect(textOf(decision)).toMatch(/A resolution is due by/);
    expect(textOf(decision)).not.toMatch(/within our support scope/);
    await act(handle, 'close', { agent: 'Sam' });
  });

  it('says what a reclassification decided', async () => {
    const { intake, handle } = await startAlwaysOpen({ category: 'custom-development' });
    await act(handle, 'reclassify', { agent: 'Sam', category: 'question' });
    const sent = await mails(intake.ticketId, ['out_of_scope', 'scope_accepted']);
    const decision = sent.find((m) => /reclassified/i.test(m.subject ?? ''))!;
    expect(textOf(decision)).toMatch(/from custom development to question, which your agreement covers/);
    await act(handle, 'close', { agent: 'Sam' });
  });
});

describe('the out-of-scope mail', () => {
  it("states the ticket's own agreement: an organization covering third-party products is not told otherwise", async () => {
    const { intake, handle } = await startAlwaysOpen(
      { category: 'training' },
      {
        organizationId: 'acme',
        terms: {
          agreement: 'acme',
          version: 2,
          calendar: { id: 'always', version: 1 },
          scope: { training: false, customDevelopment: false, thirdParty: true },
        },
      },
    );
    const [mail] = await mails(intake.ticketId, ['out_of_scope']);
    const text = textOf(mail!);
    expect(text).toMatch(/Your agreement covers third-party products or services; it does not cover training/);
    expect(text).not.toMatch(/does not cover[^.]*third-party/);
    expect(text).toMatch(/An agent reviews it until .+\. If they accept it/);
    await act(handle, 'close', { agent: 'Sam' });
  });
});
