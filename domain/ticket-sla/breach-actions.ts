/**
 * Breach actions: an escalation step's `actions` run when a breach escalates to that step (also when the ticket is
 * already at its level), once per ticket, in order. `raise_priority` moves the priority one step up and re-times the
 * running clocks exactly as an agent's priority change does (the business time used is kept); `assign` gives the
 * ticket to the named agent (mailed as for any assignment). Each is a `breach_action` event on the timeline, which
 * customers never see: the customer's ticket shows its new priority, not why.
 */
import type { BusinessCalendar } from '../calendar';
import { PRIORITIES, type Metric } from '../policy';
import type { TicketSlaState } from './types';
import { PATCHES, type PatchCheck } from './patches';
import { retargetAll, type Recorder } from './core';

const actionsKey = (level: string) => `actions:${level}`;

/**
 * Runs the actions of the step escalating to `level` for the breach of `metric`. Clocks are re-timed from `at`, the
 * escalation's own instant (exact however late the timer ran); the timeline records them when they ran (`now`).
 */
export function runBreachActions(
  s: TicketSlaState,
  r: Recorder,
  level: string,
  metric: Metric,
  { at, now }: { at: Date; now: Date },
  cal: BusinessCalendar,
  patched: PatchCheck,
): void {
  const actions = s.policy.escalation.find((e) => e.level === level)?.actions;
  if (!actions?.length || s.fired.includes(actionsKey(level)) || !patched(PATCHES.levelClocks)) return;
  s.fired.push(actionsKey(level));
  actions.forEach((action, index) => {
    const base = { level, metric, dueAt: at.toISOString() };
    if (action.type === 'raise_priority') {
      const from = s.priority;
      const to = PRIORITIES[Math.min(PRIORITIES.indexOf(from) + 1, PRIORITIES.length - 1)]!;
      if (to !== from) {
        s.priority = to;
        retargetAll(s, at, cal);
      }
      r.event('breach_action', now, { ...base, detail: { action: action.type, from, to, changed: to !== from } });
      return;
    }
    const from = s.assignee ?? '';
    const changed = from !== action.agent;
    s.assignee = action.agent;
    r.event('breach_action', now, { ...base, detail: { action: action.type, from, to: action.agent, changed } });
    if (changed)
      r.notify({
        key: `${s.ticketId}:breach_action:${level}:${index}`,
        kind: 'assigned',
        audience: { kind: 'agent', agent: action.agent },
      });
  });
}
