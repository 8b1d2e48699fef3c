import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, createCalendar } from '../../domain/calendar';
import { parsePolicyOverrides } from '../../domain/policy';
import {
  applyAgentAction,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  type Effect,
  type TicketSlaState,
} from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/** The ticket state machine (domain/ticket-sla) driven directly: no workflow, no clock but the one passed in. */

const cal = createCalendar(ALWAYS_OPEN_CALENDAR);
const MIN = 60_000;
const t0 = new Date('2026-12-01T10:00:00Z');

/** Fires every timed event due up to `until`, as the workflow does, and returns their effects. */
function runUntil(s: TicketSlaState, until: Date): Effect[] {
  const effects: Effect[] = [];
  for (let next = nextTimedEvent(s, until, cal); next && next.at <= until; next = nextTimedEvent(s, until, cal)) {
    effects.push(...fireTimedEvent(s, next, next.at, cal));
  }
  return effects;
}

const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e] : []));
const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));

describe('one escalation notice per level per ticket', () => {
  const policy = parsePolicyOverrides({
    targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 120 } },
    escalation: [
      { level: 'L2', afterBreachMinutes: 0 },
      { level: 'management', afterBreachMinutes: 240 },
    ],
  });

  it('the resolution breach of a ticket already at L2 is a breach notice to L2, not a second escalation', () => {
    const { state } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, policy }), cal);
    const effects = runUntil(state, new Date(t0.getTime() + 121 * MIN));
    expect(
      events(effects)
        .filter((e) => e.type === 'breached')
        .map((e) => [e.metric, e.level]),
    ).toEqual([
      ['first_response', 'L1'],
      ['resolution', 'L2'],
    ]);
    expect(
      events(effects)
        .filter((e) => e.type === 'escalated')
        .map((e) => e.level),
    ).toEqual(['L2']);
    expect(
      notices(effects)
        .filter((n) => n.kind === 'escalation')
        .map((n) => n.level),
    ).toEqual(['L2']);
    expect(
      notices(effects)
        .filter((n) => n.kind === 'breach')
        .map((n) => n.audience),
    ).toEqual([
      { kind: 'level', level: 'L1' },
      { kind: 'level', level: 'L2' },
    ]);
  });

  it('each level is escalated to once, by whichever clock gets there first', () => {
    const { state } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, policy }), cal);
    const effects = runUntil(state, new Date(t0.getTime() + 24 * 60 * MIN));
    expect(
      events(effects)
        .filter((e) => e.type === 'escalated')
        .map((e) => [e.metric, e.level]),
    ).toEqual([
      ['first_response', 'L2'],
      ['first_response', 'management'],
    ]);
    expect(notices(effects).filter((n) => n.kind === 'escalation')).toHaveLength(2);
    expect(state.escalationLevel).toBe('management');
  });

  it('a level reached by hand is not escalated to again when a clock breaches', () => {
    const { state } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, policy }), cal);
    const manual = applyAgentAction(
      state,
      { action: 'escalate', agent: 'sam', reason: 'VIP' },
      new Date(t0.getTime() + MIN),
      cal,
    );
    expect(notices(manual).map((n) => n.level)).toEqual(['L2']);
    const effects = runUntil(state, new Date(t0.getTime() + 61 * MIN));
    expect(events(effects).map((e) => e.type)).toEqual(['warning', 'breached']);
    expect(notices(effects).filter((n) => n.kind === 'escalation')).toEqual([]);
  });
});

describe('waiting on the customer', () => {
  it('tells the customer what they are asked for, keyed by the thread message', () => {
    const { state } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    const effects = applyAgentAction(
      state,
      { action: 'pending', agent: 'sam', reason: 'Which browser version?', messageId: 'M1' },
      new Date(t0.getTime() + MIN),
      cal,
    );
    expect(notices(effects)).toEqual([
      {
        type: 'notify',
        key: `${state.ticketId}:awaiting_customer:M1`,
        kind: 'awaiting_customer',
        audience: { kind: 'customer' },
        body: 'Which browser version?',
      },
    ]);
    expect(state.status).toBe('pending_customer');
  });

  it('sends nothing when the agent gave no reason', () => {
    const { state } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    expect(
      notices(applyAgentAction(state, { action: 'pending', agent: 'sam' }, new Date(t0.getTime() + MIN), cal)),
    ).toEqual([]);
  });
});
