/** Agents' actions and customers' messages. */
import * as clock from '../sla-clock';
import type { BusinessCalendar, CalendarSpec } from '../calendar';
import type { Priority, SlaPolicy } from '../policy';
import { nextLevel, statusAfter, statusAfterCustomerReply, type AgentAction } from '../ticket';
import { METRICS, type Effect, type TicketSlaState, type VendorTerms } from './types';
import { ALWAYS_PATCHED, PATCHES, type PatchCheck } from './patches';
import type { RetimeTerms } from '../agreement';
import {
  Recorder,
  scopeOf,
  touch,
  targetsFor,
  escalationLadder,
  isRunning,
  isActive,
  respond,
  stopClock,
  pauseResolution,
  resumeResolution,
  reopen,
  close,
  changePriority,
  retargetAll,
} from './core';
import { backInScope, reclassify } from './scope';
import { endPause, startPause } from './pauses';
import { endLevelClock, levelActed, reachLevel } from './level-clock';

export interface AgentActionInput {
  action: AgentAction;
  agent?: string;
  priority?: Priority;
  reason?: string;
  body?: string;
  messageId?: string;
  /** `reclassify`: the new category. */
  category?: string;
  /** `assign`: the user id of who assigned (an agent who takes a ticket is not mailed about it). */
  by?: string;
  /** `pending`: what the ticket waits on (a key of the policy's `pauses`; `customer` when absent). */
  waitingOn?: string;
  /** `pending` on a third party: which one. */
  vendor?: string;
  /** `pending` on a known vendor: its terms, pinned for the wait (its clock runs on them). */
  vendorTerms?: VendorTerms;
}

/** Applies an agent action already validated by `refusal` (domain/ticket.ts). */
export function applyAgentAction(
  s: TicketSlaState,
  input: AgentActionInput,
  now: Date,
  cal: BusinessCalendar,
  patched: PatchCheck = ALWAYS_PATCHED,
): Effect[] {
  const r = new Recorder(s);
  const from = s.status;
  switch (input.action) {
    case 'assign':
      assign(s, r, input.agent!, input.by, now, patched);
      break;
    case 'reply':
      respond(s, r, now, cal);
      if (input.body) {
        r.notify({
          key: `${s.ticketId}:agent_reply:${input.messageId ?? s.eventSeq}`,
          kind: 'agent_reply',
          audience: { kind: 'customer' },
          body: input.body,
        });
      }
      break;
    case 'priority':
      changePriority(s, r, input.priority!, now, cal);
      break;
    case 'pending':
      if (patched(PATCHES.pauseReasons)) {
        startPause(s, r, input, now, cal);
        break;
      }
      pauseResolution(s, r, now, cal);
      // The reason is what the customer is asked for: it goes to them, or they could not answer it.
      if (input.reason) {
        r.notify({
          key: `${s.ticketId}:awaiting_customer:${input.messageId ?? s.eventSeq}`,
          kind: 'awaiting_customer',
          audience: { kind: 'customer' },
          body: input.reason,
        });
      }
      break;
    case 'escalate': {
      const level = nextLevel(s.escalationLevel, escalationLadder(s.policy))!;
      s.escalationLevel = level;
      reachLevel(s, level, now, cal, patched);
      const reason = input.reason
        ? `escalated by ${input.agent ?? 'an agent'}: ${input.reason}`
        : `escalated by ${input.agent ?? 'an agent'}`;
      r.event('escalated', now, { level, detail: { manual: true, reason } });
      r.notify({
        key: `${s.ticketId}:manual_escalation:${level}`,
        kind: 'escalation',
        audience: { kind: 'level', level },
        level,
        reason,
      });
      break;
    }
    case 'resolve':
      respond(s, r, now, cal);
      stopClock(s, r, 'resolution', now, cal, 'resolved');
      s.resolvedAt = now.toISOString();
      endPause(s, r, now, cal, 'resolved', false);
      r.notify({
        key: `${s.ticketId}:resolution:${s.eventSeq}`,
        kind: 'resolution',
        audience: { kind: 'customer' },
        body: input.body,
      });
      break;
    case 'reopen':
      reopen(s, r, now);
      break;
    case 'close':
      close(s, r, now, cal, input.reason ?? `closed by ${input.agent ?? 'an agent'}`);
      endPause(s, r, now, cal, 'closed', false);
      break;
    case 'accept':
      // The intake's review keeps its original key; a review a reclassification started has its own.
      backInScope(
        s,
        r,
        now,
        cal,
        s.scopeReviews ? `${s.ticketId}:scope_accepted:${s.scopeReviews}` : `${s.ticketId}:scope_accepted`,
      );
      break;
    case 'reclassify':
      reclassify(s, r, input.category!, now, cal, { agent: input.agent, reason: input.reason });
      break;
  }
  if (input.action !== 'reopen' && input.action !== 'close') s.status = statusAfter(input.action, from);
  levelActed(s, r, input.action, now, cal);
  if (s.status === 'closed') endLevelClock(s, now);
  touch(s);
  return r.effects;
}

/**
 * The ticket changes hands: the timeline says from whom to whom (user ids; pages show names) and the new
 * assignee is mailed once, keyed by the version this assignment makes. Assigning to the one who has it
 * already changes nothing and mails nobody. The notice names who assigned (`by`): the mail activity sends none to
 * an agent who took the ticket themself (deciding there keeps the workflow's commands as they were).
 */
function assign(
  s: TicketSlaState,
  r: Recorder,
  agent: string,
  by: string | undefined,
  now: Date,
  patched: PatchCheck,
): void {
  const previous = s.assignee;
  s.assignee = agent;
  if (previous === agent) return;
  if (!patched(PATCHES.assigneeMail)) return;
  r.event('assigned', now, { detail: { from: previous ?? '', to: agent, ...(by ? { by } : {}) } });
  r.notify({
    key: `${s.ticketId}:assigned:${s.version + 1}`,
    kind: 'assigned',
    audience: { kind: 'agent', agent, ...(by ? { by } : {}) },
  });
}

/**
 * An admin moved the ticket to a new policy or calendar version (with `terms`, its organization's agreement now in
 * force): keep the business time used.
 */
export function retime(
  s: TicketSlaState,
  policy: SlaPolicy,
  calendar: CalendarSpec,
  now: Date,
  oldCal: BusinessCalendar,
  newCal: BusinessCalendar,
  terms?: RetimeTerms,
): Effect[] {
  const r = new Recorder(s);
  // Fold the time used so far under the old calendar before switching.
  for (const metric of METRICS) {
    const c = s.clocks[metric];
    if (isRunning(c)) s.clocks[metric] = clock.resumeClock(clock.pauseClock(c, now, oldCal), now);
  }
  const fromVersion = s.policy.version;
  const fromTerms = s.terms;
  s.policy = policy;
  s.calendar = calendar;
  if (terms) s.terms = { ...terms, scope: terms.scope ?? scopeOf(s) };
  retargetAll(s, now, newCal);
  const agreement: Record<string, string> = terms
    ? {
        fromAgreement: fromTerms ? `${fromTerms.agreement}@${fromTerms.version}` : '',
        toAgreement: `${terms.agreement}@${terms.version}`,
        toPolicy: policy.id,
        toCalendar: `${terms.calendar.id}@${terms.calendar.version}`,
      }
    : {};
  r.event('retimed', now, {
    detail: { fromPolicyVersion: fromVersion, toPolicyVersion: policy.version, ...agreement },
  });
  touch(s);
  return r.effects;
}

/**
 * A customer's message: answers a pending question, reopens a resolved ticket, or starts a next-response clock.
 * The assignee hears of it once (keyed by the thread message, which a retried delivery keeps).
 */
export function applyCustomerReply(
  s: TicketSlaState,
  now: Date,
  cal: BusinessCalendar,
  messageId?: string,
  patched: PatchCheck = ALWAYS_PATCHED,
): Effect[] {
  const r = new Recorder(s);
  const from = s.status;
  if (from === 'closed' || from === 'out_of_scope') return [];
  if (s.assignee && messageId && patched(PATCHES.assigneeMail)) {
    r.notify({
      key: `${s.ticketId}:agent-reply-notice:${messageId}`,
      kind: 'customer_reply',
      audience: { kind: 'agent', agent: s.assignee },
      messageId,
    });
  }
  // Under a scope review the answer reopens the ticket but its clocks wait for the review (scope.ts backInScope).
  // Whatever the ticket waited on, the customer's message ends the wait: the ticket is open again.
  if (from === 'pending_customer' && s.awaitingScopeReview) {
    s.scopePaused = [...new Set([...(s.scopePaused ?? []), ...(s.pause?.clocks ?? ['resolution' as const])])];
    endPause(s, r, now, cal, 'customer_reply', false);
  } else if (from === 'pending_customer' && s.pause) endPause(s, r, now, cal, 'customer_reply', true);
  else if (from === 'pending_customer') resumeResolution(s, r, now, cal, 'resumed');
  if (from === 'resolved') reopen(s, r, now);
  s.status = statusAfterCustomerReply(from);
  if (s.agentHasReplied && !isActive(s.clocks.next_response) && !s.awaitingScopeReview) {
    s.cycles.next_response += 1;
    s.clocks.next_response = clock.startClock('next_response', targetsFor(s.policy, s.priority).next_response, now);
  }
  touch(s);
  return r.effects;
}
