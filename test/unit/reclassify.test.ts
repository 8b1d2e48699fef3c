import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import {
  applyAgentAction,
  applyCustomerReply,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  snapshot,
  type Effect,
} from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/** Reclassification (domain/ticket-sla/scope.ts) driven directly on a 24/7 calendar, so business time is wall time. */

const cal = createCalendar(ALWAYS_OPEN_CALENDAR);
const MIN = 60_000;
const t0 = new Date('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * MIN);
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e] : []));
const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
const clock = (s: Parameters<typeof snapshot>[0], now: Date, metric: string) =>
  snapshot(s, now, cal).clocks.find((c) => c.metric === metric)!;

describe('reclassify', () => {
  it('into an out-of-scope category pauses the clocks and starts the review; back out resumes them without the review time', () => {
    const { state: s } = receive(
      intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, priority: 'normal' }),
      cal,
    );
    const into = applyAgentAction(
      s,
      { action: 'reclassify', category: 'custom-development', reason: 'asks for a new report', agent: 'Sam' },
      at(60),
      cal,
    );
    expect(s).toMatchObject({
      category: 'custom-development',
      awaitingScopeReview: true,
      scopeReviewDueAt: at(60 + DEFAULT_POLICY.reviewWindowMinutes).toISOString(),
    });
    expect(events(into)).toEqual([
      expect.objectContaining({
        type: 'reclassified',
        detail: expect.objectContaining({
          from: 'bug',
          to: 'custom-development',
          reason: 'asks for a new report',
          outOfScope: true,
        }),
      }),
    ]);
    expect(notices(into)).toEqual([
      expect.objectContaining({
        kind: 'out_of_scope',
        key: `${s.ticketId}:out_of_scope:1`,
        audience: { kind: 'customer' },
      }),
    ]);
    expect(clock(s, at(180), 'first_response')).toMatchObject({ paused: true, usedMinutes: 60 });
    // No deadline fires while the ticket is under review, except the review's own: its reminder at three quarters
    // of the window, then its end.
    expect(nextTimedEvent(s, at(180), cal)).toMatchObject({
      kind: 'scope_review_reminder',
      at: at(60 + DEFAULT_POLICY.reviewWindowMinutes * 0.75),
    });
    expect(nextTimedEvent(s, at(180), cal, () => false)?.kind).toBe('scope_review_expired');

    const back = applyAgentAction(
      s,
      { action: 'reclassify', category: 'question', reason: 'a question after all' },
      at(180),
      cal,
    );
    expect(s.awaitingScopeReview).toBe(false);
    const first = clock(s, at(180), 'first_response');
    expect(first).toMatchObject({ paused: false, usedMinutes: 60 });
    // 24 business hours, 1 used before the review, none during it.
    expect(first.dueAt).toBe(at(180 + 23 * 60).toISOString());
    expect(notices(back)).toEqual([
      expect.objectContaining({ kind: 'scope_accepted', metric: 'first_response', dueAt: first.dueAt }),
    ]);
  });

  it('out of a category that was out of scope at intake starts the clocks at the reclassification with full targets', () => {
    const { state: s } = receive(
      intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, category: 'training', priority: 'high' }),
      cal,
    );
    expect(s.awaitingScopeReview).toBe(true);
    applyAgentAction(s, { action: 'reclassify', category: 'question' }, at(120), cal);
    expect(clock(s, at(120), 'first_response')).toMatchObject({
      usedMinutes: 0,
      dueAt: at(120 + 8 * 60).toISOString(),
    });
    expect(clock(s, at(120), 'resolution').dueAt).toBe(at(120 + 24 * 60).toISOString());
  });

  it('closes the ticket as out of scope when nobody accepts it within the window, its paused clocks stopped', () => {
    const { state: s } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    applyAgentAction(s, { action: 'reclassify', category: 'third-party' }, at(10), cal);
    const reminder = nextTimedEvent(s, at(10), cal)!;
    expect(reminder.kind).toBe('scope_review_reminder');
    expect(notices(fireTimedEvent(s, reminder, reminder.at, cal))).toEqual([
      expect.objectContaining({ kind: 'scope_review_reminder', audience: { kind: 'customer' } }),
    ]);
    const expiry = nextTimedEvent(s, reminder.at, cal)!;
    expect(expiry.kind).toBe('scope_review_expired');
    fireTimedEvent(s, expiry, expiry.at, cal);
    expect(s.status).toBe('out_of_scope');
    expect(snapshot(s, expiry.at, cal).clocks.every((c) => c.stopped)).toBe(true);
  });

  it('an accepted reclassified ticket resumes its clocks and is told under a key of its own', () => {
    const { state: s } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    applyAgentAction(s, { action: 'reclassify', category: 'training' }, at(30), cal);
    const accepted = applyAgentAction(s, { action: 'accept' }, at(90), cal);
    expect(notices(accepted)).toEqual([
      expect.objectContaining({ kind: 'scope_accepted', key: `${s.ticketId}:scope_accepted:1` }),
    ]);
    expect(clock(s, at(90), 'first_response')).toMatchObject({ paused: false, usedMinutes: 30 });
  });

  it("follows the agreement's scope: training included stays in scope", () => {
    const intake = intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR });
    const terms = {
      agreement: 'org-0123456789',
      version: 2,
      calendar: { id: 'always', version: 1 },
      scope: { training: true, customDevelopment: false, thirdParty: false },
    };
    const { state: s } = receive({ ...intake, terms }, cal);
    const effects = applyAgentAction(s, { action: 'reclassify', category: 'training' }, at(5), cal);
    expect(s.awaitingScopeReview).toBe(false);
    expect(notices(effects)).toEqual([]);
    applyAgentAction(s, { action: 'reclassify', category: 'custom-development' }, at(6), cal);
    expect(s.awaitingScopeReview).toBe(true);
  });

  it('a customer answering while under review reopens the ticket, but its resolution clock waits for the review', () => {
    const { state: s } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    s.status = 'open';
    applyAgentAction(s, { action: 'pending', reason: 'logs?' }, at(10), cal);
    applyAgentAction(s, { action: 'reclassify', category: 'training' }, at(20), cal);
    applyCustomerReply(s, at(30), cal);
    expect(s.status).toBe('open');
    expect(clock(s, at(40), 'resolution').paused).toBe(true);
    applyAgentAction(s, { action: 'reclassify', category: 'bug' }, at(50), cal);
    expect(clock(s, at(50), 'resolution')).toMatchObject({ paused: false, usedMinutes: 10 });
  });
});
