import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { forbiddenError, invalidTransition } from '../domain/errors';
import type { LiveOutcome } from '../domain/ticket-sla';
import type { LiveSupportTool } from '../domain/ticket';
import { randomBytes } from 'node:crypto';
import { liveSessionRequestSignal, liveSessionUpdate, stateQuery, type LiveSessionArgs } from '../workflows/ticket';
import type { Store } from '../store';
import type { Principal } from './principal';
import type { TicketActions } from './ticket-actions';
import { customerSnapshot } from './customer-view';
import { workflowIdFor } from './tickets';

export type LiveSessionInput =
  | { action: 'request'; tool: LiveSupportTool; preferredTimes: string[] }
  | { action: 'confirm'; startsAt: string; durationMinutes: number; link: string; tool?: LiveSupportTool }
  | { action: 'outcome'; outcome: LiveOutcome; notes?: string };

/**
 * The SLA's live-support channel. Customers ask (a signal, recorded in the thread); agents book a
 * slot, which the workflow refuses outside support hours, and record how it went.
 */
export function createLiveSessions(deps: { temporal: Client; actions: TicketActions; store: Store; now: () => Date }) {
  /** A thread entry about the session; the workflow already has the facts, so no signal or update. */
  const note = (caller: Principal, ticketId: string, body: string) =>
    deps.store.messages.add({
      id: `L${randomBytes(8).toString('hex')}`,
      ticketId,
      authorId: caller.id,
      authorRole: caller.role,
      authorName: caller.name,
      body,
      kind: caller.role === 'customer' ? 'message' : 'reply',
      internal: false,
      channel: 'live',
      createdAt: deps.now(),
    });

  const handleOf = (id: string) => deps.temporal.workflow.getHandle(workflowIdFor(id));

  async function update(ticketId: string, args: LiveSessionArgs) {
    try {
      return await handleOf(ticketId).executeUpdate(liveSessionUpdate, { args: [args] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError)
        throw invalidTransition((err.cause as Error | undefined)?.message ?? err.message);
      throw err;
    }
  }

  return {
    async handle(caller: Principal, ticketId: string, input: LiveSessionInput) {
      const ticket = await deps.actions.visibleTicket(caller, ticketId);
      const staff = caller.role !== 'customer';
      if (input.action === 'request') {
        if (staff) throw forbiddenError('agents book sessions with action "confirm"', 'action');
        const state = await handleOf(ticket.id).query(stateQuery);
        if (state.status === 'closed' || state.status === 'out_of_scope')
          throw invalidTransition('the ticket is closed; please open a new ticket');
        await note(
          caller,
          ticket.id,
          `Requested a live support session via ${input.tool}. Preferred times: ${input.preferredTimes.join('; ') || 'any'}.`,
        );
        await handleOf(ticket.id).signal(liveSessionRequestSignal, {
          tool: input.tool,
          preferredTimes: input.preferredTimes,
        });
        return customerSnapshot(await handleOf(ticket.id).query(stateQuery));
      }
      if (!staff) throw forbiddenError('only agents book sessions or record their outcome', 'action');
      if (input.action === 'confirm') {
        const { action: _a, ...booking } = input;
        const sla = await update(ticket.id, { action: 'confirm', booking: { ...booking, agent: caller.name } });
        await note(
          caller,
          ticket.id,
          `Live support session booked for ${input.startsAt} (${input.durationMinutes} min): ${input.link}`,
        );
        return sla;
      }
      const sla = await update(ticket.id, { action: 'outcome', outcome: input.outcome, notes: input.notes });
      await note(
        caller,
        ticket.id,
        `Live support session ${input.outcome.replace('_', ' ')}${input.notes ? `: ${input.notes}` : ''}`,
      );
      return sla;
    },
  };
}

export type LiveSessions = ReturnType<typeof createLiveSessions>;
