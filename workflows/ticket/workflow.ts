import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import { TicketEffects } from './effects';
import {
  agentActionUpdate,
  customerReplySignal,
  liveSessionRequestSignal,
  liveSessionUpdate,
  retimeUpdate,
  stateQuery,
  type TicketWorkflowInput,
} from './messages';
import { ticketPatched } from './patches';
import { Ticket } from './ticket';

/**
 * One ticket's life: messages change the ticket (the domain decides how), deadlines fire on durable timers, and
 * each change's effects go out without holding up the next deadline. The run ends when the ticket is closed.
 */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketSnapshot> {
  const ticket = new Ticket(input, ticketPatched);
  const effects = new TicketEffects(ticket, ticketPatched);

  setHandler(stateQuery, () => ticket.snapshot());
  setHandler(agentActionUpdate, (action, args) => ticket.act(action, args), {
    validator: (action, args) => ticket.validateAction(action, args),
  });
  setHandler(retimeUpdate, (args) => ticket.retime(args), { validator: (args) => ticket.validateRetime(args) });
  setHandler(customerReplySignal, ({ messageId }) => ticket.customerReplied(messageId));
  setHandler(liveSessionRequestSignal, (args) => ticket.requestLiveSession(args));
  setHandler(liveSessionUpdate, (args) => ticket.liveSession(args), {
    validator: (args) => ticket.validateLiveSession(args),
  });

  for (;;) {
    const changes = ticket.takeChanges();
    if (changes) effects.start(changes);
    if (ticket.finished) break;

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfter ?? 5_000)) {
      await effects.settled();
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketWorkflow>({ ...input, carried: ticket.carried() });
    }

    const now = new Date(Date.now());
    const next = ticket.fireDue(now);
    if (next === 'fired') continue;
    if (next) await condition(ticket.changed, next.at.getTime() - now.getTime(), { summary: next.description });
    else await condition(ticket.changed);
  }

  await effects.settled();
  await condition(allHandlersFinished);
  return ticket.snapshot();
}
