/**
 * The SLA decisions of one ticket as a pure state machine. The workflow owns the state, feeds it
 * messages and timer firings, and carries out the effects it returns; nothing here reads a clock.
 */
export * from './ticket-sla/types';
export * from './ticket-sla/patches';
export { ticketProjection, snapshotAt, carriesSnapshot, type TicketProjection } from './ticket-sla/projection';
export { escalationLadder, scopeOf, ticketFacts } from './ticket-sla/core';
export { receive, acknowledged, ACKNOWLEDGEMENT_KEY } from './ticket-sla/intake';
export { applyAgentAction, applyCustomerReply, retime, type AgentActionInput } from './ticket-sla/actions';
export { nextTimedEvent, fireTimedEvent } from './ticket-sla/timers';
export { firstWarningFraction, previewReminders, publishedToWebhooks } from './ticket-sla/reminders';
export { snapshot } from './ticket-sla/snapshot';
export { pauseRefusal } from './ticket-sla/pauses';
export { applyAgentNote } from './ticket-sla/level-clock';
export {
  requestLiveSession,
  confirmLiveSession,
  recordLiveOutcome,
  bookingRefusal,
  liveOutcomeRefusal,
  type LiveBooking,
  type LiveOutcome,
} from './ticket-sla/live-session';
