import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SlaWebhookEvent } from '../../activities/webhook-activities';
import type { RetimeTerms } from '../../domain/agreement';
import type { CalendarSpec } from '../../domain/calendar';
import type { SlaPolicy } from '../../domain/policy';
import type { AgentAction, LiveSupportTool } from '../../domain/ticket';
import type {
  AgentActionInput,
  LiveBooking,
  LiveOutcome,
  TicketIntake,
  TicketSlaState,
  TicketSnapshot,
} from '../../domain/ticket-sla';

/** The ticket workflow's messages: agents' and customers' updates, the live-state query, its input. */
export type AgentActionArgs = Omit<AgentActionInput, 'action'>;
export interface CustomerReplyArgs {
  messageId: string;
}
export interface RetimeArgs {
  policy: SlaPolicy;
  calendar: CalendarSpec;
  /** The agreement now in force (names, versions; an organization's also scope and contacts). */
  terms?: RetimeTerms;
}

export const agentActionUpdate = defineUpdate<TicketSnapshot, [AgentAction, AgentActionArgs]>('agentAction');
export const retimeUpdate = defineUpdate<TicketSnapshot, [RetimeArgs]>('retime');
/**
 * A customer's message, as an update: a ticket that takes no more messages refuses it in its validator (a closed
 * one has finished, and Temporal refuses it without a workflow task). The desk sends it under the update id
 * `customerReplyUpdateId(messageId)`, so a message sent twice counts once.
 */
export const customerReplyUpdate = defineUpdate<TicketSnapshot, [CustomerReplyArgs]>('addCustomerReply');
export const customerReplyUpdateId = (messageId: string) => `customer-reply:${messageId}`;
/** Kept so tickets that took customers' messages as signals (and their stored histories) still replay. */
export const customerReplySignal = defineSignal<[CustomerReplyArgs]>('customerReply');
export const stateQuery = defineQuery<TicketSnapshot>('state');
/**
 * An agent's internal note, which counts as the ticket's level acting on it (its level clock stops). The desk
 * sends it only while a level clock runs; otherwise a note never reaches the workflow.
 */
export const agentNoteUpdate = defineUpdate<TicketSnapshot, [{ messageId: string }]>('agentNote');

export interface LiveSessionRequestArgs {
  tool: LiveSupportTool;
  preferredTimes: string[];
}
export type LiveSessionArgs =
  { action: 'confirm'; booking: LiveBooking } | { action: 'outcome'; outcome: LiveOutcome; notes?: string };
/** A customer's request for a live session, refused like a message once the ticket takes no more. */
export const liveSessionRequestUpdate = defineUpdate<TicketSnapshot, [LiveSessionRequestArgs]>('askForLiveSession');
/** Kept so tickets that took requests as signals (and their stored histories) still replay. */
export const liveSessionRequestSignal = defineSignal<[LiveSessionRequestArgs]>('requestLiveSession');
export const liveSessionUpdate = defineUpdate<TicketSnapshot, [LiveSessionArgs]>('liveSession');

export interface TicketWorkflowInput {
  intake: TicketIntake;
  /** History length after which the ticket continues as new (tests lower it). */
  continueAsNewAfter?: number;
  /** Set when the workflow continues as new: the whole state is carried over. */
  carried?: {
    state: TicketSlaState;
    seenMessages: string[];
    /** Webhook events the previous run had not delivered; the new run delivers them. */
    webhooks?: SlaWebhookEvent[];
    /** The answers of the latest updates by id, so a retry after the switch is answered as the original. */
    answers?: [updateId: string, answer: TicketSnapshot][];
  };
}
