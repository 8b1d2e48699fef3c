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

/** The ticket workflow's messages: agents' updates, customers' signals, the live-state query, its input. */
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
export const customerReplySignal = defineSignal<[CustomerReplyArgs]>('customerReply');
export const stateQuery = defineQuery<TicketSnapshot>('state');

export interface LiveSessionRequestArgs {
  tool: LiveSupportTool;
  preferredTimes: string[];
}
export type LiveSessionArgs =
  { action: 'confirm'; booking: LiveBooking } | { action: 'outcome'; outcome: LiveOutcome; notes?: string };
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
