import {
  allHandlersFinished,
  condition,
  continueAsNew,
  makeContinueAsNewFunc,
  workflowInfo,
} from '@temporalio/workflow';
import { PATCHES, type PatchCheck, type TicketSnapshot } from '../../domain/ticket-sla';
import type { UpdateAnswers } from './answers';
import type { TicketEffects } from './effects';
import type { TicketWorkflowInput } from './messages';
import type { Ticket } from './ticket';

type TicketWorkflow = (input: TicketWorkflowInput) => Promise<TicketSnapshot>;

/**
 * When a ticket's history grows long, its run continues as new without losing anything: once due, the run keeps
 * firing deadlines and taking messages until its mail and store writes (local activities, seconds) are done, then
 * hands the next run its state, the webhooks not delivered yet (a subscriber that is down is retried for about an
 * hour; the next run sends them) and its latest update answers, with its memo and search attributes.
 */
export class RunSwitch {
  private continuing = false;

  constructor(
    private readonly input: TicketWorkflowInput,
    private readonly parts: { ticket: Ticket; effects: TicketEffects; answers: UpdateAnswers; patched: PatchCheck },
  ) {}

  /** Due, with nothing left that only this run can finish: the workflow wakes for it. */
  readonly ready = (): boolean => this.continuing && this.parts.effects.flushed() && allHandlersFinished();

  /** Whether `continueIfDue` has anything to do (asked first, it spares each pass a promise). */
  readonly pending = (): boolean => this.continuing || this.due();

  /** Continues as new when due and ready; when only due, from now on keeps webhooks for the next run. */
  async continueIfDue(): Promise<void> {
    const { ticket, effects, answers, patched } = this.parts;
    if (!this.continuing && this.due()) {
      if (!patched(PATCHES.continueAsNewCarriesEffects)) {
        // Runs recorded before the patch waited for every effect, webhooks included, with no deadline armed.
        await effects.settled();
        await condition(allHandlersFinished);
        await continueAsNew<TicketWorkflow>({ ...this.input, carried: ticket.carried() });
      }
      this.continuing = true;
      effects.holdWebhooks();
    }
    if (!this.ready()) return;
    const carried = { ...ticket.carried(), webhooks: effects.undeliveredWebhooks(), answers: answers.carried() };
    // Temporal's server copies the memo (the desk's request hash for idempotent retries) and search attributes
    // when the command leaves them out, a test server does not: passed on explicitly.
    const { memo, typedSearchAttributes } = workflowInfo();
    await makeContinueAsNewFunc<TicketWorkflow>({ memo, typedSearchAttributes })({ ...this.input, carried });
  }

  private due(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (this.input.continueAsNewAfter ?? 5_000);
  }
}
