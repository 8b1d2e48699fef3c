import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import { UpdateAnswers } from './answers';
import { TicketEffects } from './effects';
import {
  agentActionUpdate,
  agentNoteUpdate,
  customerReplySignal,
  customerReplyUpdate,
  liveSessionRequestSignal,
  liveSessionRequestUpdate,
  liveSessionUpdate,
  retimeUpdate,
  stateQuery,
  type TicketWorkflowInput,
} from './messages';
import { leanRun, ticketPatched } from './patches';
import { DeadlineTimer } from './deadline-timer';
import { RunSwitch } from './switch-runs';
import { Ticket } from './ticket';

/**
 * One ticket's life: messages change the ticket (the domain decides how), deadlines fire on durable timers, and
 * each change's effects go out without holding up the next deadline. The run ends when the ticket is closed.
 */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketSnapshot> {
  const lean = leanRun();
  const ticket = new Ticket(input, ticketPatched);
  const effects = new TicketEffects(ticket, ticketPatched, lean);
  const timer = new DeadlineTimer();
  const answers = new UpdateAnswers(input.carried?.answers);
  const runs = new RunSwitch(input, { ticket, effects, answers, patched: ticketPatched });
  effects.resume(input.carried?.webhooks);

  setHandler(stateQuery, () => ticket.snapshot());
  answers.handle(
    agentActionUpdate,
    (action, args) => ticket.act(action, args),
    (action, args) => ticket.validateAction(action, args),
  );
  answers.handle(
    agentNoteUpdate,
    (_note) => ticket.noted(),
    (_note) => ticket.validateCustomerMessage(),
  );
  answers.handle(
    retimeUpdate,
    (args) => ticket.retime(args),
    (args) => ticket.validateRetime(args),
  );
  answers.handle(
    customerReplyUpdate,
    ({ messageId }) => ticket.customerReplied(messageId),
    (_reply) => ticket.validateCustomerMessage(),
  );
  answers.handle(
    liveSessionRequestUpdate,
    (args) => ticket.requestLiveSession(args),
    (_request) => ticket.validateCustomerMessage(),
  );
  // The signals these updates replaced, for runs that already took them.
  setHandler(customerReplySignal, ({ messageId }) => void ticket.customerReplied(messageId));
  setHandler(liveSessionRequestSignal, (args) => void ticket.requestLiveSession(args));
  answers.handle(
    liveSessionUpdate,
    (args) => ticket.liveSession(args),
    (args) => ticket.validateLiveSession(args),
  );

  const woken = () => ticket.changed() || runs.ready() || timer.due();
  for (;;) {
    const changes = ticket.takeChanges();
    if (changes && lean) timer.keepOnly(ticket.nextEvent(new Date(Date.now())));
    if (changes) effects.start(changes);
    if (ticket.finished) break;
    if (!lean || runs.pending()) await runs.continueIfDue();

    const now = new Date(Date.now());
    const next = ticket.fireDue(now);
    if (next === 'fired') continue;
    if (lean) {
      timer.arm(next, now);
      await condition(woken);
    } else if (next) await condition(woken, next.at.getTime() - now.getTime(), { summary: next.describe() });
    else await condition(woken);
  }

  effects.deliverHeld();
  await effects.settled();
  await condition(allHandlersFinished);
  return ticket.snapshot();
}
