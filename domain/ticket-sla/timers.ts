/** What happens when nothing is said: warnings, breaches, escalations, scope review, auto-close. */
import * as clock from '../sla-clock';
import type { BusinessCalendar } from '../calendar';
import type { Metric } from '../policy';
import { METRICS, type Effect, type TicketSlaState, type TimedEvent } from './types';
import { ALWAYS_PATCHED, PATCHES, type PatchCheck } from './patches';
import { Recorder, touch, escalationLadder, isRunning, close, firedKey } from './core';
import { scopeReason } from './intake';
import { fireLiveReminder, liveReminderEvents } from './live-session';
import { stopPausedClocks } from './scope';
import { endPause, expirePause, pauseExpiryEvent } from './pauses';
import { fireVendorClock, vendorClockEvents, vendorInstant } from './vendor-clock';
import { fireLevelReminder, fireReminder, fireVendorReminder, reminderEvents } from './reminders';
import { fireLevelClock, levelClockEvents, reachLevel } from './level-clock';
import { runBreachActions } from './breach-actions';

/** The key a scope review's reminder is recorded under in `fired`: one per review. */
const reviewReminderKey = (s: TicketSlaState) => `scope:${s.scopeReviews ?? 0}:reminder`;

/** The earliest timed event still to come (or overdue), or null when only a message can move the ticket. */
export function nextTimedEvent(
  s: TicketSlaState,
  now: Date,
  cal: BusinessCalendar,
  patched: PatchCheck = ALWAYS_PATCHED,
): TimedEvent | null {
  const candidates: TimedEvent[] = [];
  // A policy with `reminders` has them instead of the one warning; asked only of tickets whose policy has them.
  let reminders: boolean | undefined;
  const withReminders = () => (reminders ??= !!s.policy.reminders && patched(PATCHES.policyReminders));
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (!isRunning(c)) continue;
    const cycle = s.cycles[metric];
    const due = clock.dueAt(c, now, cal)!;
    const label = metric.replace('_', ' ');
    if (s.policy.reminders && withReminders()) candidates.push(...reminderEvents(s, metric, c, now, cal));
    else if (!s.fired.includes(firedKey(metric, cycle, 'warning'))) {
      const at = clock.warningAt(c, s.policy.warningAt, now, cal)!;
      candidates.push({ kind: 'warning', at, metric, describe: () => `${label} warning; due ${cal.formatLocal(due)}` });
    }
    if (!s.fired.includes(firedKey(metric, cycle, 'breach'))) {
      candidates.push({ kind: 'breach', at: due, metric, describe: () => `${label} deadline ${cal.formatLocal(due)}` });
      continue;
    }
    const breachedAt = new Date(s.breachedAt[metric]!);
    const step = s.policy.escalation.find((e) => !s.fired.includes(firedKey(metric, cycle, `escalate:${e.level}`)));
    if (step) {
      const at = cal.deadline(breachedAt, step.afterBreachMinutes);
      candidates.push({
        kind: 'escalate',
        at,
        metric,
        level: step.level,
        describe: () => `${label} escalation to ${step.level} at ${cal.formatLocal(at)}`,
      });
    }
  }
  if (
    s.awaitingScopeReview &&
    s.scopeReviewRemindAt &&
    !s.fired.includes(reviewReminderKey(s)) &&
    patched(PATCHES.scopeReviewReminder)
  ) {
    const at = new Date(s.scopeReviewRemindAt);
    candidates.push({
      kind: 'scope_review_reminder',
      at,
      describe: () => `scope review reminder ${cal.formatLocal(at)}`,
    });
  }
  if (s.awaitingScopeReview && s.scopeReviewDueAt) {
    const at = new Date(s.scopeReviewDueAt);
    candidates.push({ kind: 'scope_review_expired', at, describe: () => `scope review ends ${cal.formatLocal(at)}` });
  }
  if (s.status === 'resolved' && s.resolvedAt) {
    const at = cal.deadline(new Date(s.resolvedAt), s.policy.autoCloseAfterMinutes);
    candidates.push({ kind: 'auto_close', at, describe: () => `auto-close ${cal.formatLocal(at)}` });
  }
  candidates.push(...liveReminderEvents(s, cal));
  const pauseEnds = pauseExpiryEvent(s, cal);
  const vendorEvents = vendorClockEvents(s, cal, !!s.policy.reminders && !!s.pause?.vendorClock && withReminders());
  if ((pauseEnds || vendorEvents.length) && patched(PATCHES.pauseReasons)) {
    if (pauseEnds) candidates.push(pauseEnds);
    candidates.push(...vendorEvents);
  }
  candidates.push(...levelClockEvents(s, cal));
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime());
  return candidates[0] ?? null;
}

/** Fires a timed event that is due. `now` is when it actually fired; `event.at` when it was due. */
export function fireTimedEvent(
  s: TicketSlaState,
  e: TimedEvent,
  now: Date,
  cal: BusinessCalendar,
  patched: PatchCheck = ALWAYS_PATCHED,
): Effect[] {
  if (e.kind === 'live_reminder') return fireLiveReminder(s, e, now);
  const r = new Recorder(s);
  const dueAt = e.at.toISOString();
  // The assignee hears of their own ticket's warning and breach, besides the level's contacts.
  const tellAssignee = (kind: 'warning' | 'breach', metric: Metric, due: string) => {
    if (!s.assignee || !patched(PATCHES.assigneeMail)) return;
    r.notify({
      key: `${s.ticketId}:${kind}:${metric}:${s.cycles[metric]}:assignee`,
      kind,
      audience: { kind: 'agent', agent: s.assignee },
      metric,
      dueAt: due,
    });
  };
  switch (e.kind) {
    case 'warning': {
      const metric = e.metric!;
      s.fired.push(firedKey(metric, s.cycles[metric], 'warning'));
      const due = clock.dueAt(s.clocks[metric]!, now, cal)!.toISOString();
      r.event('warning', now, { metric, dueAt: due, level: s.escalationLevel, detail: { warningAt: dueAt } });
      r.notify({
        key: `${s.ticketId}:warning:${metric}:${s.cycles[metric]}`,
        kind: 'warning',
        audience: { kind: 'level', level: s.escalationLevel },
        metric,
        dueAt: due,
      });
      tellAssignee('warning', metric, due);
      break;
    }
    case 'breach': {
      const metric = e.metric!;
      s.fired.push(firedKey(metric, s.cycles[metric], 'breach'));
      s.breachedAt[metric] = dueAt;
      r.event('breached', now, { metric, dueAt, level: s.escalationLevel });
      r.notify({
        key: `${s.ticketId}:breach:${metric}:${s.cycles[metric]}`,
        kind: 'breach',
        audience: { kind: 'level', level: s.escalationLevel },
        metric,
        dueAt,
      });
      tellAssignee('breach', metric, dueAt);
      break;
    }
    case 'escalate': {
      const metric = e.metric!;
      const level = e.level!;
      s.fired.push(firedKey(metric, s.cycles[metric], `escalate:${level}`));
      const ladder = escalationLadder(s.policy);
      // One escalation per level per ticket: a level already reached (by another clock's breach or by hand)
      // hears about this breach from the breach notice, not from a second "escalated to" mail.
      if (ladder.indexOf(level) > ladder.indexOf(s.escalationLevel)) {
        s.escalationLevel = level;
        const breachDue = s.breachedAt[metric];
        r.event('escalated', now, { metric, level, dueAt: breachDue, detail: { escalationDueAt: dueAt } });
        r.notify({
          key: `${s.ticketId}:escalation:${metric}:${level}:${s.cycles[metric]}`,
          kind: 'escalation',
          audience: { kind: 'level', level },
          metric,
          level,
          dueAt: breachDue,
        });
        reachLevel(s, level, e.at, cal, patched);
      }
      runBreachActions(s, r, level, metric, { at: e.at, now }, cal, patched);
      break;
    }
    case 'scope_review_reminder': {
      // The customer may still add what makes it supportable; the assignee may still accept it.
      s.fired.push(reviewReminderKey(s));
      const n = s.scopeReviews ?? 0;
      const facts = { dueAt: s.scopeReviewDueAt, reason: scopeReason(s.category), category: s.category };
      r.notify({
        key: `${s.ticketId}:scope_review_reminder:${n}`,
        kind: 'scope_review_reminder',
        audience: { kind: 'customer' },
        ...facts,
      });
      if (s.assignee)
        r.notify({
          key: `${s.ticketId}:scope_review_reminder:${n}:assignee`,
          kind: 'scope_review_reminder',
          audience: { kind: 'agent', agent: s.assignee },
          ...facts,
        });
      break;
    }
    case 'scope_review_expired':
      stopPausedClocks(s, now, cal);
      s.awaitingScopeReview = false;
      s.scopeReviewRemindAt = undefined;
      s.status = 'out_of_scope';
      endPause(s, r, now, cal, 'out_of_scope', false);
      r.event('out_of_scope', now, { dueAt, detail: { category: s.category, reason: scopeReason(s.category) } });
      break;
    case 'vendor_warning':
    case 'vendor_breach':
      fireVendorClock(s, r, e.kind, now);
      break;
    case 'reminder':
      fireReminder(s, r, e, now, cal);
      break;
    case 'vendor_reminder': {
      const v = s.pause?.vendorClock;
      if (v) fireVendorReminder(s, r, e, (fraction) => vendorInstant(v, fraction), now);
      break;
    }
    case 'level_warning':
    case 'level_breach':
      fireLevelClock(s, r, e.kind, now);
      break;
    case 'level_reminder':
      fireLevelReminder(s, r, e, now, cal);
      break;
    case 'pause_expired':
      // The pause lasts exactly its maximum, however late the timer ran: it ends, and the clocks resume, at e.at.
      expirePause(s, r, e.at, cal);
      break;
    case 'auto_close':
      close(s, r, now, cal, 'closed automatically after the quiet period');
      r.notify({ key: `${s.ticketId}:auto_close`, kind: 'auto_close', audience: { kind: 'customer' } });
      break;
  }
  touch(s);
  return r.effects;
}
