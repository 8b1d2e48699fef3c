import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { policyBody } from '../../api/sla-schemas';
import { createCalendar, type CalendarSpec } from '../../domain/calendar';
import { PolicyError } from '../../domain/errors';
import { DEFAULT_POLICY, parsePolicyOverrides, type SlaPolicy } from '../../domain/policy';
import {
  acknowledged,
  applyAgentAction,
  applyCustomerReply,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  snapshot,
  type Effect,
  type PatchCheck,
  type TicketSlaState,
} from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/**
 * Pause reasons (policy `pauses`, `pending` with `waitingOn`) driven through the domain directly. The calendar is
 * weekdays 09:00–17:00 UTC, so the business-minute instants below are worked out by hand from it.
 */

const NINE_TO_FIVE: CalendarSpec = {
  timezone: 'UTC',
  windows: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({
    day: day as CalendarSpec['windows'][number]['day'],
    open: '09:00',
    close: '17:00',
  })),
  holidays: [],
};
const cal = createCalendar(NINE_TO_FIVE);
/** Monday 2026-12-07, 10:00 UTC: support is open. */
const MONDAY_10 = new Date('2026-12-07T10:00:00Z');
const at = (iso: string) => new Date(iso);

function openTicket(policy: SlaPolicy = DEFAULT_POLICY): TicketSlaState {
  const { state } = receive(intakeFor({ receivedAt: MONDAY_10, calendar: NINE_TO_FIVE, policy }), cal);
  acknowledged(state, MONDAY_10, cal);
  applyAgentAction(state, { action: 'assign', agent: 'U-agent' }, MONDAY_10, cal);
  return state;
}

const clockOf = (s: TicketSlaState, metric: string, now: Date) =>
  snapshot(s, now, cal).clocks.find((c) => c.metric === metric)!;
const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e] : []));

/** A ticket with an agent's reply and a customer's follow-up: its next-response clock runs. */
function withNextResponse(policy?: SlaPolicy): TicketSlaState {
  const s = openTicket(policy);
  applyAgentAction(s, { action: 'reply', body: 'Which version?' }, at('2026-12-07T10:30:00Z'), cal);
  applyCustomerReply(s, at('2026-12-07T11:00:00Z'), cal, 'M1');
  return s;
}

describe('which clocks each reason pauses', () => {
  it('customer (the default reason): the resolution clock only, and the customer is told the reason', () => {
    const s = withNextResponse();
    const now = at('2026-12-07T11:30:00Z');
    const effects = applyAgentAction(s, { action: 'pending', reason: 'Send the log' }, now, cal);
    expect(clockOf(s, 'resolution', now).paused).toBe(true);
    expect(clockOf(s, 'next_response', now).paused).toBe(false);
    expect(notices(effects).map((n) => [n.kind, n.audience.kind, n.body])).toEqual([
      ['awaiting_customer', 'customer', 'Send the log'],
    ]);
    expect(snapshot(s, now, cal).pause).toMatchObject({ waitingOn: 'customer', label: 'Waiting on you' });
  });

  it('vendor (default terms): the resolution clock only; the customer is not mailed the reason', () => {
    const s = withNextResponse();
    const now = at('2026-12-07T11:30:00Z');
    const effects = applyAgentAction(
      s,
      { action: 'pending', waitingOn: 'vendor', vendor: 'payments-gw', reason: 'Gateway ticket 123' },
      now,
      cal,
    );
    expect(clockOf(s, 'resolution', now).paused).toBe(true);
    expect(clockOf(s, 'next_response', now).paused).toBe(false);
    expect(notices(effects)).toEqual([]);
    expect(events(effects).map((e) => [e.type, e.metric, e.detail?.waitingOn])).toEqual([
      ['paused', 'resolution', 'vendor'],
    ]);
    expect(snapshot(s, now, cal).pause).toMatchObject({ waitingOn: 'vendor', vendor: 'payments-gw', endsAt: null });
  });

  it('hold (default terms): resolution and next response', () => {
    const s = withNextResponse();
    const now = at('2026-12-07T11:30:00Z');
    applyAgentAction(s, { action: 'pending', waitingOn: 'hold' }, now, cal);
    expect(clockOf(s, 'resolution', now).paused).toBe(true);
    expect(clockOf(s, 'next_response', now).paused).toBe(true);
    expect(snapshot(s, now, cal).pause?.clocks).toEqual(['resolution', 'next_response']);
  });

  it("a policy's own reason pauses exactly its clocks, first response included", () => {
    const policy = parsePolicyOverrides({
      pauses: { parts: { label: 'Waiting on parts', clocks: ['first_response', 'resolution'] } },
    });
    const s = openTicket(policy);
    const now = at('2026-12-07T10:20:00Z');
    applyAgentAction(s, { action: 'pending', waitingOn: 'parts' }, now, cal);
    expect(clockOf(s, 'first_response', now).paused).toBe(true);
    expect(clockOf(s, 'resolution', now).paused).toBe(true);
    // 20 business minutes used by each before the pause; an hour later they still show 20.
    const later = at('2026-12-07T11:20:00Z');
    expect(clockOf(s, 'first_response', later).usedMinutes).toBe(20);
    expect(clockOf(s, 'resolution', later).usedMinutes).toBe(20);
  });

  it('the customer writing ends any wait: the paused clocks resume from that instant', () => {
    const s = withNextResponse();
    applyAgentAction(s, { action: 'pending', waitingOn: 'hold' }, at('2026-12-07T11:30:00Z'), cal);
    const now = at('2026-12-07T14:00:00Z');
    const effects = applyCustomerReply(s, now, cal, 'M2');
    expect(s.status).toBe('open');
    expect(clockOf(s, 'resolution', now).paused).toBe(false);
    const ended = events(effects).find((e) => e.type === 'pause_ended')!;
    expect(ended.detail).toMatchObject({ waitingOn: 'hold', endedBy: 'customer_reply', businessMinutesPaused: 150 });
  });
});

describe('maxMinutes ends a pause by itself', () => {
  const policy = parsePolicyOverrides({ pauses: { hold: { maxMinutes: 120 } } });

  it('at the business instant it allows, resuming the clocks, reopening the ticket and telling the assignee', () => {
    const s = withNextResponse(policy);
    // Monday 16:00 + 120 business minutes: 60 until Monday's close, 60 from Tuesday's 09:00 opening.
    const pausedAt = at('2026-12-07T16:00:00Z');
    const expected = at('2026-12-08T10:00:00Z');
    applyAgentAction(s, { action: 'pending', waitingOn: 'hold' }, pausedAt, cal);
    const usedBefore = clockOf(s, 'resolution', pausedAt).usedMinutes;
    const next = nextTimedEvent(s, pausedAt, cal)!;
    expect([next.kind, next.at.toISOString()]).toEqual(['pause_expired', expected.toISOString()]);
    expect(snapshot(s, pausedAt, cal).pause?.endsAt).toBe(expected.toISOString());

    const effects = fireTimedEvent(s, next, next.at, cal);
    expect(s.status).toBe('open');
    expect(snapshot(s, expected, cal).pause).toBeNull();
    expect(clockOf(s, 'resolution', expected)).toMatchObject({ paused: false, usedMinutes: usedBefore });
    expect(clockOf(s, 'next_response', expected).paused).toBe(false);
    expect(events(effects).map((e) => [e.type, e.metric ?? ''])).toEqual([
      ['resumed', 'resolution'],
      ['resumed', 'next_response'],
      ['pause_ended', ''],
    ]);
    expect(events(effects).at(-1)!.detail).toMatchObject({
      endedBy: 'max_minutes',
      businessMinutesPaused: 120,
      minutesPaused: 18 * 60,
    });
    expect(notices(effects).map((n) => [n.kind, n.audience, n.reason])).toEqual([
      ['pause_expired', { kind: 'agent', agent: 'U-agent' }, 'On hold at your request'],
    ]);
  });

  it('tells the current level when nobody is assigned', () => {
    const { state: s } = receive(intakeFor({ receivedAt: MONDAY_10, calendar: NINE_TO_FIVE, policy }), cal);
    applyAgentAction(s, { action: 'pending', waitingOn: 'hold' }, MONDAY_10, cal);
    const next = nextTimedEvent(s, MONDAY_10, cal)!;
    expect(next.at.toISOString()).toBe('2026-12-07T12:00:00.000Z');
    const effects = fireTimedEvent(s, next, next.at, cal);
    expect(notices(effects).map((n) => n.audience)).toEqual([{ kind: 'level', level: 'L1' }]);
  });

  it('under a scope review, the end of the pause leaves its clocks to the review’s decision', () => {
    const s = withNextResponse(policy);
    const pausedAt = at('2026-12-07T11:30:00Z');
    applyAgentAction(s, { action: 'pending', waitingOn: 'hold' }, pausedAt, cal);
    applyAgentAction(s, { action: 'reclassify', category: 'training' }, at('2026-12-07T11:40:00Z'), cal);
    expect(s.awaitingScopeReview).toBe(true);
    const next = nextTimedEvent(s, pausedAt, cal)!;
    expect([next.kind, next.at.toISOString()]).toEqual(['pause_expired', '2026-12-07T13:30:00.000Z']);
    fireTimedEvent(s, next, next.at, cal);
    expect(clockOf(s, 'resolution', next.at).paused).toBe(true);
    applyAgentAction(s, { action: 'accept' }, at('2026-12-07T14:00:00Z'), cal);
    expect(clockOf(s, 'resolution', at('2026-12-07T14:00:00Z')).paused).toBe(false);
    expect(clockOf(s, 'next_response', at('2026-12-07T14:00:00Z')).paused).toBe(false);
  });

  it('a reason without maxMinutes sets no timer of its own', () => {
    const s = openTicket(policy);
    applyAgentAction(s, { action: 'pending', waitingOn: 'vendor' }, MONDAY_10, cal);
    expect(nextTimedEvent(s, MONDAY_10, cal)?.kind).not.toBe('pause_expired');
  });
});

describe('paused time per reason', () => {
  it('adds up each reason, the running pause counted to now', () => {
    const s = openTicket();
    applyAgentAction(s, { action: 'pending' }, at('2026-12-07T10:00:00Z'), cal);
    applyCustomerReply(s, at('2026-12-07T10:30:00Z'), cal, 'M1');
    applyAgentAction(s, { action: 'pending', waitingOn: 'vendor' }, at('2026-12-07T11:00:00Z'), cal);
    applyCustomerReply(s, at('2026-12-07T11:45:00Z'), cal, 'M2');
    applyAgentAction(s, { action: 'pending', waitingOn: 'vendor' }, at('2026-12-07T16:30:00Z'), cal);
    // Overnight: 30 business minutes to Monday's close, 15 from Tuesday's opening.
    const now = at('2026-12-08T09:15:00Z');
    expect(snapshot(s, now, cal).pausedTime).toEqual([
      { waitingOn: 'customer', pauses: 1, businessMinutes: 30, minutes: 30 },
      { waitingOn: 'vendor', pauses: 2, businessMinutes: 45 + 45, minutes: 45 + 16 * 60 + 45 },
    ]);
  });

  it('a pause ended by resolving the ticket counts up to the resolution', () => {
    const s = openTicket();
    applyAgentAction(s, { action: 'pending', waitingOn: 'vendor' }, at('2026-12-07T10:00:00Z'), cal);
    const effects = applyAgentAction(s, { action: 'resolve' }, at('2026-12-07T12:00:00Z'), cal);
    expect(events(effects).find((e) => e.type === 'pause_ended')?.detail).toMatchObject({
      endedBy: 'resolved',
      businessMinutesPaused: 120,
    });
    expect(snapshot(s, at('2026-12-09T12:00:00Z'), cal).pausedTime).toEqual([
      { waitingOn: 'vendor', pauses: 1, businessMinutes: 120, minutes: 120 },
    ]);
  });
});

describe('tickets before pause reasons', () => {
  it('a policy stored without `pauses` pauses as before: the resolution clock, the customer told', () => {
    const { pauses: _none, ...old } = DEFAULT_POLICY;
    const s = withNextResponse(old as SlaPolicy);
    const now = at('2026-12-07T11:30:00Z');
    const effects = applyAgentAction(s, { action: 'pending', reason: 'Send the log' }, now, cal);
    expect(clockOf(s, 'resolution', now).paused).toBe(true);
    expect(clockOf(s, 'next_response', now).paused).toBe(false);
    expect(notices(effects).map((n) => n.kind)).toEqual(['awaiting_customer']);
  });

  it('a run recorded before the patch keeps its old decisions on replay: no reason, no timer', () => {
    const unpatched: PatchCheck = (id) => id !== 'pause-reasons';
    const policy = parsePolicyOverrides({ pauses: { hold: { maxMinutes: 60 } } });
    const s = withNextResponse(policy);
    const now = at('2026-12-07T11:30:00Z');
    applyAgentAction(s, { action: 'pending', waitingOn: 'hold' }, now, cal, unpatched);
    expect(clockOf(s, 'next_response', now).paused).toBe(false);
    expect(snapshot(s, now, cal).pause).toBeNull();
    expect(nextTimedEvent(s, now, cal, unpatched)?.kind).not.toBe('pause_expired');
  });
});

describe('the policy’s `pauses`', () => {
  const fieldOf = (input: unknown) => {
    try {
      parsePolicyOverrides(input);
    } catch (err) {
      return (err as PolicyError).field;
    }
    return null;
  };

  it('defaults to customer, vendor and hold; a reason given changes only itself', () => {
    expect(Object.keys(DEFAULT_POLICY.pauses!)).toEqual(['customer', 'vendor', 'hold']);
    const policy = parsePolicyOverrides({ pauses: { vendor: { clocks: ['resolution', 'next_response'] } } });
    expect(policy.pauses!.vendor).toEqual({
      label: 'Waiting on a third party',
      clocks: ['resolution', 'next_response'],
      tellCustomer: false,
    });
    expect(policy.pauses!.customer).toEqual(DEFAULT_POLICY.pauses!.customer);
  });

  it('names the field of an unknown field, clock or bad value', () => {
    expect(fieldOf({ pauses: { hold: { minutes: 5 } } })).toBe('pauses.hold.minutes');
    expect(fieldOf({ pauses: { vendor: { clocks: ['vendor_time'] } } })).toBe('pauses.vendor.clocks[0]');
    expect(fieldOf({ pauses: { parts: { clocks: ['resolution'] } } })).toBe('pauses.parts.label');
    expect(fieldOf({ pauses: { hold: { maxMinutes: 0 } } })).toBe('pauses.hold.maxMinutes');
    expect(fieldOf({ pauses: { 'Bad Id': { label: 'x', clocks: ['resolution'] } } })).toBe('pauses.Bad Id');
    expect(fieldOf({ pauses: [] })).toBe('pauses');
  });
});

describe("README's schema of `pauses`", () => {
  it('is the one the server states in /openapi.json', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const marker = readme.indexOf("<!-- the policy's pauses, as JSON Schema");
    expect(marker).toBeGreaterThan(0);
    const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(marker))![1]!;
    const {
      description: _d,
      $schema: _s,
      ...served
    } = z.toJSONSchema(policyBody.shape.pauses.unwrap(), { io: 'input' }) as Record<string, unknown>;
    expect(JSON.parse(block)).toEqual(served);
  });
});
