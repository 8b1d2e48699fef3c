import type { Store } from '../store';
import type { SlaAcceptance } from '../store/portal';

/**
 * Who accepted which SLA version, when and how. "By engaging our support services, you agree": a ticket opened
 * by a customer who has not accepted the version it opens under records an implied acceptance (once per customer
 * and version); the portal records an explicit one. Both are kept, so the record says what happened.
 */
export function createSlaAcceptances(deps: { store: Pick<Store, 'acceptances'> }) {
  const { acceptances } = deps.store;
  const forVersion = async (customerId: string, slaVersion: string): Promise<SlaAcceptance[]> =>
    (await acceptances.forCustomer(customerId)).filter((a) => a.slaVersion === slaVersion);
  return {
    /** The explicit accept of the portal; idempotent per customer and version. True when recorded now. */
    accept(customerId: string, slaVersion: string, at: Date): Promise<boolean> {
      return acceptances.record({ customerId, slaVersion, acceptedAt: at, via: 'portal' });
    },

    /** A ticket opened under `slaVersion`: the customer agrees by engaging support, unless they accepted already. */
    async impliedByTicket(customerId: string, slaVersion: string, ticketId: string, at: Date): Promise<void> {
      if (await acceptances.hasAny(customerId, slaVersion)) return;
      await acceptances.record({ customerId, slaVersion, acceptedAt: at, via: 'implied', ticketId });
    },

    /** What the customer had agreed to for this version, the earliest record first: explicit, or implied by a ticket. */
    forVersion,

    /** The acceptance a ticket was opened under: the earliest for its customer and version (null for tickets older than acceptances). */
    async forTicket(ticket: { customerId: string; slaVersion: string }): Promise<SlaAcceptance | null> {
      return (await forVersion(ticket.customerId, ticket.slaVersion))[0] ?? null;
    },
  };
}

export type SlaAcceptances = ReturnType<typeof createSlaAcceptances>;
