import { invalidInput } from '../domain/errors';
import { canonicalEmail } from '../lib/email-address';
import type { Store } from '../store';
import type { Organization } from '../store/organizations';
import type { User } from '../domain/entities';
import { newApiKey } from './principal';
import { secretHash } from './secrets';
import { newTicketId } from './ticket-ids';

/**
 * The user behind an address, created as a customer (a key nobody is shown) when the address is new, in its
 * canonical form (lib/email-address.ts; an address it refuses answers 400 on `field`). A new address is an
 * individual customer under the standard agreement, whatever its domain: typing an address proves nothing, so it
 * joins its domain's organization only once proven (`proveAddress`). Every channel that takes a ticket for an
 * address resolves it here; the caller decides what a staff address means for it.
 */
export function ensureCustomer(
  store: Store,
  email: string,
  name: string | undefined,
  now: Date,
  field = 'customerEmail',
): Promise<User> {
  const canonical = canonicalEmail(email);
  if (!canonical.ok) throw invalidInput(`${email}: ${canonical.reason}`, field);
  return store.users.ensureCustomer(canonical.address, name, `C${newTicketId()}`, secretHash(newApiKey()), now);
}

/** The organization a customer's address would join once proven: its domain's, while they belong to none. */
export async function pendingOrganization(store: Store, user: User): Promise<Organization | null> {
  if (user.role !== 'customer' || user.organizationId || user.emailProvenAt) return null;
  const c = canonicalEmail(user.email);
  return c.ok ? store.organizations.byDomain(c.domain) : null;
}

/**
 * The customer has shown they receive mail at their address (a link mailed to it was used, or a reply citing a
 * mail sent to them alone arrived): recorded, and a customer in no organization joins their domain's as a member.
 * Their tickets from now on run under its agreement; those already open keep the terms they were opened under.
 */
export async function proveAddress(store: Store, user: User, now: Date): Promise<User> {
  if (user.role !== 'customer' || (user.emailProvenAt && user.organizationId)) return user;
  const c = canonicalEmail(user.email);
  const org = !user.organizationId && c.ok ? await store.organizations.byDomain(c.domain) : null;
  if (user.emailProvenAt && !org) return user;
  return (await store.users.markProven(user.id, now, org?.id)) ?? user;
}
