import type { Store } from '../store';
import type { User } from '../store/users';
import { hashApiKey, newApiKey } from './principal';
import { newTicketId } from './tickets';

/**
 * The user behind an address, created as a customer (a key nobody is shown) when the address is new: a member of
 * the organization whose `domains` hold the address's domain, otherwise under the standard agreement. Every
 * channel that takes a ticket for an address resolves it here; the caller decides what a staff address means for it.
 */
export function ensureCustomer(store: Store, email: string, name: string | undefined, now: Date): Promise<User> {
  const membership = async () => {
    const org = await store.organizations.byDomain(email.slice(email.lastIndexOf('@') + 1));
    return org ? { organizationId: org.id, organizationRole: 'member' as const } : {};
  };
  return store.users.ensureCustomer(email, name, `C${newTicketId()}`, hashApiKey(newApiKey()), now, membership);
}
