import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, createCalendar, type CalendarSpec } from '../../domain/calendar';
import {
  acknowledged,
  applyAgentAction,
  applyCustomerReply,
  fireTimedEvent,
  nextTimedEvent,
  receive,
  snapshot,
  type Effect,
  type TicketSlaState,
  type VendorTerms,
} from '../../domain/ticket-sla';
import { intakeFor } from '../support/intake';

/**
 * The vendor clock in the domain: the ticket runs 24/7, the vendor weekdays 09:00–17:00 UTC, so the vendor's
 * instants (worked out by hand below) are on its own calendar, not the ticket's.
 */

const cal = createCalendar(ALWAYS_OPEN_CALENDAR);
const NINE_TO_FIVE: CalendarSpec = {
  timezone: 'UTC',
  windows: (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const).map((day) => ({
    day,
    open: '09:00',
    close: '17:00',
  })),
  holidays: [],
};
const acme: VendorTerms = {
  id: 'acme-hosting',
  name: 'Acme Hosting',
  calendar: NINE_TO_FIVE,
  targetMinutes: 120,
  contacts: ['support@acme-hosting.example'],
};
const at = (iso: string) => new Date(iso);
const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
const notices = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e] : []));

function waitingOnAcme(vendor: VendorTerms, pausedAt: Date): TicketSlaState {
  const received = at('2026-12-07T12:00:00Z');
  const { state } = receive(intakeFor({ receivedAt: received, calendar: ALWAYS_OPEN_CALENDAR }), cal);
  acknowledged(state, received, cal);
  applyAgentAction(state, { action: 'assign', agent: 'U-sam' }, received, cal);
  // Answered at once: the ticket's own clocks (resolution, paused by the wait) set no timer of their own.
  applyAgentAction(state, { action: 'reply', body: 'We asked our host.' }, received, cal);
  applyAgentAction(
    state,
    { action: 'pending', waitingOn: 'vendor', vendor: vendor.id, vendorTerms: vendor },
    pausedAt,
    cal,
  );
  return state;
}

describe('a vendor clock on its own calendar', () => {
  // Monday 16:00: 60 of the vendor's minutes to its close, the other 60 from Tuesday 09:00; the warning at
  // 75 % (90 minutes) is Tuesday 09:30.
  const pausedAt = at('2026-12-07T16:00:00Z');
  const due = '2026-12-08T10:00:00.000Z';
  const warn = '2026-12-08T09:30:00.000Z';

  it('is in sla.clocks as metric "vendor", counting only the vendor’s hours', () => {
    const s = waitingOnAcme(acme, pausedAt);
    const overnight = at('2026-12-08T09:15:00Z');
    const clock = snapshot(s, overnight, cal).clocks.find((c) => c.metric === 'vendor');
    expect(clock).toMatchObject({
      vendor: 'acme-hosting',
      clock: 'business',
      targetMinutes: 120,
      usedMinutes: 75,
      dueAt: due,
      warningAt: warn,
      breached: false,
    });
    // The vendor's clock is not the ticket's: it gives the ticket no deadline.
    expect(snapshot(s, overnight, cal).nextDeadline).toBeNull();
  });

  it('warns the assignee, then at its breach tells the assignee and chases the vendor', () => {
    const s = waitingOnAcme(acme, pausedAt);
    const first = nextTimedEvent(s, pausedAt, cal)!;
    expect([first.kind, first.at.toISOString()]).toEqual(['vendor_warning', warn]);
    const warned = fireTimedEvent(s, first, first.at, cal);
    expect(notices(warned).map((n) => [n.kind, n.audience])).toEqual([
      ['vendor_warning', { kind: 'agent', agent: 'U-sam' }],
    ]);
    const second = nextTimedEvent(s, first.at, cal)!;
    expect([second.kind, second.at.toISOString()]).toEqual(['vendor_breach', due]);
    const breached = fireTimedEvent(s, second, second.at, cal);
    expect(events(breached).map((e) => [e.type, e.detail?.vendor])).toEqual([['vendor_breached', 'acme-hosting']]);
    expect(notices(breached).map((n) => [n.kind, n.audience, n.reason])).toEqual([
      ['vendor_breach', { kind: 'agent', agent: 'U-sam' }, 'Acme Hosting'],
      ['vendor_chaser', { kind: 'emails', emails: ['support@acme-hosting.example'] }, 'Acme Hosting'],
    ]);
    expect(snapshot(s, second.at, cal).clocks.find((c) => c.metric === 'vendor')?.breached).toBe(true);
    expect(nextTimedEvent(s, second.at, cal)).toBeNull();
  });

  it('without contacts, a breach chases nobody', () => {
    const s = waitingOnAcme({ ...acme, contacts: [] }, pausedAt);
    const w = nextTimedEvent(s, pausedAt, cal)!;
    fireTimedEvent(s, w, w.at, cal);
    const b = nextTimedEvent(s, w.at, cal)!;
    expect(notices(fireTimedEvent(s, b, b.at, cal)).map((n) => n.kind)).toEqual(['vendor_breach']);
  });

  it('stops when the wait ends, saying on the timeline whether the vendor kept its target', () => {
    const s = waitingOnAcme(acme, pausedAt);
    // Tuesday 09:45: 60 + 45 = 105 of the vendor's 120 minutes.
    const effects = applyCustomerReply(s, at('2026-12-08T09:45:00Z'), cal, 'M1');
    expect(events(effects).find((e) => e.type === 'pause_ended')?.detail).toMatchObject({
      vendor: 'acme-hosting',
      vendorName: 'Acme Hosting',
      vendorMinutesUsed: 105,
      vendorTargetMinutes: 120,
      vendorMet: true,
    });
    expect(snapshot(s, at('2026-12-08T09:45:00Z'), cal).clocks.map((c) => c.metric)).not.toContain('vendor');
  });

  it('a 24x7 vendor counts wall minutes', () => {
    const s = waitingOnAcme({ ...acme, calendar: null }, pausedAt);
    const clock = snapshot(s, pausedAt, cal).clocks.find((c) => c.metric === 'vendor')!;
    expect([clock.clock, clock.dueAt]).toEqual(['24x7', '2026-12-07T18:00:00.000Z']);
  });
});
