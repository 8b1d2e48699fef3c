import type { Store } from '../store';
import type { CheckedFile } from './attachments';
import { ensureCustomer, pendingOrganization } from './customers';
import { principalOf } from './principal';
import { type CreatedTicket, type OpenTicketInput, type TicketService } from './tickets';

/**
 * A ticket from the public web form, where nobody signs in. Typing an address proves nothing, so a
 * ticket for an address we already know is accepted but unverified: its private link goes only to
 * that address (in the acknowledgement mail), never to the person at the form, and agents see the
 * mark until the link is opened. A new address gets its link shown at once (there is nothing of
 * anyone else's to see behind it) unless its domain is an organization's: then the link, which proves
 * the address and so makes it a member (desk/customers.ts), goes only to the address too.
 */
export type WebIntakeResult = { kind: 'staff' } | { kind: 'opened'; created: CreatedTicket; showLink: boolean };

export function createWebIntake(deps: { store: Store; tickets: TicketService; now: () => Date }) {
  return {
    async open(
      who: { email: string; name?: string },
      body: OpenTicketInput,
      formKey: string,
      files: CheckedFile[],
    ): Promise<WebIntakeResult> {
      const known = await deps.store.users.byEmail(who.email);
      const user = known ?? (await ensureCustomer(deps.store, who.email, who.name, deps.now(), 'email'));
      if (user.role !== 'customer') return { kind: 'staff' };
      const showLink = !known && !(await pendingOrganization(deps.store, user));
      const created = await deps.tickets.create(principalOf(user), body, formKey, {
        files,
        unverified: !showLink,
        linkShown: showLink,
      });
      // A replay answers as its first attempt did: what the stored ticket says, not who is known by now.
      return { kind: 'opened', created, showLink: created.ticket.linkShown === true };
    },
  };
}

export type WebIntake = ReturnType<typeof createWebIntake>;
