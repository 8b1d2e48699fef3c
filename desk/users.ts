import { randomBytes } from 'node:crypto';
import { conflictError, invalidInput, notFoundError } from '../domain/errors';
import { canonicalEmail } from '../lib/email-address';
import type { Store } from '../store';
import type { Role, User } from '../domain/entities';
import { newApiKey } from './principal';
import { secretHash } from './secrets';

export function createUserService(deps: { store: Store; now: () => Date }) {
  /**
   * A customer joins the organization named, or else the one holding their mail domain (as customers created from
   * an address do, desk/customers.ts); staff belong to none.
   */
  async function membershipOf(input: {
    role: Role;
    email: string;
    organizationId?: string;
    organizationRole?: 'member' | 'admin';
  }) {
    if (input.role !== 'customer') {
      if (input.organizationId !== undefined)
        throw invalidInput('only customers belong to organizations', 'organizationId');
      if (input.organizationRole !== undefined)
        throw invalidInput('only customers belong to organizations', 'organizationRole');
      return {};
    }
    const org = input.organizationId
      ? await deps.store.organizations.get(input.organizationId)
      : await deps.store.organizations.byDomain(input.email.slice(input.email.lastIndexOf('@') + 1).trim());
    if (input.organizationId && !org) throw invalidInput(`no organization ${input.organizationId}`, 'organizationId');
    if (!org) {
      if (input.organizationRole !== undefined)
        throw invalidInput('give the organizationId the role is in', 'organizationRole');
      return {};
    }
    return { organizationId: org.id, organizationRole: input.organizationRole ?? ('member' as const) };
  }

  return {
    /** The API key is returned once, here; only its hash is stored. */
    async create(
      input: {
        role: Role;
        name: string;
        email: string;
        agreement?: { trainingIncluded: boolean };
        organizationId?: string;
        organizationRole?: 'member' | 'admin';
      },
      actor: string,
    ): Promise<User & { apiKey: string }> {
      const canonical = canonicalEmail(input.email);
      if (!canonical.ok) throw invalidInput(canonical.reason, 'email');
      const email = canonical.address;
      if (await deps.store.users.byEmail(email)) throw conflictError(`a user with email ${email} already exists`);
      const membership = await membershipOf(input);
      const apiKey = newApiKey();
      const prefix = input.role === 'customer' ? 'C' : input.role === 'agent' ? 'A' : 'D';
      const user: User = {
        id: `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`,
        role: input.role,
        name: input.name,
        email,
        agreement: { trainingIncluded: input.agreement?.trainingIncluded ?? false },
        ...membership,
        createdAt: deps.now(),
      };
      try {
        await deps.store.users.create(user, secretHash(apiKey));
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw conflictError(`a user with email ${email} already exists`);
        throw err;
      }
      await deps.store.audit.record({
        at: deps.now(),
        actor,
        action: 'user.create',
        target: user.id,
        detail: { role: user.role, email },
      });
      return { ...user, apiKey };
    },

    /** A new API key for the user, returned once; the old one stops working, and so do their console sessions. */
    async rotateApiKey(userId: string, actor: string): Promise<{ userId: string; apiKey: string }> {
      const apiKey = newApiKey();
      if (!(await deps.store.users.replaceApiKeyHash(userId, secretHash(apiKey)))) throw notFoundError('user');
      await deps.store.sessions.revokeUser('console', userId);
      await deps.store.audit.record({ at: deps.now(), actor, action: 'user.api-key.rotate', target: userId });
      return { userId, apiKey };
    },

    /**
     * Leaves the user without a working key: the stored hash becomes one no key hashes to (hashes are hex),
     * which keeps the unique index on it. Their console sessions end too.
     */
    async revokeApiKey(userId: string, actor: string): Promise<void> {
      if (!(await deps.store.users.replaceApiKeyHash(userId, `revoked:${randomBytes(16).toString('hex')}`)))
        throw notFoundError('user');
      await deps.store.sessions.revokeUser('console', userId);
      await deps.store.audit.record({ at: deps.now(), actor, action: 'user.api-key.revoke', target: userId });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
