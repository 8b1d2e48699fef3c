import type { AgentAction } from './ticket';

/**
 * What lands in a ticket's thread. Every piece of text a person types is one message with its kind:
 * customers see their own messages and what support told them; agents see everything.
 */
export const MESSAGE_KINDS = [
  /** A customer's message (API, private page, mail). */
  'message',
  /** An agent's reply to the customer. */
  'reply',
  /** The note sent to the customer with a resolution. */
  'resolution_note',
  /** What the customer is asked for when the ticket waits on them. */
  'pending_reason',
  /** Why an agent closed the ticket. */
  'close_reason',
  /** An agents-only note. */
  'internal_note',
  /** Why an agent escalated (agents only: it names people and levels). */
  'escalation_reason',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

const INTERNAL_KINDS: readonly MessageKind[] = ['internal_note', 'escalation_reason'];

export const isInternalKind = (kind: MessageKind): boolean => INTERNAL_KINDS.includes(kind);

/** The text fields an action reads; a field it does not read is refused rather than silently dropped. */
export type ActionField = 'agent' | 'priority' | 'reason' | 'body' | 'category' | 'waitingOn' | 'vendor';
export const ACTION_FIELDS: Record<AgentAction, readonly ActionField[]> = {
  assign: ['agent'],
  reply: ['body'],
  priority: ['priority'],
  pending: ['reason', 'waitingOn', 'vendor'],
  escalate: ['reason'],
  resolve: ['body'],
  reopen: [],
  close: ['reason'],
  accept: [],
  reclassify: ['category', 'reason'],
};

/** The action's typed text and the kind it is kept as in the thread. */
export const ACTION_TEXT: Partial<Record<AgentAction, { field: 'body' | 'reason'; kind: MessageKind }>> = {
  reply: { field: 'body', kind: 'reply' },
  resolve: { field: 'body', kind: 'resolution_note' },
  pending: { field: 'reason', kind: 'pending_reason' },
  close: { field: 'reason', kind: 'close_reason' },
  escalate: { field: 'reason', kind: 'escalation_reason' },
};
