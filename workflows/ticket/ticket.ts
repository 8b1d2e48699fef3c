import { createCalendar, type BusinessCalendar } from '../../domain/calendar';
import { isTerminal, refusal, type AgentAction } from '../../domain/ticket';
import {
  acknowledged,
  applyAgentAction,
  applyAgentNote,
  applyCustomerReply,
  bookingRefusal,
  confirmLiveSession,
  fireTimedEvent,
  liveOutcomeRefusal,
  nextTimedEvent,
  pauseRefusal,
  receive,
  recordLiveOutcome,
  requestLiveSession,
  retime,
  snapshot,
  ticketFacts,
  type Effect,
  type PatchCheck,
  type TicketSlaState,
  type TicketSnapshot,
  type TimedEvent,
} from '../../domain/ticket-sla';
import type {
  AgentActionArgs,
  LiveSessionArgs,
  LiveSessionRequestArgs,
  RetimeArgs,
  TicketWorkflowInput,
} from './messages';

/** The workflow's clock: the time of the task being run, the same on every replay. */
const now = () => new Date(Date.now());

/**
 * One ticket in its workflow: its SLA state and calendar, what messages and deadlines do to them (the domain
 * decides), and the effects gathered since the workflow last carried them out. Validators throw to refuse; they
 * are synchronous because the SDK ignores a returned promise, so an async validator never rejects.
 */
export class Ticket {
  readonly state: TicketSlaState;
  cal: BusinessCalendar;
  private readonly seenMessages: Set<string>;
  private pending: Effect[] = [];
  /** Set by every change; the first pass publishes the state (a continued run has no pending effects). */
  private woken = true;
  private readonly patched: PatchCheck;

  constructor(input: TicketWorkflowInput, patched: PatchCheck) {
    this.patched = patched;
    this.seenMessages = new Set(input.carried?.seenMessages ?? []);
    if (input.carried) {
      this.state = input.carried.state;
      this.cal = createCalendar(this.state.calendar);
    } else {
      this.cal = createCalendar(input.intake.calendar);
      const received = receive(input.intake, this.cal);
      this.state = received.state;
      this.pending = received.effects;
    }
  }

  get finished(): boolean {
    return isTerminal(this.state.status);
  }

  snapshot(): TicketSnapshot {
    return snapshot(this.state, now(), this.cal);
  }

  /** Whether anything changed since the last `takeChanges` (the workflow waits on it). */
  readonly changed = (): boolean => this.woken;

  /** The effects gathered since the last call, or null when nothing changed. */
  takeChanges(): Effect[] | null {
    const effects = this.pending.length || this.woken ? this.pending : null;
    if (effects) this.pending = [];
    this.woken = false;
    return effects;
  }

  act(action: AgentAction, args: AgentActionArgs): TicketSnapshot {
    this.record(applyAgentAction(this.state, { action, ...args }, now(), this.cal, this.patched));
    return this.snapshot();
  }

  /** An internal note: the level acted (nothing changes when no level clock runs). */
  noted(): TicketSnapshot {
    const effects = applyAgentNote(this.state, now(), this.cal);
    if (effects.length) this.record(effects);
    return this.snapshot();
  }

  validateAction(action: AgentAction, args: AgentActionArgs): void {
    const { state } = this;
    if (action === 'priority' && !args.priority) throw new Error('priority is required');
    if (action === 'assign' && !args.agent) throw new Error('agent is required');
    if (action === 'reclassify' && !(args.category && state.policy.categories.includes(args.category))) {
      throw new Error(`unknown category; use one of: ${state.policy.categories.join(', ')}`);
    }
    const why = refusal(action, ticketFacts(state), args) ?? (action === 'pending' ? pauseRefusal(state, args) : null);
    if (why) throw new Error(why);
  }

  retime({ policy, calendar, terms }: RetimeArgs): TicketSnapshot {
    const newCal = createCalendar(calendar);
    this.record(retime(this.state, policy, calendar, now(), this.cal, newCal, terms));
    this.cal = newCal;
    return this.snapshot();
  }

  validateRetime({ policy }: RetimeArgs): void {
    if (this.finished) throw new Error(`cannot retime a ticket that is ${this.state.status}`);
    if (policy.version < this.state.policy.version && policy.id === this.state.policy.id) {
      throw new Error(`the ticket already uses policy version ${this.state.policy.version}`);
    }
  }

  customerReplied(messageId: string): TicketSnapshot {
    // A message can arrive twice (a retried signal, an update under another id); it counts once.
    if (!this.seenMessages.has(messageId)) {
      this.seenMessages.add(messageId);
      this.record(applyCustomerReply(this.state, now(), this.cal, messageId, this.patched));
    }
    return this.snapshot();
  }

  requestLiveSession(args: LiveSessionRequestArgs): TicketSnapshot {
    if (!this.finished) this.record(requestLiveSession(this.state, args, now()));
    return this.snapshot();
  }

  /** A customer's message or live-session request: refused once the ticket takes no more (closed, out of scope). */
  validateCustomerMessage(): void {
    if (this.finished) throw new Error('the ticket is closed; please open a new ticket');
  }

  liveSession(args: LiveSessionArgs): TicketSnapshot {
    this.record(
      args.action === 'confirm'
        ? confirmLiveSession(this.state, args.booking, now(), this.cal)
        : recordLiveOutcome(this.state, args.outcome, now(), args.notes),
    );
    return this.snapshot();
  }

  validateLiveSession(args: LiveSessionArgs): void {
    const why =
      args.action === 'confirm'
        ? bookingRefusal(this.state, args.booking, now(), this.cal)
        : liveOutcomeRefusal(this.state, args.outcome);
    if (why) throw new Error(why);
  }

  /** The receipt has actually gone out: the ticket is `acknowledged`. */
  receiptSent(): void {
    this.record(acknowledged(this.state, now(), this.cal));
  }

  /** The next timed event as the state stands, firing nothing. */
  nextEvent(at: Date): TimedEvent | null {
    return nextTimedEvent(this.state, at, this.cal, this.patched);
  }

  /**
   * Fires what is due at `at` and answers 'fired', else answers the next timed event (null when only a message
   * can move the ticket). Everything due at one instant (a breach and the escalation it triggers) is one change:
   * one local activity writes it, half the store round trips of a change per event (issue 7, deadline precision).
   */
  fireDue(at: Date): 'fired' | TimedEvent | null {
    const next = nextTimedEvent(this.state, at, this.cal, this.patched);
    if (!next || next.at.getTime() > at.getTime()) return next;
    this.record(fireTimedEvent(this.state, next, at, this.cal, this.patched));
    for (
      let due = nextTimedEvent(this.state, at, this.cal, this.patched);
      due && due.at.getTime() <= at.getTime() && !this.finished;
      due = nextTimedEvent(this.state, at, this.cal, this.patched)
    ) {
      this.record(fireTimedEvent(this.state, due, at, this.cal, this.patched));
    }
    return 'fired';
  }

  /** What a continued run starts from. */
  carried(): NonNullable<TicketWorkflowInput['carried']> {
    return { state: this.state, seenMessages: [...this.seenMessages] };
  }

  private record(effects: Effect[]): void {
    this.pending.push(...effects);
    this.woken = true;
  }
}
