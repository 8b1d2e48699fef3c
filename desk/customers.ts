import type { Store } from '../store';
import type { User } from '../store/users';
import { hashApiKey, newApiKey } from './principal';
import { newTicketId } from './tickets';

/**
 * The user behind an address, created as a customer (standard agreement, a key nobody is shown) when the
 * address is new. Every channel that takes a ticket for an address resolves it here; the caller decides
 * what a staff address means for it.
 */
export function ensureCustomer(store: Store, email: string, name: string | undefined, now: Date): Promise<User> {
  return store.users.ensureCustomer(email, name, `C${newTicketId()}`, hashApiKey(newApiKey()), now);
}
