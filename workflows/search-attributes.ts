import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The custom search attributes operators filter tickets by in the Temporal UI and CLI. */
export const TicketStatus = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
export const TicketPriority = defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD);
export const TicketCategory = defineSearchAttributeKey('TicketCategory', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const AssignedAgent = defineSearchAttributeKey('AssignedAgent', SearchAttributeType.KEYWORD);
export const EscalationLevel = defineSearchAttributeKey('EscalationLevel', SearchAttributeType.KEYWORD);
export const SlaState = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);

export const ticketSearchAttributes = [
  TicketStatus,
  TicketPriority,
  TicketCategory,
  CustomerId,
  AssignedAgent,
  EscalationLevel,
  SlaState,
  NextDeadline,
] as const;
