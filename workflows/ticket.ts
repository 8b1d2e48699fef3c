import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationOutcome, TicketChangeInput } from '../activities/ticket-activities';
import type { SlaWebhookEvent } from '../activities/webhook-activities';
import { createCalendar, type BusinessCalendar } from '../domain/calendar';
import { refusal, isTerminal } from '../domain/ticket';
import {
  ACKNOWLEDGEMENT_KEY,
  acknowledged,
  applyAgentAction,
  applyCustomerReply,
  bookingRefusal,
  confirmLiveSession,
  liveOutcomeRefusal,
  recordLiveOutcome,
  requestLiveSession,
  ticketFacts,
  fireTimedEvent,
  isWebhookEvent,
  nextTimedEvent,
  receive,
  retime,
  snapshot,
  type Effect,
  type SlaEvent,
  type TicketSlaState,
  type TicketSnapshot,
} from '../domain/ticket-sla';
import { renderTicketDetails } from './ticket-details';
import {
  applyTicketChange,
  publishSlaEvent,
  recordTicketChange,
  sendNotificationsLocally,
  LOCAL_MAIL_ACTIVITY,
  ONE_LOCAL_ACTIVITY_PER_CHANGE,
} from './ticket-effects';
import { notificationSummary, notifyInput, type NotifyEffect } from './ticket-notifications';
import * as sa from './search-attributes';

import {
  agentActionUpdate,
  customerReplySignal,
  liveSessionRequestSignal,
  liveSessionUpdate,
  retimeUpdate,
  stateQuery,
  type TicketWorkflowInput,
} from './ticket-messages';

export * from './ticket-messages';

// ---- the workflow ---------------------------------------------------------------------------

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketSnapshot> {
  const now = () => new Date(Date.now());
  let state: TicketSlaState;
  let pending: Effect[] = [];
  const seenMessages = new Set(input.carried?.seenMessages ?? []);
  let cal: BusinessCalendar;

  if (input.carried) {
    state = input.carried.state;
    cal = createCalendar(state.calendar);
  } else {
    cal = createCalendar(input.intake.calendar);
    const received = receive(input.intake, cal);
    state = received.state;
    pending = received.effects;
  }

  let wake = true; // the first pass publishes the state (a continued run has no pending effects)
  const changed = (effects: Effect[]) => {
    pending.push(...effects);
    wake = true;
  };

  setHandler(stateQuery, () => snapshot(state, now(), cal));

  setHandler(
    agentActionUpdate,
    (action, args) => {
      changed(applyAgentAction(state, { action, ...args }, now(), cal, patched));
      return snapshot(state, now(), cal);
    },
    {
      // Synchronous on purpose: the SDK ignores a returned promise, so an async validator never rejects.
      validator: (action, args) => {
        if (action === 'priority' && !args.priority) throw new Error('priority is required');
        if (action === 'assign' && !args.agent) throw new Error('agent is required');
        if (action === 'reclassify' && !(args.category && state.policy.categories.includes(args.category))) {
          throw new Error(`unknown category; use one of: ${state.policy.categories.join(', ')}`);
        }
        const why = refusal(action, ticketFacts(state), args);
        if (why) throw new Error(why);
      },
    },
  );

  setHandler(
    retimeUpdate,
    ({ policy, calendar, terms }) => {
      const newCal = createCalendar(calendar);
      changed(retime(state, policy, calendar, now(), cal, newCal, terms));
      cal = newCal;
      return snapshot(state, now(), cal);
    },
    {
      validator: ({ policy }) => {
        if (isTerminal(state.status)) throw new Error(`cannot retime a ticket that is ${state.status}`);
        if (policy.version < state.policy.version && policy.id === state.policy.id) {
          throw new Error(`the ticket already uses policy version ${state.policy.version}`);
        }
      },
    },
  );

  setHandler(customerReplySignal, ({ messageId }) => {
    // Signals can be delivered twice (client retries); a message counts once.
    if (seenMessages.has(messageId)) return;
    seenMessages.add(messageId);
    changed(applyCustomerReply(state, now(), cal, messageId, patched));
  });

  setHandler(liveSessionRequestSignal, (args) => {
    if (isTerminal(state.status)) return;
    changed(requestLiveSession(state, args, now()));
  });

  setHandler(
    liveSessionUpdate,
    (args) => {
      changed(
        args.action === 'confirm'
          ? confirmLiveSession(state, args.booking, now(), cal)
          : recordLiveOutcome(state, args.outcome, now(), args.notes),
      );
      return snapshot(state, now(), cal);
    },
    {
      validator: (args) => {
        const why =
          args.action === 'confirm'
            ? bookingRefusal(state, args.booking, now(), cal)
            : liveOutcomeRefusal(state, args.outcome);
        if (why) throw new Error(why);
      },
    },
  );

  const inFlight: Promise<unknown>[] = [];
  let lastAttributes = '';

  /** Starts the side effects without waiting, so a slow store never delays the next deadline. */
  const flush = () => {
    const effects = pending;
    pending = [];
    const events = effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
    const notices = effects.filter((e): e is NotifyEffect => e.type === 'notify');
    // A change that mails (a breach and its escalation) mails and records in one local activity (issue 22).
    const together = notices.some((e) => !isReceipt(e)) && patched(ONE_LOCAL_ACTIVITY_PER_CHANGE);
    mail(together ? notices.filter(isReceipt) : notices);
    const snap = snapshot(state, now(), cal);
    const projection = {
      id: state.ticketId,
      version: state.version,
      status: snap.status,
      priority: snap.priority,
      category: snap.category,
      customerId: snap.customerId,
      ...(state.organizationId ? { organizationId: state.organizationId } : {}),
      subject: state.subject,
      assignee: snap.assignee ?? undefined,
      escalationLevel: snap.escalationLevel,
      slaState: snap.slaState,
      // Under a scope review no clock runs: the review's end is the deadline lists sort and show it by.
      nextDeadline: snap.nextDeadline ?? snap.scopeReviewDueAt ?? undefined,
      scopeReviewDueAt: snap.scopeReviewDueAt ?? undefined,
      clocks: snap.clocks,
      receivedAt: state.receivedAt,
      updatedAt: now().toISOString(),
    };
    const records = events.map((e) => ({ ...e, ticketId: state.ticketId }));
    const hookEvents = events.filter((e) => isWebhookEvent(e.type));
    const input = { events: records, projection, webhookCandidates: hookEvents.map((e) => e.type) };
    const change = together
      ? mailAndRecord(
          notices.filter((e) => !isReceipt(e)),
          input,
        )
      : recordTicketChange(input);
    const delivered = change.then(({ subscribed }) =>
      Promise.all(
        hookEvents
          .filter((e) => subscribed.includes(e.type))
          .map((e) => publishSlaEvent(webhookEvent(e)).catch(logFailure)),
      ),
    );
    inFlight.push(delivered.catch(logFailure));
    publish(snap);
  };

  const publish = (snap: TicketSnapshot) => {
    const attributes = [
      { key: sa.TicketStatus, value: snap.status },
      { key: sa.TicketPriority, value: snap.priority },
      { key: sa.TicketCategory, value: snap.category },
      { key: sa.CustomerId, value: snap.customerId },
      { key: sa.AssignedAgent, value: snap.assignee ?? null },
      { key: sa.EscalationLevel, value: snap.escalationLevel },
      { key: sa.SlaState, value: snap.slaState },
      { key: sa.NextDeadline, value: snap.nextDeadline ? new Date(snap.nextDeadline) : null },
    ];
    const fingerprint = JSON.stringify(attributes.map((a) => a.value));
    if (fingerprint !== lastAttributes) {
      lastAttributes = fingerprint;
      upsertSearchAttributes(attributes);
    }
    setCurrentDetails(renderTicketDetails(state, snap, cal));
  };

  const isReceipt = (e: NotifyEffect) => e.key === ACKNOWLEDGEMENT_KEY(state.ticketId);
  // The ticket is `acknowledged` once the receipt has actually gone out.
  const receiptSent = () => changed(acknowledged(state, now(), cal));

  /**
   * Mail goes out from local activities, inside the workflow task that decided it: the receipt on its own
   * (its success acknowledges the ticket), the rest of a change together. A breach is then one workflow task,
   * with no activity task, completion and second task through the server (issue 7, BENCHMARKS.md).
   */
  const mail = (notices: NotifyEffect[]) => {
    if (!notices.length) return;
    const sendLocally = (batch: NotifyEffect[]) =>
      sendNotificationsLocally.executeWithOptions(
        { ...LOCAL_MAIL_ACTIVITY, summary: batch.map(notificationSummary).join('; ') },
        [batch.map((e) => notifyInput(e, state, cal))],
      );
    for (const receipt of notices.filter(isReceipt)) {
      const sent = sendLocally([receipt]).then(([outcome]) =>
        outcome?.outcome === 'failed' ? logRefusedMail([outcome]) : receiptSent(),
      );
      inFlight.push(sent.catch(logFailure));
    }
    const others = notices.filter((e) => !isReceipt(e));
    if (others.length) inFlight.push(sendLocally(others).then(logRefusedMail).catch(logFailure));
  };

  /** The notices of a change sent first, then the change recorded, in one local activity. */
  const mailAndRecord = async (batch: NotifyEffect[], change: TicketChangeInput) => {
    const summary = batch.map(notificationSummary).join('; ');
    const done = await applyTicketChange.executeWithOptions({ ...LOCAL_MAIL_ACTIVITY, summary }, [
      { notices: batch.map((e) => notifyInput(e, state, cal)), change },
    ]);
    logRefusedMail(done.outcomes);
    return done;
  };

  const webhookEvent = (e: SlaEvent): SlaWebhookEvent => ({
    key: e.key,
    type: e.type as SlaWebhookEvent['type'],
    ticketId: state.ticketId,
    subject: state.subject,
    priority: state.priority,
    metric: e.metric,
    level: e.level,
    at: e.at,
    dueAt: e.dueAt,
    dueLocal: e.dueAt ? cal.formatLocal(new Date(e.dueAt)) : undefined,
  });

  const logRefusedMail = (outcomes: NotificationOutcome[]) => {
    for (const o of outcomes) if (o.outcome === 'failed') logFailure(new Error(`${o.key}: ${o.error}`));
  };

  const logFailure = (err: unknown) => {
    // Only non-retryable failures (bad data) land here; the ticket's SLA goes on regardless.
    log.error('side effect failed', { ticketId: state.ticketId, error: String(err) });
  };

  for (;;) {
    if (pending.length || wake) flush();
    wake = false;
    if (isTerminal(state.status)) break;

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfter ?? 5_000)) {
      await Promise.all(inFlight);
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketWorkflow>({ ...input, carried: { state, seenMessages: [...seenMessages] } });
    }

    const current = now();
    const next = nextTimedEvent(state, current, cal, patched);
    if (next && next.at.getTime() <= current.getTime()) {
      changed(fireTimedEvent(state, next, current, cal, patched));
      // Everything due at this instant (a breach and the escalation it triggers) is one change: one local
      // activity writes it, half the store round trips of a change per event (issue 7, deadline precision).
      for (
        let due = nextTimedEvent(state, current, cal, patched);
        due && due.at.getTime() <= current.getTime() && !isTerminal(state.status);
        due = nextTimedEvent(state, current, cal, patched)
      ) {
        changed(fireTimedEvent(state, due, current, cal, patched));
      }
      continue;
    }
    if (next) {
      await condition(() => wake, next.at.getTime() - current.getTime(), { summary: next.description });
    } else {
      await condition(() => wake);
    }
  }

  await Promise.all(inFlight);
  await condition(allHandlersFinished);
  return snapshot(state, now(), cal);
}
