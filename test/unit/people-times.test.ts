import { describe, expect, it } from 'vitest';
import { renderMail } from '../../activities/mail-templates';
import { renderMacro, type MacroFacts } from '../../desk/macros';
import { createCalendar, SLA_CALENDAR, type CalendarSpec } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { TicketSlaState, TicketSnapshot } from '../../domain/ticket-sla';
import { renderTicketDetails } from '../../workflows/ticket/details';
import { notifyInput, type NotifyEffect } from '../../workflows/ticket/notifications';
import { humanTimeProblems } from '../support/human-time';

/**
 * The texts people read name due times the one way, whichever code writes them: the ticket's mails (from the
 * workflow's facts), a canned response's placeholders and the operators' details. The instants below are the ones
 * the old texts wrote to the millisecond ("respond by Tue 2026-12-08 00:51:15.315 UTC-5", "due … 05:58:58.197 UTC").
 */

const DUE = '2026-12-08T05:51:15.315Z';
const KOLKATA: CalendarSpec = {
  timezone: 'Asia/Kolkata',
  windows: [{ day: 'monday', open: '09:00', close: '18:00' }],
  holidays: [],
};

const state = (calendar: CalendarSpec) =>
  ({
    ticketId: 'T000000001',
    subject: 'Export stops',
    priority: 'high',
    category: 'bug',
    customer: { email: 'ada@example.com' },
    calendar,
    policy: DEFAULT_POLICY,
  }) as unknown as TicketSlaState;

const snapshot = {
  status: 'open',
  priority: 'high',
  escalationLevel: 'L1',
  slaState: 'on_track',
  clocks: [
    { metric: 'first_response', dueAt: DUE, remainingMinutes: 12.5, targetMinutes: 240, stopped: false },
    {
      metric: 'resolution',
      dueAt: '2026-12-07T05:58:58.197Z',
      remainingMinutes: 3,
      targetMinutes: 480,
      stopped: false,
    },
  ],
} as unknown as TicketSnapshot;

function mailFor(kind: NotifyEffect['kind'], calendar: CalendarSpec, dueAt = DUE) {
  const effect = { type: 'notify', key: 'k', kind, audience: { kind: 'customer' }, metric: 'first_response', dueAt };
  const input = notifyInput(effect as NotifyEffect, state(calendar), createCalendar(calendar));
  return renderMail(kind, { ...input.facts, ticketId: input.ticketId, ticketUrl: 'http://x/t/1' } as never);
}

describe('due times in the texts people read', () => {
  it("writes an acknowledgement's due time to the minute, rounded up, in EST and UTC", () => {
    const mail = mailFor('acknowledgement', SLA_CALENDAR);
    expect(mail.text).toContain('Tue 2026-12-08 00:52 EST (2026-12-08 05:52 UTC)');
    expect(humanTimeProblems(`${mail.subject}\n${mail.text}`)).toEqual([]);
  });

  it("writes a warning's subject and body in the ticket's own zone (IST for Kolkata hours)", () => {
    const mail = mailFor('warning', KOLKATA, '2026-12-07T05:58:58.197Z');
    expect(mail.subject).toContain('due Mon 2026-12-07 11:29 IST');
    expect(mail.text).toContain('2026-12-07 05:59 UTC');
    expect(humanTimeProblems(`${mail.subject}\n${mail.text}`)).toEqual([]);
  });

  it("fills a canned response's due placeholders to the minute with the zone's name", () => {
    const facts = {
      ticket: { id: 'T000000001', subject: 'Export stops', customerEmail: 'ada@example.com' },
      sla: snapshot,
      agentName: 'Sam',
      calendar: SLA_CALENDAR,
    } as unknown as MacroFacts;
    expect(renderMacro('First answer by {{firstResponseDue}}, resolution by {{resolutionDue}}.', facts)).toBe(
      'First answer by Tue 2026-12-08 00:52 EST, resolution by Mon 2026-12-07 00:59 EST.',
    );
  });

  it("writes the operators' details in the same form", () => {
    const details = renderTicketDetails(state(SLA_CALENDAR), snapshot, createCalendar(SLA_CALENDAR));
    expect(details).toContain('first response: due Tue 2026-12-08 00:52 EST');
    expect(humanTimeProblems(details)).toEqual([]);
  });
});
