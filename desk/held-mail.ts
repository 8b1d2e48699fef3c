import { conflictError, forbiddenError, notFoundError } from '../domain/errors';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { ThreadMessage } from '../domain/entities';
import { quotaExceeded, type AttachmentService } from './attachments';
import { principalOf, type Principal } from './principal';
import type { TicketActions } from './ticket-actions';

/**
 * An agent's decision on a held mail (desk/inbound-mail.ts holds a reply whose sender proved nothing). Until
 * then the mail is an internal note and its files are kept apart: agents see them, the customer does not, and
 * they count against no quota of the customer's. Releasing adds the mail to the thread as the customer's
 * message (counted then: it resumes a pending ticket and is mailed to the assignee) and its files become the
 * ticket's, within the ticket's quota. Discarding deletes the files; the note stays, marked, for the record.
 */
export type HeldDecision = 'release' | 'discard';

export function createHeldMail(deps: {
  store: Store;
  actions: TicketActions;
  attachments: AttachmentService;
  now: () => Date;
  logger: Logger;
}) {
  const { store } = deps;

  async function pending(caller: Principal, ticketId: string, messageId: string): Promise<ThreadMessage> {
    if (caller.role === 'customer') throw forbiddenError('only agents decide on held mail');
    const ticket = await deps.actions.visibleTicket(caller, ticketId);
    const note = messageId.length <= 100 ? await store.messages.get(messageId) : null;
    const held = note?.mail?.held;
    if (!note || note.ticketId !== ticket.id || !held) throw notFoundError('held mail');
    if (held.status !== 'pending') throw conflictError(`this mail was already ${held.status}`);
    return note;
  }

  async function release(caller: Principal, ticketId: string, note: ThreadMessage) {
    const held = note.mail!.held!;
    if (!held.customerId)
      throw conflictError("held under an agent's address: a forged agent's mail can only be discarded");
    const customer = await store.users.byId(held.customerId);
    if (!customer) throw conflictError('the customer this mail was held for no longer exists');
    const files = (await store.attachments.forTicket(ticketId, true)).filter((a) => a.messageId === note.id);
    if (
      !(await deps.attachments.fits(
        ticketId,
        files.map((f) => f.size),
      ))
    )
      throw quotaExceeded(deps.attachments.quota);
    // The id derives from the note, so a retried release adds the message once.
    const releasedAs = `${note.id}R`;
    const { message } = await deps.actions.addMessage(principalOf(customer), ticketId, {
      body: held.reply || '(see attachments)',
      channel: 'email',
      id: releasedAs,
      mail: {
        original: note.mail!.original,
        ...(note.mail!.refusedFiles ? { refusedFiles: note.mail!.refusedFiles } : {}),
        proof: `released by ${caller.name} after review (${note.mail!.proof ?? 'unverified'})`,
      },
    });
    await store.attachments.release(ticketId, note.id, releasedAs);
    await store.messages.decideHeld(note.id, {
      status: 'released',
      decidedBy: caller.name,
      decidedAt: deps.now(),
      releasedAs,
    });
    return { status: 'released' as const, message, files: files.length };
  }

  async function discard(caller: Principal, ticketId: string, note: ThreadMessage) {
    const files = (await store.attachments.forTicket(ticketId, true)).filter((a) => a.messageId === note.id);
    // Files first: a discard that fails half-way is retried whole (the note is still pending).
    await store.attachments.discardHeld(ticketId, note.id);
    await store.messages.decideHeld(note.id, { status: 'discarded', decidedBy: caller.name, decidedAt: deps.now() });
    return { status: 'discarded' as const, files: files.length };
  }

  return {
    async decide(caller: Principal, ticketId: string, messageId: string, decision: HeldDecision) {
      const note = await pending(caller, ticketId, messageId);
      const result =
        decision === 'release' ? await release(caller, ticketId, note) : await discard(caller, ticketId, note);
      deps.logger.info({ ticketId, messageId, decision, by: caller.id, files: result.files }, 'held mail decided');
      return result;
    },
  };
}

export type HeldMail = ReturnType<typeof createHeldMail>;
