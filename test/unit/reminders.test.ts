import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reminderList } from '../../api/reminder-schema';
import { ALWAYS_OPEN_CALENDAR, createCalendar, type CalendarSpec } from '../../domain/calendar';
import type { PolicyError } from '../../domain/errors';
import { DEFAULT_POLICY, parsePolicyOverrides, type SlaPolicy } from '../../domain/policy';
import {
  acknowledged,
  applyAgentAction,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  type Effect,
  type PatchCheck,
  type TicketSlaState,
  type VendorTerms,
} from '../../domain/ticket-sla';
import { buildConfig } from '../../lib/sla-config';
import { intakeFor } from '../support/intake';

/**
 * A policy's `reminders` through the domain: parsing (each rejection names its field), the default's one warning
 * kept as it was, the `warningAt` shorthand, and a vendor clock's reminders. Instants are worked out by hand.
 */

const fieldOf = (input: unknown) => {
  try {
    parsePolicyOverrides(input);
  } catch (err) {
    return (err as PolicyError).field;
  }
  return null;
};

const THREE = [
  { at: 0.5, notify: ['assignee'] },
  { at: 0.75, notify: ['level', 'webhook'], supportHoursOnly: true },
  { at: 0.9, notify: ['assignee', 'organization'] },
];

describe('the policy’s `reminders`', () => {
  it('takes a list of {at, notify, supportHoursOnly}, supportHoursOnly false when left out', () => {
    const policy = parsePolicyOverrides({ reminders: THREE });
    expect(policy.reminders).toEqual([
      { at: 0.5, notify: ['assignee'], supportHoursOnly: false },
      { at: 0.75, notify: ['level', 'webhook'], supportHoursOnly: true },
      { at: 0.9, notify: ['assignee', 'organization'], supportHoursOnly: false },
    ]);
    expect(DEFAULT_POLICY.reminders).toBeUndefined();
  });

  it('names the field of an unknown field, audience or bad value', () => {
    expect(fieldOf({ reminders: {} })).toBe('reminders');
    expect(fieldOf({ reminders: [{ at: 0.5, notify: ['level'], when: 'now' }] })).toBe('reminders[0].when');
    expect(fieldOf({ reminders: [{ at: 1, notify: ['level'] }] })).toBe('reminders[0].at');
    expect(fieldOf({ reminders: [{ at: 0, notify: ['level'] }] })).toBe('reminders[0].at');
    expect(fieldOf({ reminders: [{ at: '50%', notify: ['level'] }] })).toBe('reminders[0].at');
    expect(fieldOf({ reminders: [{ at: 0.5, notify: [] }] })).toBe('reminders[0].notify');
    expect(fieldOf({ reminders: [{ at: 0.5 }] })).toBe('reminders[0].notify');
    expect(fieldOf({ reminders: [THREE[0], { at: 0.6, notify: ['level', 'customer'] }] })).toBe(
      'reminders[1].notify[1]',
    );
    expect(fieldOf({ reminders: [{ at: 0.5, notify: ['level', 'level'] }] })).toBe('reminders[0].notify[1]');
    expect(fieldOf({ reminders: [{ at: 0.5, notify: ['level'], supportHoursOnly: 'yes' }] })).toBe(
      'reminders[0].supportHoursOnly',
    );
    expect(fieldOf({ reminders: [THREE[0], { at: 0.5, notify: ['level'] }] })).toBe('reminders[1].at');
  });

  it('`warningAt` alone is the one-reminder shorthand: it replaces the reminders of the policy it changes', () => {
    const withReminders = parsePolicyOverrides({ reminders: THREE });
    expect(parsePolicyOverrides({ warningAt: 0.6 }, withReminders).reminders).toBeUndefined();
    expect(parsePolicyOverrides({ categories: withReminders.categories }, withReminders).reminders).toHaveLength(3);
  });

  it('an SLA_CONFIG file takes them, and refuses a bad one naming the field', () => {
    const config = buildConfig({ policy: { reminders: THREE } }, new Date('2026-12-07T00:00:00Z'));
    expect(config.policy.reminders?.map((r) => r.at)).toEqual([0.5, 0.75, 0.9]);
    expect(() => buildConfig({ policy: { reminders: [{ at: 0.5, notify: ['cfo'] }] } }, new Date())).toThrow(
      /reminders\[0\]\.notify\[0\]/,
    );
  });
});

const RECEIVED = new Date('2026-12-07T10:00:00Z'); // a Monday
const MIN = 60_000;

function openTicket(policy: SlaPolicy, calendar: CalendarSpec = ALWAYS_OPEN_CALENDAR): TicketSlaState {
  const cal = createCalendar(calendar);
  const { state } = receive(intakeFor({ receivedAt: RECEIVED, calendar, policy, priority: 'urgent' }), cal);
  acknowledged(state, RECEIVED, cal);
  applyAgentAction(state, { action: 'assign', agent: 'U-agent' }, RECEIVED, cal);
  return state;
}

/** Fires every timed event due up to `until`, in order; the kinds and instants fired. */
function runUntil(s: TicketSlaState, until: Date, patched?: PatchCheck) {
  const cal = createCalendar(s.calendar);
  const fired: { kind: string; at: number; effects: Effect[] }[] = [];
  for (let next = nextTimedEvent(s, RECEIVED, cal, patched); next && next.at <= until;) {
    fired.push({ kind: next.kind, at: next.at.getTime(), effects: fireTimedEvent(s, next, next.at, cal, patched) });
    next = nextTimedEvent(s, next.at, cal, patched);
  }
  return fired;
}

describe('reminders on the clocks', () => {
  const policy = parsePolicyOverrides({
    targets: {
      urgent: { firstResponse: { minutes: 100, clock: '24x7' }, resolution: { minutes: 200, clock: '24x7' } },
    },
    reminders: THREE,
  });

  it('fire once per clock at their fractions; the default policy keeps its one warning at 75 %', () => {
    const s = openTicket(policy);
    const fired = runUntil(s, new Date(RECEIVED.getTime() + 95 * MIN)).filter((f) => f.kind === 'reminder');
    // First response: 50, 75 and 90 minutes; resolution: 100 (its 50 %), all 24x7.
    expect(fired.map((f) => (f.at - RECEIVED.getTime()) / MIN)).toEqual([50, 75, 90]);
    const warning = fired[0]!.effects.find((e) => e.type === 'event')!;
    expect(warning).toMatchObject({ event: { type: 'warning', metric: 'first_response', detail: { threshold: 0.5 } } });

    const old = openTicket(DEFAULT_POLICY);
    const kinds = runUntil(old, new Date(RECEIVED.getTime() + 2 * 24 * 60 * MIN)).map((f) => f.kind);
    expect(kinds).toContain('warning');
    expect(kinds).not.toContain('reminder');
  });

  it('one held for support hours past the target is not sent: the breach is', () => {
    // Weekdays 09:00–17:00 UTC; received Monday 10:00 with 24x7 targets: first response 100 minutes, resolution 600
    // (due 20:00, after the close). Resolution's 50 % (15:00) is inside the hours: sent. Its 75 % (17:30) and 90 %
    // (19:00) would wait for Tuesday 09:00, after the target: not sent.
    const weekdays: CalendarSpec = {
      timezone: 'UTC',
      windows: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
        day,
        open: '09:00',
        close: '17:00',
      })),
      holidays: [],
    };
    const held = parsePolicyOverrides({
      targets: {
        urgent: { firstResponse: { minutes: 100, clock: '24x7' }, resolution: { minutes: 600, clock: '24x7' } },
      },
      reminders: [
        { at: 0.5, notify: ['level'], supportHoursOnly: true },
        { at: 0.75, notify: ['level'], supportHoursOnly: true },
        { at: 0.9, notify: ['level'], supportHoursOnly: true },
      ],
    });
    const s = openTicket(held, weekdays);
    const fired = runUntil(s, new Date('2026-12-08T12:00:00Z'))
      .filter((f) => f.effects.some((e) => e.type === 'event' && e.event.metric === 'resolution'))
      .map((f) => [f.kind, new Date(f.at).toISOString()]);
    expect(fired).toEqual([
      ['reminder', '2026-12-07T15:00:00.000Z'],
      ['breach', '2026-12-07T20:00:00.000Z'],
    ]);
  });

  it('a run that did not ask for them (replaying an older history) keeps the one warning', () => {
    const s = openTicket(policy);
    const notPatched: PatchCheck = (id) => id !== 'policy-reminders';
    const kinds = runUntil(s, new Date(RECEIVED.getTime() + 95 * MIN), notPatched).map((f) => f.kind);
    expect(kinds).toEqual(['warning']);
  });

  it("a vendor clock takes the policy's reminders, to the ticket's staff only", () => {
    const s = openTicket(policy);
    const cal = createCalendar(s.calendar);
    const vendor: VendorTerms = { id: 'acme', name: 'Acme', calendar: null, targetMinutes: 60, contacts: [] };
    applyAgentAction(s, { action: 'reply', body: 'Asking Acme.' }, RECEIVED, cal);
    applyAgentAction(s, { action: 'pending', waitingOn: 'vendor', vendor: 'acme', vendorTerms: vendor }, RECEIVED, cal);
    const fired = runUntil(s, new Date(RECEIVED.getTime() + 59 * MIN)).filter((f) => f.kind === 'vendor_reminder');
    expect(fired.map((f) => (f.at - RECEIVED.getTime()) / MIN)).toEqual([30, 45, 54]);
    const notices = fired.flatMap((f) => f.effects.filter((e) => e.type === 'notify'));
    // 90 % names the organization too, but a vendor's wait is not the customer's to hear of.
    expect(notices.map((n) => (n.type === 'notify' ? n.audience.kind : ''))).toEqual(['agent', 'level', 'agent']);
  });
});

describe("README's schema of `reminders`", () => {
  it('is the one the server states in /openapi.json', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const marker = readme.indexOf("<!-- the policy's reminders, as JSON Schema");
    const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(marker))![1]!;
    const {
      description: _d,
      $schema: _s,
      ...served
    } = z.toJSONSchema(reminderList, { io: 'input' }) as Record<string, unknown>;
    expect(JSON.parse(block)).toEqual(served);
  });
});
