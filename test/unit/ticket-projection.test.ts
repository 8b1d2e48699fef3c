import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, createCalendar } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { applyAgentAction, receive, snapshot, ticketProjection } from '../../domain/ticket-sla';
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
