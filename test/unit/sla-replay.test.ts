import { describe, expect, it } from 'vitest';
import { SLA_CALENDAR, createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY, parsePolicyOverrides } from '../../domain/policy';
import { customerScope } from '../../domain/agreement';
import {
  acknowledged,
  applyAgentAction,
  applyCustomerReply,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  type Effect,
  type SlaEvent,
  type TicketSlaState,
} from '../../domain/ticket-sla';
import {
  clockOutcomes,
  explainStretch,
  factsFromTimeline,
  replayTicket,
  type RecordedEvent,
  type ReplayTerms,
} from '../../domain/sla-replay';
import { intakeFor } from '../support/intake';

/**
 * The replay (domain/sla-replay) against timelines the domain itself wrote, as the workflow drives it: the same
 * terms give the same outcomes; a tighter first response flips a ticket answered after 3 business hours.
 */

const cal = createCalendar(SLA_CALENDAR);
// Monday 22:00 in UTC-5: the Monday shift opens.
const opens = new Date('2026-12-08T03:00:00Z');
const hours = (n: number) => new Date(opens.getTime() + n * 3_600_000);
const pinned: ReplayTerms = { policy: DEFAULT_POLICY, calendar: SLA_CALENDAR, scope: customerScope(false) };

/** Drives a ticket as its workflow would (timers at their instants) and keeps its timeline as the store does. */
function record(steps: { at: Date; run: (s: TicketSlaState, at: Date) => Effect[] }[], until: Date) {
  const intake = { ...intakeFor({ receivedAt: opens, priority: 'high' }), ticketId: 'T-1' };
  const { state: s, effects } = receive(intake, cal);
  const timeline: SlaEvent[] = effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
  const keep = (out: Effect[]) => timeline.push(...out.flatMap((e) => (e.type === 'event' ? [e.event] : [])));
  const fire = (to: Date) => {
    for (let e = nextTimedEvent(s, to, cal); e && e.at <= to; e = nextTimedEvent(s, to, cal))
      keep(fireTimedEvent(s, e, e.at, cal));
  };
  for (const step of steps) {
    fire(new Date(step.at.getTime() - 1));
    keep(step.run(s, step.at));
  }
  fire(until);
  const recorded: RecordedEvent[] = timeline.map((e) => ({ ...e, seq: Number(e.key.split(':').pop()) }));
  return { recorded, state: s };
}

describe('replaying a recorded ticket', () => {
  const answeredAfterThreeHours = [
    { at: hours(0.01), run: (s: TicketSlaState, at: Date) => acknowledged(s, at, cal) },
    { at: hours(3), run: (s: TicketSlaState, at: Date) => applyAgentAction(s, { action: 'reply' }, at, cal) },
    {
      at: hours(4),
      run: (s: TicketSlaState, at: Date) => applyAgentAction(s, { action: 'pending', waitingOn: 'customer' }, at, cal),
    },
    { at: hours(30), run: (s: TicketSlaState, at: Date) => applyCustomerReply(s, at, cal, 'm1') },
    { at: hours(31), run: (s: TicketSlaState, at: Date) => applyAgentAction(s, { action: 'resolve' }, at, cal) },
  ];

  it('under the terms it was pinned to gives every recorded outcome, deadlines to the second', () => {
    const { recorded } = record(answeredAfterThreeHours, hours(200));
    const ticket = { ...factsFromTimeline(recorded, [])!, ticketId: 'T-1' };
    const replayed = replayTicket(ticket, pinned, { asOf: hours(200) });
    const want = clockOutcomes(recorded, []);
    expect(want.map((o) => `${o.metric}:${o.result}`)).toEqual([
      'first_response:met',
      'next_response:met',
      'resolution:met',
    ]);
    expect(clockOutcomes(replayed.events, replayed.snapshot.clocks)).toEqual(want);
    expect(replayed.caveats).toEqual([]);
    // Auto-close is the timer's: replayed, it closes at the same instant.
    expect(replayed.events.find((e) => e.type === 'closed')?.at).toBe(recorded.find((e) => e.type === 'closed')?.at);
  });

  it('a tighter first response turns the answer after 3 business hours into a breach, both deadlines explained', () => {
    const { recorded } = record(answeredAfterThreeHours, hours(200));
    const ticket = { ...factsFromTimeline(recorded, [])!, ticketId: 'T-1' };
    const tighter = parsePolicyOverrides({ targets: { high: { firstResponse: { minutes: 120 } } } }, DEFAULT_POLICY);
    const current = replayTicket(ticket, pinned, { asOf: hours(200) });
    const proposed = replayTicket(ticket, { ...pinned, policy: tighter }, { asOf: hours(200) });
    const first = (r: typeof current) =>
      clockOutcomes(r.events, r.snapshot.clocks).find((o) => o.metric === 'first_response');
    expect(first(current)).toMatchObject({ result: 'met', dueAt: hours(8).toISOString() });
    expect(first(proposed)).toMatchObject({ result: 'breached', dueAt: hours(2).toISOString() });
    expect(explainStretch(current.stretches.first_response, current.cal).join('\n')).toContain(
      'Deadline:  Tue 2026-12-08 06:00',
    );
    expect(explainStretch(proposed.stretches.first_response, proposed.cal).join('\n')).toContain(
      'Deadline:  Tue 2026-12-08 00:00',
    );
  });

  it('a customer message that started a next response counts from its stored instant', () => {
    const steps = [
      { at: hours(1), run: (s: TicketSlaState, at: Date) => applyAgentAction(s, { action: 'reply' }, at, cal) },
      { at: hours(2), run: (s: TicketSlaState, at: Date) => applyCustomerReply(s, at, cal, 'm1') },
      { at: hours(7), run: (s: TicketSlaState, at: Date) => applyAgentAction(s, { action: 'reply' }, at, cal) },
    ];
    const { recorded } = record(steps, hours(9));
    const ticket = { ...factsFromTimeline(recorded, [hours(2).toISOString()])!, ticketId: 'T-1' };
    const replayed = replayTicket(ticket, pinned, { asOf: hours(9) });
    const outcomes = clockOutcomes(replayed.events, replayed.snapshot.clocks);
    expect(outcomes.find((o) => o.metric === 'next_response')).toMatchObject({
      result: 'breached',
      dueAt: hours(6).toISOString(),
    });
    expect(outcomes).toEqual(clockOutcomes(recorded, replayed.snapshot.clocks));
  });
});
