/**
 * Level clocks (operational level agreements): an escalation step's `respondWithinMinutes` gives the level the
 * ticket reaches (by a breach's escalation or by hand) that many business minutes, on the ticket's calendar, to act
 * on it (reply, note, accept, resolve). The clock warns the level (and the assignee) at the policy's warning fraction
 * and, at its breach, tells the next level of the ladder (the level itself at the top) and the assignee. It is the
 * ticket's agents' measure, not the customer's: it moves none of the ticket's deadlines and customers never see it.
 */
import type { BusinessCalendar } from '../calendar';
import { isTerminal, nextLevel } from '../ticket';
import type { ClockSnapshot, Effect, LevelClock, TicketSlaState, TimedEvent } from './types';
import { PATCHES, type PatchCheck } from './patches';
import { Recorder, escalationLadder, round, touch } from './core';
import { firstWarningFraction, levelReminderEvents } from './reminders';

/** The agent actions that count as the level acting on the ticket (a note comes as `note`, see `applyAgentNote`). */
const LEVEL_ACTS: readonly string[] = ['reply', 'note', 'accept', 'resolve'];

const levelKey = (c: LevelClock, kind: 'warning' | 'breach') => `level:${c.seq}:${kind}`;
const running = (c: LevelClock | undefined): c is LevelClock => !!c && !c.stoppedAt;

/**
 * The ticket reached `level` at `at`: a running level clock is handed on (stops), and the new level's starts when
 * its step has `respondWithinMinutes`. The patch is asked only then, so a ticket without level clocks records
 * exactly the commands it did before they existed.
 */
export function reachLevel(s: TicketSlaState, level: string, at: Date, cal: BusinessCalendar, patched: PatchCheck) {
  if (running(s.levelClock)) s.levelClock = { ...s.levelClock, stoppedAt: at.toISOString(), stoppedBy: 'escalated' };
  const minutes = s.policy.escalation.find((e) => e.level === level)?.respondWithinMinutes;
  if (!minutes || !patched(PATCHES.levelClocks)) return;
  // Asked only of a policy with reminders, so a level clock without them records what it did before.
  const reminders = !!s.policy.reminders?.length && patched(PATCHES.levelClockReminders);
  s.levelClock = {
    level,
    seq: (s.levelClock?.seq ?? 0) + 1,
    startedAt: at.toISOString(),
    targetMinutes: minutes,
    dueAt: cal.deadline(at, minutes).toISOString(),
    warningAt: cal
      .deadline(at, minutes * (reminders ? firstWarningFraction(s.policy) : s.policy.warningAt))
      .toISOString(),
    ...(reminders ? { reminders } : {}),
  };
}

/** An agent acted (`LEVEL_ACTS`): the level's clock stops, met or late, on the timeline as a `responded` of `level`. */
export function levelActed(s: TicketSlaState, r: Recorder, action: string, now: Date, cal: BusinessCalendar): void {
  const c = s.levelClock;
  if (!running(c) || !LEVEL_ACTS.includes(action)) return;
  const used = cal.elapsed(new Date(c.startedAt), now);
  s.levelClock = { ...c, stoppedAt: now.toISOString(), stoppedBy: action };
  r.event('responded', now, {
    metric: 'level',
    level: c.level,
    dueAt: c.dueAt,
    detail: { businessMinutesUsed: round(used), targetMinutes: c.targetMinutes, met: used <= c.targetMinutes, action },
  });
}

/** The ticket is finished: its level clock stops without an outcome (nobody is left to act). */
export function endLevelClock(s: TicketSlaState, now: Date): void {
  if (running(s.levelClock)) s.levelClock = { ...s.levelClock, stoppedAt: now.toISOString(), stoppedBy: s.status };
}

/** An agent's internal note: it counts as the level acting, and changes nothing else. */
export function applyAgentNote(s: TicketSlaState, now: Date, cal: BusinessCalendar): Effect[] {
  if (!running(s.levelClock) || isTerminal(s.status)) return [];
  const r = new Recorder(s);
  levelActed(s, r, 'note', now, cal);
  touch(s);
  return r.effects;
}

/** The level clock's warning and breach still to come, while the level has not acted and the ticket is worked. */
export function levelClockEvents(s: TicketSlaState, cal: BusinessCalendar): TimedEvent[] {
  const c = s.levelClock;
  if (!running(c) || isTerminal(s.status) || s.status === 'resolved') return [];
  const events: TimedEvent[] = c.reminders ? levelReminderEvents(s, c, cal) : [];
  if (!c.reminders && !s.fired.includes(levelKey(c, 'warning'))) {
    const at = new Date(c.warningAt);
    events.push({
      kind: 'level_warning',
      at,
      level: c.level,
      describe: () => `${c.level} warning; due ${cal.formatLocal(new Date(c.dueAt))}`,
    });
  }
  if (!s.fired.includes(levelKey(c, 'breach'))) {
    const at = new Date(c.dueAt);
    events.push({
      kind: 'level_breach',
      at,
      level: c.level,
      describe: () => `${c.level} deadline ${cal.formatLocal(at)}`,
    });
  }
  return events;
}

/**
 * The level's warning or breach is due: a `warning` or `breached` event of metric `level`. The warning goes to the
 * level's contacts, the breach to the next level's (the level's own at the top of the ladder); the assignee hears
 * of both.
 */
export function fireLevelClock(s: TicketSlaState, r: Recorder, kind: 'level_warning' | 'level_breach', now: Date) {
  const c = s.levelClock;
  if (!running(c)) return;
  const breach = kind === 'level_breach';
  s.fired.push(levelKey(c, breach ? 'breach' : 'warning'));
  const detail = { since: c.startedAt, targetMinutes: c.targetMinutes, ...(breach ? {} : { warningAt: c.warningAt }) };
  r.event(breach ? 'breached' : 'warning', now, { metric: 'level', level: c.level, dueAt: c.dueAt, detail });
  const to = breach ? (nextLevel(c.level, escalationLadder(s.policy)) ?? c.level) : c.level;
  const notice = { kind, level: c.level, dueAt: c.dueAt } as const;
  r.notify({ key: `${s.ticketId}:${kind}:${c.seq}`, audience: { kind: 'level', level: to }, ...notice });
  if (s.assignee)
    r.notify({
      key: `${s.ticketId}:${kind}:${c.seq}:assignee`,
      audience: { kind: 'agent', agent: s.assignee },
      ...notice,
    });
}

/** The level clock as `sla.clocks[]` shows it (`metric: "level"`, `level` naming it). */
export function levelClockSnapshot(s: TicketSlaState, now: Date, cal: BusinessCalendar): ClockSnapshot | null {
  const c = s.levelClock;
  if (!c) return null;
  const stoppedAt = c.stoppedAt ?? (isTerminal(s.status) ? now.toISOString() : null);
  const minutes = cal.elapsed(new Date(c.startedAt), new Date(stoppedAt ?? now));
  return {
    metric: 'level',
    level: c.level,
    clock: 'business',
    targetMinutes: c.targetMinutes,
    usedMinutes: round(minutes),
    remainingMinutes: round(c.targetMinutes - minutes),
    dueAt: stoppedAt ? null : c.dueAt,
    warningAt: stoppedAt ? null : c.warningAt,
    paused: false,
    stopped: stoppedAt !== null,
    stoppedAt,
    breached: s.fired.includes(levelKey(c, 'breach')),
    cycle: c.seq,
  };
}

/**
 * A level clock as a read at `now` shows it from the row of the ticket's last change: counted on to `now` from its
 * due instant on the ticket's calendar, breached once that instant has passed.
 */
export function levelClockAt(c: ClockSnapshot, now: Date, cal: BusinessCalendar): ClockSnapshot {
  if (c.stopped || !c.dueAt) return c;
  const due = new Date(c.dueAt);
  const used = now < due ? c.targetMinutes - cal.elapsed(now, due) : c.targetMinutes + cal.elapsed(due, now);
  return {
    ...c,
    usedMinutes: round(used),
    remainingMinutes: round(c.targetMinutes - used),
    breached: c.breached || due <= now,
  };
}
