/**
 * A policy's reminders on the ticket's clocks: each at its fraction of the target, once per clock and cycle, to its
 * audiences; one with `supportHoursOnly` whose instant falls outside the ticket's calendar waits for the next
 * opening (the event still records the instant). Policies without `reminders` keep the one `warningAt` warning
 * (domain/ticket-sla/timers.ts), so tickets opened before reminders existed record the same commands.
 */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import type { Metric, MetricTarget, SlaPolicy } from '../policy';
import type { Reminder, ReminderAudience } from '../policy-reminders';
import type { SlaClockState } from '../sla-clock';
import { firedKey, type Recorder } from './core';
import type { LevelClock } from './level-types';
import type { NoticeAudience, SlaEvent, TicketSlaState, TimedEvent } from './types';

const reminderKey = (metric: Metric, cycle: number, index: number) => firedKey(metric, cycle, `reminder:${index}`);

/** The fraction of a target at which a clock first warns: its earliest reminder, else `warningAt`. */
export function firstWarningFraction(policy: Pick<SlaPolicy, 'warningAt' | 'reminders'>): number {
  return policy.reminders?.length ? Math.min(...policy.reminders.map((r) => r.at)) : policy.warningAt;
}

/** When a reminder due at `instant` goes out: then, or at the calendar's next opening if it waits for support hours. */
function sendingInstant(reminder: Reminder, instant: Date, cal: BusinessCalendar): Date {
  return reminder.supportHoursOnly && !cal.isOpen(instant) ? cal.nextOpen(instant) : instant;
}

/**
 * A reminder held for support hours whose opening comes only at or after the target is not sent: the breach notice
 * goes out first and says more than "close to its target" would.
 */
const heldPastTarget = (reminder: Reminder, sendAt: Date, due: Date) =>
  reminder.supportHoursOnly && sendAt.getTime() >= due.getTime();

/** A running clock's reminders still to go out this cycle, each at the instant it is sent. */
export function reminderEvents(
  s: TicketSlaState,
  metric: Metric,
  c: SlaClockState,
  now: Date,
  cal: BusinessCalendar,
): TimedEvent[] {
  const cycle = s.cycles[metric];
  const label = metric.replace('_', ' ');
  const due = clock.dueAt(c, now, cal)!;
  return (s.policy.reminders ?? []).flatMap((reminder, index): TimedEvent[] => {
    if (s.fired.includes(reminderKey(metric, cycle, index))) return [];
    const at = sendingInstant(reminder, clock.warningAt(c, reminder.at, now, cal)!, cal);
    if (heldPastTarget(reminder, at, due)) return [];
    return [
      {
        kind: 'reminder',
        at,
        metric,
        reminder: index,
        describe: () => `${label} reminder at ${Math.round(reminder.at * 100)} %; ${cal.formatLocal(at)}`,
      },
    ];
  });
}

/** Who hears of a reminder, as notices: `webhook` is the event's own publication, not a notice. */
function audiences(s: TicketSlaState, notify: ReminderAudience[], staffOnly: boolean): [string, NoticeAudience][] {
  const out: [string, NoticeAudience][] = [];
  for (const who of notify) {
    if (who === 'assignee' && s.assignee) out.push([who, { kind: 'agent', agent: s.assignee }]);
    if (who === 'level') out.push([who, { kind: 'level', level: s.escalationLevel }]);
    if (who === 'organization' && s.organizationId && !staffOnly)
      out.push([who, { kind: 'organization', organizationId: s.organizationId }]);
  }
  return out;
}

/** The facts a reminder's event keeps: its threshold, the instant it was due and, if held, until when. */
function reminderDetail(reminder: Reminder, instant: Date, sentAt: Date) {
  return {
    threshold: reminder.at,
    warningAt: instant.toISOString(),
    notify: reminder.notify.join(','),
    ...(sentAt.getTime() > instant.getTime() && reminder.supportHoursOnly ? { heldUntil: sentAt.toISOString() } : {}),
    // Only a reminder naming `webhook` reaches the `warning` webhook.
    ...(reminder.notify.includes('webhook') ? {} : { webhook: false }),
  };
}

/** A reminder of a ticket clock is due: a `warning` event with its threshold, and a mail to each audience once. */
export function fireReminder(s: TicketSlaState, r: Recorder, e: TimedEvent, now: Date, cal: BusinessCalendar): void {
  const metric = e.metric!;
  const index = e.reminder!;
  const reminder = s.policy.reminders?.[index];
  const c = s.clocks[metric];
  const cycle = s.cycles[metric];
  s.fired.push(reminderKey(metric, cycle, index));
  if (!reminder || !c) return;
  const instant = clock.warningAt(c, reminder.at, now, cal) ?? e.at;
  const due = clock.dueAt(c, now, cal)?.toISOString();
  r.event('warning', now, {
    metric,
    dueAt: due,
    level: s.escalationLevel,
    detail: reminderDetail(reminder, instant, e.at),
  });
  for (const [who, audience] of audiences(s, reminder.notify, false)) {
    r.notify({
      key: `${s.ticketId}:reminder:${metric}:${cycle}:${index}:${who}`,
      kind: 'warning',
      audience,
      metric,
      dueAt: due,
      threshold: reminder.at,
    });
  }
}

/** Whether an SLA event goes to the webhooks subscribed to its type: a reminder without `webhook` does not. */
export const publishedToWebhooks = (e: Pick<SlaEvent, 'detail'>) => e.detail?.webhook !== false;

// ---- The vendor's clock takes the same reminders, on the vendor's calendar, to the ticket's staff ----

const vendorReminderKey = (s: TicketSlaState, index: number) => `vendor:${s.pause?.seq ?? 0}:reminder:${index}`;

/** The vendor clock's reminders still to go out; `instantAt` gives the instant of a fraction of the vendor's target. */
export function vendorReminderEvents(
  s: TicketSlaState,
  instantAt: (fraction: number) => Date,
  cal: BusinessCalendar,
): TimedEvent[] {
  const v = s.pause?.vendorClock;
  if (!v) return [];
  return (s.policy.reminders ?? []).flatMap((reminder, index): TimedEvent[] => {
    if (s.fired.includes(vendorReminderKey(s, index))) return [];
    const at = sendingInstant(reminder, instantAt(reminder.at), cal);
    if (heldPastTarget(reminder, at, new Date(v.dueAt))) return [];
    return [
      {
        kind: 'vendor_reminder',
        at,
        reminder: index,
        describe: () => `${v.name} reminder at ${Math.round(reminder.at * 100)} %; ${cal.formatLocal(at)}`,
      },
    ];
  });
}

/**
 * A vendor clock's reminder is due: a `vendor_warning` event with its threshold, mailed to the assignee and the
 * level it names (a vendor's wait is the staff's to chase: the organization is not told of it, and the vendor
 * events are not webhook events).
 */
export function fireVendorReminder(
  s: TicketSlaState,
  r: Recorder,
  e: TimedEvent,
  instantAt: (fraction: number) => Date,
  now: Date,
): void {
  const v = s.pause?.vendorClock;
  const index = e.reminder!;
  const reminder = s.policy.reminders?.[index];
  s.fired.push(vendorReminderKey(s, index));
  if (!v || !reminder) return;
  const instant = instantAt(reminder.at);
  r.event('vendor_warning', now, {
    dueAt: v.dueAt,
    detail: {
      vendor: v.id,
      vendorName: v.name,
      targetMinutes: v.targetMinutes,
      since: v.startedAt,
      ...reminderDetail(reminder, instant, e.at),
    },
  });
  for (const [who, audience] of audiences(s, reminder.notify, true)) {
    r.notify({
      key: `${s.ticketId}:vendor_reminder:${s.pause!.seq}:${index}:${who}`,
      kind: 'vendor_warning',
      audience,
      reason: v.name,
      dueAt: v.dueAt,
      threshold: reminder.at,
    });
  }
}

// ---- A level's clock (level-clock.ts) takes them too, on the ticket's calendar, to the ticket's staff ----

const levelReminderKey = (c: LevelClock, index: number) => `level:${c.seq}:reminder:${index}`;

/** The instant a fraction of a level clock's target falls on. */
const levelInstant = (c: LevelClock, fraction: number, cal: BusinessCalendar) =>
  cal.deadline(new Date(c.startedAt), c.targetMinutes * fraction);

/** A running level clock's reminders still to go out. */
export function levelReminderEvents(s: TicketSlaState, c: LevelClock, cal: BusinessCalendar): TimedEvent[] {
  return (s.policy.reminders ?? []).flatMap((reminder, index): TimedEvent[] => {
    if (s.fired.includes(levelReminderKey(c, index))) return [];
    const at = sendingInstant(reminder, levelInstant(c, reminder.at, cal), cal);
    if (heldPastTarget(reminder, at, new Date(c.dueAt))) return [];
    return [
      {
        kind: 'level_reminder',
        at,
        level: c.level,
        reminder: index,
        describe: () => `${c.level} reminder at ${Math.round(reminder.at * 100)} %; ${cal.formatLocal(at)}`,
      },
    ];
  });
}

/**
 * A level clock's reminder is due: a `warning` event of metric `level` with its threshold, mailed to the assignee
 * and the level holding the ticket as it names them (the level's time to act is the staff's: the organization is
 * not told of it).
 */
export function fireLevelReminder(
  s: TicketSlaState,
  r: Recorder,
  e: TimedEvent,
  now: Date,
  cal: BusinessCalendar,
): void {
  const c = s.levelClock;
  const index = e.reminder!;
  const reminder = s.policy.reminders?.[index];
  if (!c || c.stoppedAt || !reminder) return;
  s.fired.push(levelReminderKey(c, index));
  r.event('warning', now, {
    metric: 'level',
    level: c.level,
    dueAt: c.dueAt,
    detail: {
      since: c.startedAt,
      targetMinutes: c.targetMinutes,
      ...reminderDetail(reminder, levelInstant(c, reminder.at, cal), e.at),
    },
  });
  for (const [who, audience] of audiences(s, reminder.notify, true)) {
    r.notify({
      key: `${s.ticketId}:level_reminder:${c.seq}:${index}:${who}`,
      kind: 'level_warning',
      audience,
      level: c.level,
      dueAt: c.dueAt,
      threshold: reminder.at,
    });
  }
}

/** A ticket clock's first warning instant and whether any reminder of this cycle went out, for its snapshot. */
export function reminderView(
  s: TicketSlaState,
  metric: Metric,
  c: SlaClockState,
  now: Date,
  cal: BusinessCalendar,
): { warningAt: Date | null; warned: boolean } {
  const cycle = s.cycles[metric];
  return {
    warningAt: clock.warningAt(c, firstWarningFraction(s.policy), now, cal),
    warned: (s.policy.reminders ?? []).some((_, index) => s.fired.includes(reminderKey(metric, cycle, index))),
  };
}

/**
 * A fresh clock's reminders as the preview shows them: the instant each is due and when it goes out, by the same
 * code the workflow runs; none for a policy without reminders.
 */
export function previewReminders(
  policy: Pick<SlaPolicy, 'reminders'>,
  metric: Metric,
  target: MetricTarget,
  receivedAt: Date,
  cal: BusinessCalendar,
): { threshold: number; warningAt: Date; sendAt: Date | null }[] {
  const c = clock.startClock(metric, target, receivedAt);
  const due = clock.dueAt(c, receivedAt, cal)!;
  return (policy.reminders ?? []).map((reminder) => {
    const warningAt = clock.warningAt(c, reminder.at, receivedAt, cal)!;
    const sendAt = sendingInstant(reminder, warningAt, cal);
    return { threshold: reminder.at, warningAt, sendAt: heldPastTarget(reminder, sendAt, due) ? null : sendAt };
  });
}
