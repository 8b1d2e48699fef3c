import { isInternalKind } from '../domain/thread';
import type { ThreadMessage } from '../store/messages';
import type { SlaEventRecord } from '../store/sla-events';
import type { TicketSnapshot } from '../domain/ticket-sla';
import type { Principal } from './principal';

/**
 * The one projection of a ticket for its customer. Every read a customer can make (the API's ticket, thread and
 * timeline, the private ticket page) goes through here, so internal notes and agents' escalation reasons never
 * reach them whichever door they come in by.
 */

/**
 * Timeline details written for agents: an escalation's or a reclassification's reason names people and levels; an
 * assignment names who had the ticket before and who has it now (staff ids the customer's pages never show).
 */
const INTERNAL_DETAIL: Record<string, readonly string[]> = {
  escalated: ['reason'],
  reclassified: ['reason', 'by'],
  assigned: ['from', 'to'],
};

export function customerThread(messages: ThreadMessage[]): ThreadMessage[] {
  return messages.filter((m) => !m.internal && !isInternalKind(m.kind));
}

export function customerTimeline<E extends Pick<SlaEventRecord, 'type' | 'detail'>>(events: E[]): E[] {
  return events.map((e) => {
    const hidden = INTERNAL_DETAIL[e.type];
    if (!hidden || !e.detail) return e;
    return { ...e, detail: Object.fromEntries(Object.entries(e.detail).filter(([key]) => !hidden.includes(key))) };
  });
}

/** The thread as the caller may see it: everything for agents and admins, the customer projection for customers. */
export const threadFor = (caller: Principal, messages: ThreadMessage[]) =>
  caller.role === 'customer' ? customerThread(messages) : messages;

export const timelineFor = <E extends Pick<SlaEventRecord, 'type' | 'detail'>>(caller: Principal, events: E[]) =>
  caller.role === 'customer' ? customerTimeline(events) : events;

/** A customer acts through messages, not agent actions: their view of the ticket's state lists none. */
export const snapshotFor = <S extends Pick<TicketSnapshot, 'availableActions'>>(caller: Principal, sla: S): S =>
  caller.role === 'customer' ? { ...sla, availableActions: [] } : sla;
