import { ActivityFailure, ApplicationFailure, log, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { NotificationOutcome, TicketActivities, TicketChangeInput } from '../../activities/ticket-activities';
import type { SlaWebhookEvent, WebhookActivities } from '../../activities/webhook-activities';
import {
  ACKNOWLEDGEMENT_KEY,
  isWebhookEvent,
  PATCHES,
  publishedToWebhooks,
  ticketProjection,
  type Effect,
  type PatchCheck,
  type SlaEvent,
  type TicketSnapshot,
} from '../../domain/ticket-sla';
import { OperatorView } from './details';
import { notificationSummary, notifyInput, webhookEvent, type NotifyEffect } from './notifications';
import type { Ticket } from './ticket';

// The activities a ticket workflow calls, with their timeouts and retries.

/**
 * The store writes of a state change as one local activity: no task-queue round trip through the server,
 * which cuts the server's and the worker's work per ticket (issue 7, BENCHMARKS.md). Retried like the rest.
 */
const { recordTicketChange } = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Mail as a local activity: sent inside the workflow task that decided it, with no activity task, no
 * completion and no second workflow task through the server (issue 7, deadline precision). Each mail keeps
 * its claim in the notification log, so a retry, or a replay after a worker died mid-send, never mails twice;
 * a mail server that is down is retried with backoff, as a regular activity would be.
 */
const LOCAL_MAIL_ACTIVITY = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

const { sendNotifications: sendNotificationsLocally, applyTicketChange } =
  proxyLocalActivities<TicketActivities>(LOCAL_MAIL_ACTIVITY);

/**
 * Runs recorded since `deadline-at-temporal-cost`: each change is one local activity with a budget of a few seconds,
 * retries included (Temporal's guidance: a local activity that outlives the workflow task heartbeats it, adding
 * events); past its budget (a mail server or store that is slow or down) the same work goes on as a regular
 * activity, retried with backoff for as long as it takes, and the claims keep every mail to one send.
 */
const BOUNDED_LOCAL = {
  scheduleToCloseTimeout: '5 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '2 seconds' },
} as const;
const boundedLocally = proxyLocalActivities<TicketActivities>(BOUNDED_LOCAL);
const THEN_REGULAR = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;
const asRegular = proxyActivities<TicketActivities>(THEN_REGULAR);

/** A failure no retry can mend (bad data): the regular activity would fail the same way. */
const isBadData = (err: unknown): boolean =>
  err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;

/** What a change's activity answers: the mail's outcomes (when it mailed) and the event types anyone subscribes to. */
type ChangeDone = { outcomes?: NotificationOutcome[]; subscribed: string[] };

const { publishSlaEvent } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  // A subscriber that is down gets retried with backoff for about an hour, never holding up the SLA.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});

/**
 * Carries out a ticket's changes: mail, the timeline and projection in the store, webhooks, and what operators
 * see. Each change's side effects start without waiting, so a slow store never delays the next deadline;
 * `settled` waits for them all (before the run ends). Before a continue-as-new, `flushed` says when the mail and
 * store writes (local activities, seconds) are done; webhooks still undelivered then (a subscriber that is down is
 * retried for about an hour) go to the new run in its input instead of holding up the switch.
 */
export class TicketEffects {
  private readonly inFlight: Promise<unknown>[] = [];
  /** Local activities (mail, store writes) not yet done, with the webhooks they decide. */
  private localRunning = 0;
  /** Webhook events by key, from when their change is recorded until their delivery ends. */
  private readonly undelivered = new Map<string, SlaWebhookEvent>();
  private carrying = false;
  /** Webhook events decided while about to continue as new, not started. */
  private readonly held: SlaWebhookEvent[] = [];
  private readonly ticket: Ticket;
  private readonly patched: PatchCheck;

  private readonly lean: boolean;
  private readonly view: OperatorView;

  /** `lean`: the run records `deadline-at-temporal-cost` (one bounded local activity per change, plain awaits). */
  constructor(ticket: Ticket, patched: PatchCheck, lean: boolean) {
    this.ticket = ticket;
    this.patched = patched;
    this.lean = lean;
    this.view = new OperatorView(lean);
  }

  settled(): Promise<unknown> {
    return Promise.all(this.inFlight);
  }

  readonly flushed = (): boolean => this.localRunning === 0;

  /** From now on the run is about to continue as new: webhooks are kept for the next run rather than started. */
  holdWebhooks(): void {
    this.carrying = true;
  }

  /**
   * The webhook events not delivered yet. Delivery records which subscriber got which event key, so the next run
   * sends each only where it is missing (a subscriber dedupes on the key besides).
   */
  undeliveredWebhooks(): SlaWebhookEvent[] {
    return [...this.undelivered.values()];
  }

  /** The run ends instead of continuing (the ticket closed meanwhile): what it held goes out from this run. */
  deliverHeld(): void {
    this.carrying = false;
    this.inFlight.push(Promise.all(this.publish(this.held.splice(0))));
  }

  /** A continued run delivers what the run before it had not. */
  resume(webhooks: SlaWebhookEvent[] = []): void {
    this.inFlight.push(Promise.all(this.publish(webhooks)));
  }

  start(effects: Effect[]): void {
    if (this.lean) return this.startLean(effects);
    const { state, cal } = this.ticket;
    const events = effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
    const notices = effects.filter((e): e is NotifyEffect => e.type === 'notify');
    // A change that mails (a breach and its escalation) mails and records in one local activity (issue 22).
    const together = notices.some((e) => !this.isReceipt(e)) && this.patched(PATCHES.oneLocalActivityPerChange);
    this.mail(together ? notices.filter((e) => this.isReceipt(e)) : notices);
    const snap = this.ticket.snapshot();
    const input = this.record(events, snap);
    const hookEvents = events.filter((e) => isWebhookEvent(e.type) && publishedToWebhooks(e));
    const change = together
      ? this.mailAndRecord(
          notices.filter((e) => !this.isReceipt(e)),
          input,
        )
      : recordTicketChange(input);
    const decided = change.then(({ subscribed }) =>
      this.publish(hookEvents.filter((e) => subscribed.includes(e.type)).map((e) => webhookEvent(e, state, cal))),
    );
    this.inFlight.push(
      this.local(decided)
        .then((deliveries) => Promise.all(deliveries ?? []))
        .catch(this.logFailure),
    );
    this.view.show(state, snap, cal);
  }

  /** What the store keeps of a change: its timeline events, the ticket's row, and the event types webhooks may want. */
  private record(events: SlaEvent[], snap: TicketSnapshot): TicketChangeInput {
    const { state } = this.ticket;
    return {
      events: events.map((e) => ({ ...e, ticketId: state.ticketId })),
      projection: ticketProjection(state, snap, new Date(Date.now())),
      webhookCandidates: events.filter((e) => isWebhookEvent(e.type) && publishedToWebhooks(e)).map((e) => e.type),
    };
  }

  /**
   * A change as one local activity, its mail (the receipt too) and its record together, awaited in one function:
   * each `.then` is a promise the SDK's stack-trace hook records, a cost paid on every deadline.
   */
  private startLean(effects: Effect[]): void {
    const { state } = this.ticket;
    const events = effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
    const notices = effects.filter((e): e is NotifyEffect => e.type === 'notify');
    const snap = this.ticket.snapshot();
    this.localRunning += 1;
    this.inFlight.push(this.carryOut(notices, this.record(events, snap), events));
    this.view.show(state, snap, this.ticket.cal);
  }

  /**
   * One change's local activity, else (past its budget) the same as a regular activity; then the receipt, if it went
   * out, acknowledges the ticket, and the subscribed webhooks start. One async function: each `.then` is a promise the
   * SDK's stack-trace hook records.
   */
  private async carryOut(notices: NotifyEffect[], change: TicketChangeInput, events: SlaEvent[]): Promise<void> {
    const { state, cal } = this.ticket;
    const input = { notices: notices.map((e) => notifyInput(e, state, cal)), change };
    const summary = notices.map(notificationSummary).join('; ');
    const run = (activities: typeof asRegular, options: object): Promise<ChangeDone> =>
      notices.length
        ? activities.applyTicketChange.executeWithOptions({ ...options, summary }, [input])
        : activities.recordTicketChange(change);
    let done: ChangeDone;
    try {
      try {
        done = await run(boundedLocally, BOUNDED_LOCAL);
      } catch (err) {
        if (isBadData(err)) throw err;
        done = await run(asRegular, THEN_REGULAR);
      }
    } catch (err) {
      this.logFailure(err);
      return;
    } finally {
      this.localRunning -= 1;
    }
    if (done.outcomes) {
      this.logRefusedMail(done.outcomes);
      const receipt = done.outcomes.find((o) => o.key === ACKNOWLEDGEMENT_KEY(state.ticketId));
      if (receipt && receipt.outcome !== 'failed') this.ticket.receiptSent();
    }
    const hooks = events.filter(
      (e) => isWebhookEvent(e.type) && publishedToWebhooks(e) && done.subscribed.includes(e.type),
    );
    if (hooks.length) await Promise.all(this.publish(hooks.map((e) => webhookEvent(e, state, cal))));
  }

  /** Starts each event's delivery, or only keeps it when the run is about to continue as new. */
  private publish(events: SlaWebhookEvent[]): Promise<unknown>[] {
    return events.flatMap((e) => {
      this.undelivered.set(e.key, e);
      if (this.carrying) {
        this.held.push(e);
        return [];
      }
      return [
        publishSlaEvent(e)
          .catch(this.logFailure)
          .finally(() => this.undelivered.delete(e.key)),
      ];
    });
  }

  /** Counts a local activity (and what runs on its result) as running until it settles. */
  private local<T>(work: Promise<T>): Promise<T | undefined> {
    this.localRunning += 1;
    const failed = (err: unknown) => {
      this.logFailure(err);
      return undefined;
    };
    return work.catch(failed).finally(() => {
      this.localRunning -= 1;
    });
  }

  private isReceipt(e: NotifyEffect): boolean {
    return e.key === ACKNOWLEDGEMENT_KEY(this.ticket.state.ticketId);
  }

  /**
   * Mail goes out from local activities, inside the workflow task that decided it: the receipt on its own
   * (its success acknowledges the ticket), the rest of a change together. A breach is then one workflow task,
   * with no activity task, completion and second task through the server (issue 7, BENCHMARKS.md).
   */
  private mail(notices: NotifyEffect[]): void {
    if (!notices.length) return;
    const sendLocally = (batch: NotifyEffect[]) =>
      sendNotificationsLocally.executeWithOptions(
        { ...LOCAL_MAIL_ACTIVITY, summary: batch.map(notificationSummary).join('; ') },
        [batch.map((e) => notifyInput(e, this.ticket.state, this.ticket.cal))],
      );
    for (const receipt of notices.filter((e) => this.isReceipt(e))) {
      const sent = sendLocally([receipt]).then(([outcome]) =>
        outcome?.outcome === 'failed' ? this.logRefusedMail([outcome]) : this.ticket.receiptSent(),
      );
      this.inFlight.push(this.local(sent));
    }
    const others = notices.filter((e) => !this.isReceipt(e));
    if (others.length) {
      this.inFlight.push(this.local(sendLocally(others).then((outcomes) => this.logRefusedMail(outcomes))));
    }
  }

  /** The notices of a change sent first, then the change recorded, in one local activity. */
  private async mailAndRecord(batch: NotifyEffect[], change: TicketChangeInput) {
    const summary = batch.map(notificationSummary).join('; ');
    const done = await applyTicketChange.executeWithOptions({ ...LOCAL_MAIL_ACTIVITY, summary }, [
      { notices: batch.map((e) => notifyInput(e, this.ticket.state, this.ticket.cal)), change },
    ]);
    this.logRefusedMail(done.outcomes);
    return done;
  }

  private logRefusedMail(outcomes: NotificationOutcome[]): void {
    for (const o of outcomes) if (o.outcome === 'failed') this.logFailure(new Error(`${o.key}: ${o.error}`));
  }

  private readonly logFailure = (err: unknown): void => {
    // Only non-retryable failures (bad data) land here; the ticket's SLA goes on regardless.
    log.error('side effect failed', { ticketId: this.ticket.state.ticketId, error: String(err) });
  };
}
