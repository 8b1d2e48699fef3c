import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, SLA_CALENDAR, createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import {
  applyAgentAction,
  carriesSnapshot,
  receive,
  snapshot,
  snapshotAt,
  ticketProjection,
} from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/** The row lists and searches read (domain/ticket-sla/projection.ts), on a 24/7 calendar. */

const cal = createCalendar(ALWAYS_OPEN_CALENDAR);
const t0 = new Date('2026-12-01T10:00:00Z');
const later = new Date(t0.getTime() + 30 * 60_000);
const projected = (s: Parameters<typeof snapshot>[0], now: Date) => ticketProjection(s, snapshot(s, now, cal), now);

describe('ticket projection', () => {
  it("carries the state's version and the snapshot's clocks, due at the first response's deadline", () => {
    const { state: s } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, priority: 'high' }), cal);
    applyAgentAction(s, { action: 'assign', agent: 'agent-7' }, later, cal);
    const row = projected(s, later);
    const firstResponse = snapshot(s, later, cal).clocks.find((c) => c.metric === 'first_response')!;
    expect(row).toMatchObject({
      id: s.ticketId,
      version: s.version,
      status: 'new',
      priority: 'high',
      customerId: s.customer.id,
      assignee: 'agent-7',
      nextDeadline: firstResponse.dueAt,
      receivedAt: t0.toISOString(),
      updatedAt: later.toISOString(),
    });
    expect(row.scopeReviewDueAt).toBeUndefined();
    expect('organizationId' in row).toBe(false);
  });

  it("sorts a ticket under scope review by the review's end, since no clock runs", () => {
    const intake = intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, category: 'custom-development' });
    const { state: s } = receive({ ...intake, organizationId: 'org-1' }, cal);
    const row = projected(s, later);
    const reviewEnds = new Date(t0.getTime() + DEFAULT_POLICY.reviewWindowMinutes * 60_000).toISOString();
    expect(row).toMatchObject({ scopeReviewDueAt: reviewEnds, nextDeadline: reviewEnds, organizationId: 'org-1' });
    expect(row.assignee).toBeUndefined();
  });
});

/** A ticket page reads the row of the ticket's last change and counts its clocks on to the reader's now. */
describe('the snapshot a page reads from the row', () => {
  const shifts = createCalendar(SLA_CALENDAR);
  // Sunday 23:00 EST, inside the first shift of the week (Sun 22:00 – Mon 06:00 EST).
  const sunday = new Date('2026-12-07T04:00:00Z');
  const at = (from: Date, minutes: number) => new Date(from.getTime() + minutes * 60_000);

  it("is the domain's snapshot at the read's instant, in and out of support hours", () => {
    const { state: s } = receive(intakeFor({ receivedAt: sunday }), shifts);
    applyAgentAction(s, { action: 'assign', agent: 'agent-7' }, at(sunday, 30), shifts);
    const row = ticketProjection(s, snapshot(s, at(sunday, 30), shifts), at(sunday, 30));
    expect(carriesSnapshot(row)).toBe(true);
    if (!carriesSnapshot(row)) return;
    // Two hours on, inside the shift; then Monday noon EST, support closed: the business clocks stand still.
    for (const read of [at(sunday, 150), new Date('2026-12-07T17:00:00Z')]) {
      const page = snapshotAt(row, read, shifts);
      expect(page).toEqual(snapshot(s, read, shifts));
    }
    const used = (read: Date) => snapshotAt(row, read, shifts).clocks.find((c) => c.metric === 'first_response')!;
    expect(used(at(sunday, 150)).usedMinutes).toBe(150);
    // The shift closed at Monday 06:00 EST, 7 hours after receipt.
    expect(used(new Date('2026-12-07T17:00:00Z')).usedMinutes).toBe(7 * 60);
  });

  it('keeps a paused clock where it stopped counting', () => {
    const { state: s } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    applyAgentAction(s, { action: 'reply', agent: 'a', body: 'hi' }, later, cal);
    applyAgentAction(s, { action: 'pending', agent: 'a', reason: 'logs?' }, later, cal);
    const row = ticketProjection(s, snapshot(s, later, cal), later);
    if (!carriesSnapshot(row)) throw new Error('the row carries no snapshot');
    const page = snapshotAt(row, at(later, 600), cal);
    expect(page.clocks.find((c) => c.metric === 'resolution')).toMatchObject({ paused: true, usedMinutes: 30 });
    expect(page).toEqual(snapshot(s, at(later, 600), cal));
  });

  it('shows a deadline passed as breached before the workflow records it (no worker, or the instant in between)', () => {
    const { state: s } = receive(
      intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR, priority: 'urgent' }),
      cal,
    );
    const row = ticketProjection(s, snapshot(s, t0, cal), t0);
    if (!carriesSnapshot(row)) throw new Error('the row carries no snapshot');
    const first = snapshot(s, t0, cal).clocks.find((c) => c.metric === 'first_response')!;
    const warned = snapshotAt(row, new Date(first.warningAt!), cal);
    expect(warned.slaState).toBe('warning');
    const overdue = snapshotAt(row, at(new Date(first.dueAt!), 5), cal);
    expect(overdue.slaState).toBe('breached');
    expect(overdue.clocks.find((c) => c.metric === 'first_response')).toMatchObject({
      breached: true,
      remainingMinutes: -5,
    });
  });

  it('says when a row predates the snapshot it now carries', () => {
    const { state: s } = receive(intakeFor({ receivedAt: t0, calendar: ALWAYS_OPEN_CALENDAR }), cal);
    const { clockStates: _c, availableActions: _a, ...older } = ticketProjection(s, snapshot(s, t0, cal), t0);
    expect(carriesSnapshot(older)).toBe(false);
  });
});
