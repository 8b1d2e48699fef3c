import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTicketActivities, type NotifyInput } from '../../activities/ticket-activities';
import { createMailer } from '../../lib/mailer';
import type { Store } from '../../store';
import { CLAIM_LEASE_MS } from '../../store/notifications';
import { mailsFor } from '../support/outbox';
import { connectTestStore, testActivityDeps } from '../support/stack';
import { expectReadableOutbox } from '../support/human-time';

/** `sendNotifications`: the mails of one change (a breach notice and its escalation) in one activity. */

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(async () => {
  await store?.conn.close();
});

const outbox = () => inject('outboxDir');

function breachAndEscalation(ticketId: string, escalateTo = 'L2'): NotifyInput[] {
  const facts = {
    subject: 'Login fails',
    metric: 'first_response',
    dueLocal: 'Mon 1 Dec 2026 05:00 EST',
    dueUtc: '2026-12-01 10:00 UTC',
  };
  return [
    {
      key: `${ticketId}:breach:first_response:0`,
      ticketId,
      kind: 'breach',
      audience: { kind: 'level', level: 'L1' },
      facts: { ...facts, level: 'L1' },
    },
    {
      key: `${ticketId}:escalation:first_response:${escalateTo}:0`,
      ticketId,
      kind: 'escalation',
      audience: { kind: 'level', level: escalateTo },
      facts: { ...facts, level: escalateTo },
    },
  ];
}

const newTicketId = () => `N${randomBytes(5).toString('hex').toUpperCase()}`;

/** A port nothing listens on: the mail server is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('sendNotifications (activities/ticket-activities.ts)', () => {
  it('sends each mail of a change to its own audience once; running it again sends nothing more', async () => {
    const ticketId = newTicketId();
    const activities = createTicketActivities(testActivityDeps(store));
    const inputs = breachAndEscalation(ticketId);

    expect(await activities.sendNotifications(inputs)).toEqual(inputs.map((i) => ({ key: i.key, outcome: 'sent' })));
    const mails = await mailsFor(outbox(), ticketId);
    expect(mails.map((m) => [m.headers.get('x-notification-kind'), (m.to as { text: string }).text]).sort()).toEqual([
      ['breach', 'agents@test.local'],
      ['escalation', 'l2@test.local'],
    ]);

    // Temporal retrying the activity (its completion was lost) finds both mails sent.
    expect(await activities.sendNotifications(inputs)).toEqual(
      inputs.map((i) => ({ key: i.key, outcome: 'already-sent' })),
    );
    expect(await mailsFor(outbox(), ticketId)).toHaveLength(2);
  });

  it('reports a mail it can never send (no contacts for the level) and still sends the others, without failing', async () => {
    const ticketId = newTicketId();
    const activities = createTicketActivities(testActivityDeps(store));
    const [breach, escalation] = breachAndEscalation(ticketId, 'L9');

    const outcomes = await activities.sendNotifications([breach!, escalation!]);
    expect(outcomes[0]).toEqual({ key: breach!.key, outcome: 'sent' });
    expect(outcomes[1]).toMatchObject({
      key: escalation!.key,
      outcome: 'failed',
      error: expect.stringMatching(/no contacts configured for level L9/),
    });
    expect((await mailsFor(outbox(), ticketId)).map((m) => m.headers.get('x-notification-kind'))).toEqual(['breach']);
  });

  it('fails while the mail server is down, so Temporal retries; the retry after the claims lapse sends each mail once', async () => {
    const ticketId = newTicketId();
    const t0 = new Date();
    const inputs = breachAndEscalation(ticketId);
    const down = createTicketActivities({
      ...testActivityDeps(store),
      mailer: createMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: 'Support <support@test.local>' }),
      now: () => t0,
    });
    await expect(down.sendNotifications(inputs)).rejects.toThrow();
    expect(await mailsFor(outbox(), ticketId)).toHaveLength(0);

    const back = createTicketActivities({
      ...testActivityDeps(store),
      now: () => new Date(t0.getTime() + CLAIM_LEASE_MS + 1),
    });
    expect(await back.sendNotifications(inputs)).toEqual(inputs.map((i) => ({ key: i.key, outcome: 'sent' })));
    expect(await mailsFor(outbox(), ticketId)).toHaveLength(2);
  });
});

describe('applyTicketChange: a change that mails, mail first, then its record', () => {
  const changeOf = (ticketId: string, version: number) => ({
    events: [
      {
        key: `${ticketId}:breached:first_response:0`,
        ticketId,
        type: 'breached',
        metric: 'first_response',
        at: new Date().toISOString(),
        level: 'L1',
      },
    ],
    projection: {
      id: ticketId,
      version,
      status: 'acknowledged',
      priority: 'urgent',
      category: 'bug',
      customerId: 'c1',
      subject: 'Login fails',
      escalationLevel: 'L2',
      slaState: 'breached',
      receivedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
    webhookCandidates: ['breached'],
  });

  it('records the change even while the mail server is down, fails so Temporal retries, and the retry mails once', async () => {
    const ticketId = newTicketId();
    const t0 = new Date();
    const input = { notices: breachAndEscalation(ticketId), change: changeOf(ticketId, 3) };
    const down = createTicketActivities({
      ...testActivityDeps(store),
      mailer: createMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: 'Support <support@test.local>' }),
      now: () => t0,
    });
    await expect(down.applyTicketChange(input)).rejects.toThrow();
    // The timeline and the lists do not wait for the mail server.
    expect((await store.slaEvents.forTicket(ticketId)).map((e) => e.type)).toEqual(['breached']);
    expect(await store.ticketStates.get(ticketId)).toMatchObject({
      version: 3,
      slaState: 'breached',
      escalationLevel: 'L2',
    });
    expect(await mailsFor(outbox(), ticketId)).toHaveLength(0);

    const back = createTicketActivities({
      ...testActivityDeps(store),
      now: () => new Date(t0.getTime() + CLAIM_LEASE_MS + 1),
    });
    const done = await back.applyTicketChange(input);
    expect(done.outcomes).toEqual(input.notices.map((i) => ({ key: i.key, outcome: 'sent' })));
    expect(await back.applyTicketChange(input)).toMatchObject({
      outcomes: input.notices.map((i) => ({ key: i.key, outcome: 'already-sent' })),
    });
    expect(await mailsFor(outbox(), ticketId)).toHaveLength(2);
    expect(await store.slaEvents.forTicket(ticketId)).toHaveLength(1);
  });
});

it('writes every time in the mails it sent to the minute, with the zone named', async () => {
  await expectReadableOutbox(outbox());
});
