import {
  allHandlersFinished,
  condition,
  continueAsNew,
  makeContinueAsNewFunc,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { PATCHES, type TicketSnapshot } from '../../domain/ticket-sla';
import { UpdateAnswers } from './answers';
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
  const answers = new UpdateAnswers(input.carried?.answers);
  effects.resume(input.carried?.webhooks);

  setHandler(stateQuery, () => ticket.snapshot());
  answers.handle(
    agentActionUpdate,
    (action, args) => ticket.act(action, args),
    (action, args) => ticket.validateAction(action, args),
  );
  answers.handle(
    retimeUpdate,
    (args) => ticket.retime(args),
    (args) => ticket.validateRetime(args),
  );
  setHandler(customerReplySignal, ({ messageId }) => ticket.customerReplied(messageId));
  setHandler(liveSessionRequestSignal, (args) => ticket.requestLiveSession(args));
  answers.handle(
    liveSessionUpdate,
    (args) => ticket.liveSession(args),
    (args) => ticket.validateLiveSession(args),
  );

  // Set once the run should continue as new: it does so when mail and store writes are done, deadlines still firing.
  let continuing = false;
  const readyToContinue = () => continuing && effects.flushed() && allHandlersFinished();
  for (;;) {
    const changes = ticket.takeChanges();
    if (changes) effects.start(changes);
    if (ticket.finished) break;

    if (!continuing && dueToContinue(input)) {
      if (!ticketPatched(PATCHES.continueAsNewCarriesEffects)) {
        await effects.settled();
        await condition(allHandlersFinished);
        await continueAsNew<typeof ticketWorkflow>({ ...input, carried: ticket.carried() });
      }
      continuing = true;
      effects.holdWebhooks();
    }
    if (readyToContinue()) {
      const carried = { ...ticket.carried(), webhooks: effects.undeliveredWebhooks(), answers: answers.carried() };
      await continueWithAttributes({ ...input, carried });
    }

    const now = new Date(Date.now());
    const next = ticket.fireDue(now);
    if (next === 'fired') continue;
    const woken = () => ticket.changed() || readyToContinue();
    if (next) await condition(woken, next.at.getTime() - now.getTime(), { summary: next.description });
    else await condition(woken);
  }

  await effects.settled();
  await condition(allHandlersFinished);
  return ticket.snapshot();
}

function dueToContinue(input: TicketWorkflowInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfter ?? 5_000);
}

/** The new run keeps the memo (the desk's request hash for idempotent retries) and the search attributes. */
function continueWithAttributes(input: TicketWorkflowInput): Promise<never> {
  const { memo, typedSearchAttributes } = workflowInfo();
  return makeContinueAsNewFunc<typeof ticketWorkflow>({ memo, typedSearchAttributes })(input);
}
