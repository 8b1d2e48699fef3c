import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { forbiddenError, invalidTransition } from '../domain/errors';
import type { LiveOutcome } from '../domain/ticket-sla';
import { randomBytes } from 'node:crypto';
import { isTerminal, type LiveSupportTool, type TicketStatus } from '../domain/ticket';
import { liveSessionRequestUpdate, liveSessionUpdate, type LiveSessionArgs } from '../workflows/ticket';
import type { Store } from '../store';
import type { Principal } from './principal';
import type { TicketActions } from './ticket-actions';
import { customerSnapshot } from './customer-view';
import { workflowIdFor } from './tickets';

const CLOSED = 'the ticket is closed; please open a new ticket';

export type LiveSessionInput =
  | { action: 'request'; tool: LiveSupportTool; preferredTimes: string[] }
  | { action: 'confirm'; startsAt: string; durationMinutes: number; link: string; tool?: LiveSupportTool }
  | { action: 'outcome'; outcome: LiveOutcome; notes?: string };

/**
 * The SLA's live-support channel. Customers ask (an update, refused once the ticket is closed, recorded in the
 * thread); agents book a slot, which the workflow refuses outside support hours, and record how it went.
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

  /** A refused update answers 409 with the validator's reason; a finished ticket's run takes none. */
  async function refusedAs409<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError)
        throw invalidTransition((err.cause as Error | undefined)?.message ?? err.message);
      if (err instanceof WorkflowNotFoundError || /workflow execution already completed/i.test(String(err)))
        throw invalidTransition(CLOSED);
      throw err;
    }
  }

  const update = (ticketId: string, args: LiveSessionArgs) =>
    refusedAs409(() => handleOf(ticketId).executeUpdate(liveSessionUpdate, { args: [args] }));

  return {
    async handle(caller: Principal, ticketId: string, input: LiveSessionInput) {
      const ticket = await deps.actions.visibleTicket(caller, ticketId);
      const staff = caller.role !== 'customer';
      if (input.action === 'request') {
        if (staff) throw forbiddenError('agents book sessions with action "confirm"', 'action');
        // A closed ticket is known from the projection; one that closed meanwhile refuses the update itself.
        const row = await deps.store.ticketStates.get(ticket.id);
        if (row && isTerminal(row.status as TicketStatus)) throw invalidTransition(CLOSED);
        const sla = await refusedAs409(() =>
          handleOf(ticket.id).executeUpdate(liveSessionRequestUpdate, {
            args: [{ tool: input.tool, preferredTimes: input.preferredTimes }],
          }),
        );
        await note(
          caller,
          ticket.id,
          `Requested a live support session via ${input.tool}. Preferred times: ${input.preferredTimes.join('; ') || 'any'}.`,
        );
        return customerSnapshot(sla);
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
