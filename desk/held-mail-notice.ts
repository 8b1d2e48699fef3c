import { textToHtml } from '../lib/mail-html';
import { notificationMessageId } from '../lib/reply-token';
import type { Logger } from '../lib/logger';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';
import type { TicketLinks } from './ticket-links';

/** Notices one ticket may send per window: a flood of forged mails naming it mails its customer only this often. */
export const HELD_NOTICES_PER_TICKET = 3;
export const HELD_NOTICE_WINDOW_MS = 24 * 60 * 60_000;
const KIND = 'held_mail_notice';

export type HeldNoticeOutcome = 'sent' | 'rate-limited' | 'no-mailer';

/**
 * A mail naming a ticket from its customer's address, without proof that the customer sent it, is held
 * for agents. Its customer is told so, at the address on file (never the From of the mail, which may be
 * forged: no backscatter), with the ways to add to the ticket that do count. The held message's id is the
 * idempotency key, so a redelivery mails nothing more.
 */
export function createHeldMailNotice(deps: {
  store: Store;
  links: TicketLinks;
  now: () => Date;
  mailer?: Mailer;
  mailDomain?: string;
  replySecret: string;
  logger: Logger;
}) {
  const { store } = deps;

  async function recentNotices(ticketId: string, heldMessageId: string) {
    const since = deps.now().getTime() - HELD_NOTICE_WINDOW_MS;
    const all = (await store.notifications.forTicket(ticketId)) as unknown as {
      _id: string;
      kind: string;
      claimedAt?: Date;
    }[];
    const ours = all.filter((n) => n.kind === KIND);
    return {
      alreadyThis: ours.some((n) => n._id === keyFor(heldMessageId)),
      recent: ours.filter((n) => (n.claimedAt?.getTime() ?? 0) >= since).length,
    };
  }
  const keyFor = (heldMessageId: string) => `${KIND}:${heldMessageId}`;

  return {
    async notify(
      ticket: { id: string; subject: string },
      customerEmail: string,
      heldMessageId: string,
    ): Promise<HeldNoticeOutcome> {
      if (!deps.mailer) return 'no-mailer';
      const { alreadyThis, recent } = await recentNotices(ticket.id, heldMessageId);
      if (!alreadyThis && recent >= HELD_NOTICES_PER_TICKET) return 'rate-limited';
      const key = keyFor(heldMessageId);
      const subject = `A message naming your ticket was kept for review [#${ticket.id}]`;
      // Minted like every notification's (unguessable), so the customer's reply to it proves them.
      const messageId = notificationMessageId(deps.replySecret, key, deps.mailDomain ?? 'support.local');
      const claimed = await store.notifications.claim(
        { key, ticketId: ticket.id, kind: KIND, to: [customerEmail], subject, messageId },
        deps.now(),
      );
      if (claimed !== 'claimed') return 'sent';
      const text = [
        `We received a message naming your ticket #${ticket.id} (${ticket.subject}) from your address. We could not confirm that it came from you, so it was not added to the ticket; our support team will review it.`,
        `To add to your ticket for certain, reply to one of the mails we sent you about it, or write on your private ticket page: ${deps.links.customerUrl(ticket.id)}`,
        'If you did not send such a message, you need not do anything.',
      ].join('\n\n');
      await deps.mailer.send({
        to: [customerEmail],
        subject,
        text: `${text}\n`,
        html: `<!doctype html><html><body>${textToHtml([text])}</body></html>`,
        messageId,
        // Auto-Submitted: an auto-responder at the customer's end must not answer this notice.
        headers: { 'X-Ticket-Id': ticket.id, 'X-Notification-Kind': KIND, 'Auto-Submitted': 'auto-replied' },
      });
      await store.notifications.markSent([key], deps.now());
      deps.logger.info({ ticketId: ticket.id, heldMessageId }, 'held mail notice sent');
      return 'sent';
    },
  };
}

export type HeldMailNotice = ReturnType<typeof createHeldMailNotice>;
