import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { policyBody } from '../../api/sla-schemas';
import { createCalendar, type CalendarSpec } from '../../domain/calendar';
import { PolicyError } from '../../domain/errors';
import { parsePolicyOverrides, type SlaPolicy } from '../../domain/policy';
import {
  acknowledged,
  applyAgentAction,
  applyAgentNote,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  snapshot,
  snapshotAt,
  ticketProjection,
  type Effect,
  type PatchCheck,
  type TicketSlaState,
} from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/**
 * Level clocks and breach actions in the domain, on a weekday 09:00–17:00 UTC calendar so that business minutes
 * and wall minutes differ; every expected instant below is worked out by hand from that calendar.
 */

const NINE_TO_FIVE: CalendarSpec = {
  timezone: 'UTC',
  windows: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
    day,
    open: '09:00',
    close: '17:00',
  })),
  holidays: [],
};
const cal = createCalendar(NINE_TO_FIVE);
const at = (iso: string) => new Date(iso);
const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e] : []));

/** Normal tickets answered within 60 business minutes, resolved within 600 (high: 240); L2 at the breach. */
function policyWith(l2: Record<string, unknown>): SlaPolicy {
  return parsePolicyOverrides({
    targets: {
      normal: { firstResponseMinutes: 60, resolutionMinutes: 600 },
      high: { firstResponseMinutes: 60, resolutionMinutes: 240 },
    },
    escalation: [
      { level: 'L2', afterBreachMinutes: 0, ...l2 },
      { level: 'management', afterBreachMinutes: 480 },
    ],
  });
}

/** Received Monday 2026-12-07 16:00 UTC: first response due Monday 17:00, the close of that day's window. */
function ticketUnder(policy: SlaPolicy): TicketSlaState {
  const received = at('2026-12-07T16:00:00Z');
  const { state } = receive(intakeFor({ receivedAt: received, calendar: NINE_TO_FIVE, policy }), cal);
  acknowledged(state, received, cal);
  applyAgentAction(state, { action: 'assign', agent: 'U-sam' }, received, cal);
  return state;
}

/** Fires every timed event due up to `until`, each at its own instant; returns their effects. */
function runUntil(s: TicketSlaState, until: Date, patched?: PatchCheck): Effect[] {
  const out: Effect[] = [];
  for (let e = nextTimedEvent(s, until, cal, patched); e && e.at <= until; e = nextTimedEvent(s, until, cal, patched))
    out.push(...fireTimedEvent(s, e, e.at, cal, patched));
  return out;
}

describe('policy: level terms of an escalation step', () => {
  it('takes respondWithinMinutes and actions, and keeps steps without them as they were', () => {
    const policy = policyWith({ respondWithinMinutes: 120, actions: [{ type: 'raise_priority' }] });
    expect(policy.escalation).toEqual([
      { level: 'L2', afterBreachMinutes: 0, respondWithinMinutes: 120, actions: [{ type: 'raise_priority' }] },
      { level: 'management', afterBreachMinutes: 480 },
    ]);
  });

  it.each([
    [{ respondWithinMinutes: 0 }, 'escalation[0].respondWithinMinutes'],
    [{ respondWithinMinutes: '60' }, 'escalation[0].respondWithinMinutes'],
    [{ actions: {} }, 'escalation[0].actions'],
    [{ actions: [{ type: 'page_everyone' }] }, 'escalation[0].actions[0].type'],
    [{ actions: [{ type: 'assign' }] }, 'escalation[0].actions[0].agent'],
    [{ actions: [{ type: 'raise_priority', agent: 'x' }] }, 'escalation[0].actions[0].agent'],
    [{ actions: [{ type: 'raise_priority' }, { type: 'raise_priority' }] }, 'escalation[0].actions[1].type'],
    [{ respondWithin: 60 }, 'escalation[0].respondWithin'],
  ])('refuses %j naming %s', (l2, field) => {
    let error: unknown;
    try {
      policyWith(l2);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).field).toBe(field);
  });
});

describe("the README's escalation step schema", () => {
  it("is the API's own, descriptions aside", () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- escalation step schema[^\n]*-->\n```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const strip = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(strip)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k]) => k !== 'description')
                .map(([k, x]) => [k, strip(x)]),
            )
          : v;
    const api = z.toJSONSchema(policyBody, { io: 'input' }) as unknown as {
      properties: { escalation: { items: unknown } };
    };
    expect(JSON.parse(block ?? 'null')).toEqual(strip(api.properties.escalation.items));
  });
});

describe('a level clock', () => {
  // L2 is reached at Monday 17:00 (the breach, escalated at once). 120 business minutes from a closed instant
  // start at Tuesday 09:00: due Tuesday 11:00, warned at 75 % (90 minutes) Tuesday 10:30.
  it('starts when the breach escalates, warns the level and breaches at its instants, telling the next level once', () => {
    const s = ticketUnder(policyWith({ respondWithinMinutes: 120 }));
    const escalated = runUntil(s, at('2026-12-07T17:00:00Z'));
    expect(events(escalated).map((e) => [e.type, e.metric, e.level])).toEqual([
      ['warning', 'first_response', 'L1'],
      ['breached', 'first_response', 'L1'],
      ['escalated', 'first_response', 'L2'],
    ]);
    const clock = snapshot(s, at('2026-12-07T17:00:00Z'), cal).clocks.find((c) => c.metric === 'level')!;
    expect(clock).toMatchObject({ level: 'L2', targetMinutes: 120, dueAt: '2026-12-08T11:00:00.000Z' });
    expect(clock.warningAt).toBe('2026-12-08T10:30:00.000Z');

    expect(nextTimedEvent(s, at('2026-12-07T17:00:00Z'), cal)).toMatchObject({
      kind: 'level_warning',
      at: at('2026-12-08T10:30:00Z'),
    });
    const warned = runUntil(s, at('2026-12-08T10:30:00Z'));
    expect(events(warned).map((e) => [e.type, e.metric, e.level, e.at])).toEqual([
      ['warning', 'level', 'L2', '2026-12-08T10:30:00.000Z'],
    ]);
    expect(notices(warned).map((n) => [n.kind, n.audience])).toEqual([
      ['level_warning', { kind: 'level', level: 'L2' }],
      ['level_warning', { kind: 'agent', agent: 'U-sam' }],
    ]);

    const breached = runUntil(s, at('2026-12-08T11:00:00Z'));
    expect(events(breached).map((e) => [e.type, e.metric, e.level, e.at, e.dueAt])).toEqual([
      ['breached', 'level', 'L2', '2026-12-08T11:00:00.000Z', '2026-12-08T11:00:00.000Z'],
    ]);
    expect(notices(breached).map((n) => [n.kind, n.level, n.audience])).toEqual([
      ['level_breach', 'L2', { kind: 'level', level: 'management' }],
      ['level_breach', 'L2', { kind: 'agent', agent: 'U-sam' }],
    ]);
    // Told once: nothing of the level's is due again.
    expect(nextTimedEvent(s, at('2026-12-08T11:00:00Z'), cal)?.kind).not.toMatch(/^level_/);
    expect(snapshot(s, at('2026-12-08T11:30:00Z'), cal).clocks.find((c) => c.metric === 'level')).toMatchObject({
      breached: true,
      usedMinutes: 150,
      stopped: false,
    });
  });

  it("reads from the ticket's row as the workflow would answer, moving none of the ticket's deadlines", () => {
    const s = ticketUnder(policyWith({ respondWithinMinutes: 120 }));
    runUntil(s, at('2026-12-07T17:00:00Z'));
    const row = ticketProjection(s, snapshot(s, at('2026-12-07T17:00:00Z'), cal), at('2026-12-07T17:00:00Z'));
    for (const later of ['2026-12-08T10:00:00Z', '2026-12-08T11:30:00Z']) {
      const read = snapshotAt(row as Parameters<typeof snapshotAt>[0], at(later), cal);
      const live = snapshot(s, at(later), cal);
      const level = (x: typeof live) => x.clocks.find((c) => c.metric === 'level');
      expect(level(read)).toMatchObject({
        usedMinutes: level(live)!.usedMinutes,
        breached: later > '2026-12-08T11:00',
      });
      expect([read.nextDeadline, read.slaState]).toEqual([live.nextDeadline, 'breached']);
    }
  });

  it('stops when the level acts (a note), met, and sets no more timers', () => {
    const s = ticketUnder(policyWith({ respondWithinMinutes: 120 }));
    runUntil(s, at('2026-12-07T17:00:00Z'));
    const noted = applyAgentNote(s, at('2026-12-08T10:00:00Z'), cal);
    expect(events(noted)).toEqual([
      expect.objectContaining({
        type: 'responded',
        metric: 'level',
        level: 'L2',
        detail: { businessMinutesUsed: 60, targetMinutes: 120, met: true, action: 'note' },
      }),
    ]);
    expect(nextTimedEvent(s, at('2026-12-08T10:00:00Z'), cal)?.kind).not.toMatch(/^level_/);
    // A second note changes nothing.
    expect(applyAgentNote(s, at('2026-12-08T10:05:00Z'), cal)).toEqual([]);
  });

  it('starts when an agent escalates by hand, from that instant', () => {
    const s = ticketUnder(policyWith({ respondWithinMinutes: 30 }));
    applyAgentAction(s, { action: 'escalate', agent: 'sam' }, at('2026-12-07T16:10:00Z'), cal);
    // 30 business minutes from Monday 16:10: Monday 16:40.
    expect(s.levelClock).toMatchObject({ level: 'L2', dueAt: '2026-12-07T16:40:00.000Z' });
    applyAgentAction(s, { action: 'reply', body: 'On it.' }, at('2026-12-07T16:50:00Z'), cal);
    expect(s.levelClock).toMatchObject({ stoppedAt: '2026-12-07T16:50:00.000Z', stoppedBy: 'reply' });
  });

  it('is not started for a run recorded before the patch', () => {
    const s = ticketUnder(policyWith({ respondWithinMinutes: 120, actions: [{ type: 'raise_priority' }] }));
    const asked: string[] = [];
    const before: PatchCheck = (id) => {
      asked.push(id);
      return id !== 'level-clocks';
    };
    runUntil(s, at('2026-12-07T17:00:00Z'), before);
    expect(asked).toContain('level-clocks');
    expect(s.levelClock).toBeUndefined();
    expect(s.priority).toBe('normal');
  });

  it('is never asked about a ticket whose policy has no level terms', () => {
    const s = ticketUnder(policyWith({}));
    const asked: string[] = [];
    runUntil(s, at('2026-12-09T17:00:00Z'), (id) => {
      asked.push(id);
      return true;
    });
    expect(asked).not.toContain('level-clocks');
  });
});

describe('breach actions', () => {
  it('raise the priority one step at the escalation, re-timing the clocks from it, and assign, each once', () => {
    const s = ticketUnder(policyWith({ actions: [{ type: 'raise_priority' }, { type: 'assign', agent: 'U-lee' }] }));
    const effects = runUntil(s, at('2026-12-07T17:00:00Z'));
    const actions = events(effects).filter((e) => e.type === 'breach_action');
    expect(actions.map((e) => e.detail)).toEqual([
      { action: 'raise_priority', from: 'normal', to: 'high', changed: true },
      { action: 'assign', from: 'U-sam', to: 'U-lee', changed: true },
    ]);
    expect(s.priority).toBe('high');
    expect(s.assignee).toBe('U-lee');
    expect(notices(effects).filter((n) => n.kind === 'assigned')).toEqual([
      expect.objectContaining({ audience: { kind: 'agent', agent: 'U-lee' } }),
    ]);
    // Resolution had used 60 of its minutes (Monday 16:00–17:00); high's 240 leave 180: Tuesday 12:00.
    const resolution = snapshot(s, at('2026-12-07T17:00:00Z'), cal).clocks.find((c) => c.metric === 'resolution')!;
    expect(resolution).toMatchObject({ targetMinutes: 240, dueAt: '2026-12-08T12:00:00.000Z' });

    // The resolution breach escalates to L2 again for its own clock: the actions do not run a second time.
    const later = runUntil(s, at('2026-12-08T12:00:00Z'));
    expect(events(later).map((e) => e.type)).not.toContain('breach_action');
    expect(s.priority).toBe('high');
  });

  it('raise_priority at urgent changes nothing, and says so', () => {
    const policy = policyWith({ actions: [{ type: 'raise_priority' }] });
    const received = at('2026-12-07T16:00:00Z');
    const { state } = receive(
      intakeFor({ receivedAt: received, calendar: NINE_TO_FIVE, policy, priority: 'urgent' }),
      cal,
    );
    acknowledged(state, received, cal);
    const effects = runUntil(state, at('2026-12-08T12:00:00Z'));
    expect(events(effects).find((e) => e.type === 'breach_action')?.detail).toEqual({
      action: 'raise_priority',
      from: 'urgent',
      to: 'urgent',
      changed: false,
    });
  });
});
