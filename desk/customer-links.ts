import { randomBytes } from 'node:crypto';
import type { Logger } from '../lib/logger';
import { textToHtml } from '../lib/mail-html';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';
import type { TicketContent } from '../domain/entities';
import { proveAddress } from './customers';
import { principalOf, type Principal } from './principal';
import type { TicketLinks } from './ticket-links';
import type { SlaAcceptances } from './sla-acceptance';

/** How many of a customer's newest tickets one "mail me my links" request lists. */
const LINKS_PER_MAIL = 20;

/**
 * The customer's side of private links: opening one (which proves the address of an unverified
 * ticket) and asking for them again by address. The links only ever travel by mail to the address
 * on the ticket, so knowing an address (or a ticket number) gives nobody a way in.
 */
export function createCustomerLinks(deps: {
  store: Store;
  links: TicketLinks;
  acceptances: SlaAcceptances;
  now: () => Date;
  mailer?: Mailer;
  mailDomain?: string;
  logger: Logger;
}) {
  const { store, links } = deps;
  /** When each address was last mailed: one mail per address per window, whoever asks how often. */
  const lastMailed = new Map<string, number>();
  const PER_ADDRESS_MS = 10 * 60_000;
  function mayMail(email: string, at: number): boolean {
    if (lastMailed.size > 10_000) lastMailed.clear();
    const last = lastMailed.get(email);
    if (last !== undefined && at - last < PER_ADDRESS_MS) return false;
    lastMailed.set(email, at);
    return true;
  }

  async function sendLinks(email: string): Promise<void> {
    const user = await store.users.byEmail(email);
    if (!user || user.role !== 'customer') return;
    const tickets = await store.tickets.recentForCustomer(user.id, LINKS_PER_MAIL);
    if (!tickets.length || !deps.mailer || !mayMail(user.email, Date.now())) return;
    const list = tickets.map((t) => `#${t.id} ${t.subject}\n${links.customerUrl(t.id)}`);
    const text = [
      'You asked for the links to your support tickets. Each opens the ticket without a password; keep them to yourself.',
      ...list,
      `If you did not ask for this, ignore this mail: nothing changes. Ask again any time at ${links.lostLinkUrl()}`,
    ].join('\n\n');
    const html = `<!doctype html><html><body>${textToHtml([text])}</body></html>`;
    await deps.mailer.send({
      to: [user.email],
      subject: 'Your support ticket links',
      text: `${text}\n`,
      html,
      messageId: `<links-${randomBytes(8).toString('hex')}@${deps.mailDomain ?? 'support.local'}>`,
      headers: { 'X-Notification-Kind': 'ticket_links' },
    });
    deps.logger.info({ customer: user.id, tickets: tickets.length }, 'ticket links mailed');
  }

  return {
    /** The ticket behind a private link and its customer, or null for anything unknown. */
    async open(token: string): Promise<{ ticket: TicketContent; customer: Principal } | null> {
      const hash = links.hashOfToken(token);
      const ticket = hash ? await store.tickets.byAccessTokenHash(hash) : null;
      const user = ticket ? await store.users.byEmail(ticket.customerEmail) : null;
      if (!ticket || !user || user.id !== ticket.customerId) return null;
      if (ticket.unverified) {
        await store.tickets.markVerified(ticket.id);
        // The address is proven now: its customer engaged support under the ticket's SLA version.
        await deps.acceptances.impliedByTicket(ticket.customerId, ticket.slaVersion, ticket.id, deps.now());
      }
      // A link that only went to the address by mail proves it (one the web form showed proves nothing).
      const customer = ticket.linkShown ? user : await proveAddress(store, user, deps.now());
      return {
        ticket: { ...ticket, unverified: undefined },
        customer: principalOf(customer),
      };
    },

    /**
     * Mails the address its ticket links, if it is a customer's. Returns at once, before any lookup, so
     * that neither the answer nor its timing tells whether the address is known; failures are logged.
     */
    requestLinks(email: string): void {
      sendLinks(email.trim()).catch((err: unknown) => deps.logger.error({ err }, 'ticket links not mailed'));
    },
  };
}

export type CustomerLinks = ReturnType<typeof createCustomerLinks>;
