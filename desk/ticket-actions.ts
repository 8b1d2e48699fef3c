import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { invalidTransition, invalidInput, notFoundError } from '../domain/app-errors';
import type { Priority } from '../domain/policy';
import type { AgentAction } from '../domain/ticket';
import type { TicketSnapshot } from '../domain/ticket-sla';
import type { Store } from '../store';
import type { MailDetails, ThreadMessage } from '../store/messages';
import type { TicketContent } from '../store/tickets';
import { agentActionUpdate, customerReplySignal, stateQuery, type AgentActionArgs } from '../workflows/ticket';
import type { Principal } from './principal';
import { workflowIdFor } from './tickets';

export interface TicketActionDeps {
  temporal: Client;
  store: Store;
  now: () => Date;
}

/** A refused update carries the validator's reason as its cause; that reason is what the caller sees. */
function refusalReason(err: unknown): string | null {
  if (err instanceof WorkflowUpdateFailedError) return (err.cause as Error | undefined)?.message ?? err.message;
  return null;
}

function isGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || /workflow execution already completed/i.test(String((err as Error)?.message));
}

export function createTicketActions(deps: TicketActionDeps) {
  const { temporal, store } = deps;

  async function visibleTicket(caller: Principal, ticketId: string): Promise<TicketContent> {
    const ticket = await store.tickets.get(ticketId);
    // Another customer's ticket answers exactly like a missing one: its existence is not revealed.
    if (!ticket || (caller.role === 'customer' && ticket.customerId !== caller.id)) throw notFoundError('ticket');
    return ticket;
  }

  async function runUpdate(ticketId: string, action: AgentAction, args: AgentActionArgs): Promise<TicketSnapshot> {
    try {
      return await temporal.workflow.getHandle(workflowIdFor(ticketId)).executeUpdate(agentActionUpdate, { args: [action, args] });
    } catch (err) {
      const reason = refusalReason(err);
      if (reason) throw invalidTransition(reason);
      if (isGone(err)) throw invalidTransition('the ticket is closed; no further actions are possible');
      throw err;
    }
  }

  return {
    visibleTicket,

    async act(caller: Principal, ticketId: string, action: AgentAction, input: { agent?: string; priority?: Priority; reason?: string; body?: string }) {
      await visibleTicket(caller, ticketId);
      const agent = action === 'assign' ? input.agent : caller.name;
      if (action === 'assign' && !agent) throw invalidInput('name the agent to assign', 'agent');
      if (action === 'priority' && !input.priority) throw invalidInput('give the new priority', 'priority');
      return runUpdate(ticketId, action, { agent, priority: input.priority, reason: input.reason, body: input.body });
    },

    /**
     * Adds to the thread. A customer's message signals the workflow; an agent's public reply is an
     * update (so a refused one is rolled back); an internal note never reaches the customer or the SLA.
     */
    /** `id` makes a retried delivery (e.g. the same inbound mail) add the message once. */
    async addMessage(caller: Principal, ticketId: string, input: { body: string; internal?: boolean; channel?: string; id?: string; mail?: MailDetails }) {
      const ticket = await visibleTicket(caller, ticketId);
      if (caller.role === 'customer' && input.internal) throw invalidInput('customers cannot write internal notes', 'internal');
      const message: ThreadMessage = {
        id: input.id ?? `M${randomBytes(8).toString('hex')}`,
        ticketId: ticket.id,
        authorId: caller.id,
        authorRole: caller.role,
        authorName: caller.name,
        body: input.body,
        internal: Boolean(input.internal),
        channel: input.channel ?? 'api',
        createdAt: deps.now(),
        ...(input.mail ? { mail: input.mail } : {}),
      };
      const handle = temporal.workflow.getHandle(workflowIdFor(ticket.id));
      if (caller.role === 'customer') {
        const state = await handle.query(stateQuery).catch((err: unknown) => {
          if (isGone(err)) return null;
          throw err;
        });
        if (!state || state.status === 'closed' || state.status === 'out_of_scope') {
          throw invalidTransition('the ticket is closed; please open a new ticket');
        }
        await store.messages.add(message);
        await handle.signal(customerReplySignal, { messageId: message.id });
        return { message, sla: await handle.query(stateQuery) };
      }
      await store.messages.add(message);
      if (message.internal) return { message, sla: null };
      try {
        const sla = await runUpdate(ticket.id, 'reply', { agent: caller.name, body: message.body, messageId: message.id });
        return { message, sla };
      } catch (err) {
        await store.messages.remove(message.id);
        throw err;
      }
    },

    async timeline(caller: Principal, ticketId: string) {
      const ticket = await visibleTicket(caller, ticketId);
      return store.slaEvents.forTicket(ticket.id);
    },

    async thread(caller: Principal, ticketId: string) {
      const ticket = await visibleTicket(caller, ticketId);
      return store.messages.forTicket(ticket.id, { includeInternal: caller.role !== 'customer' });
    },
  };
}

export type TicketActions = ReturnType<typeof createTicketActions>;
