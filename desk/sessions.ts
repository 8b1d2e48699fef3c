import type { Store } from '../store';
import type { SessionRealm } from '../store/sessions';
import { isSecret, newSecret, secretHash } from './secrets';

/**
 * Signed-in sessions, the console's and the portal's alike: a random secret for the cookie, a record of whose
 * it is under the secret's hash, ended server-side on sign-out. Each realm reads only its own sessions, so no
 * role check stands between a customer's session and the console.
 */
export function createSessions(deps: { store: Store; now: () => Date }) {
  const { sessions } = deps.store;
  return {
    async open(realm: SessionRealm, userId: string, ttlMs: number, at = deps.now()) {
      const secret = newSecret();
      const expiresAt = new Date(at.getTime() + ttlMs);
      await sessions.create(secretHash(secret), { realm, userId, createdAt: at, expiresAt });
      return { secret, expiresAt };
    },

    /** Whose live session the secret opens, or null for a missing, malformed, unknown, ended or expired one. */
    async userOf(realm: SessionRealm, secret: string | undefined): Promise<string | null> {
      if (!secret || !isSecret(secret)) return null;
      return (await sessions.find(realm, secretHash(secret), deps.now()))?.userId ?? null;
    },

    async close(realm: SessionRealm, secret: string | undefined): Promise<void> {
      if (secret && isSecret(secret)) await sessions.revoke(realm, secretHash(secret));
    },

    /** Ends every session of a user in the realm. */
    async closeAllOf(realm: SessionRealm, userId: string): Promise<void> {
      await sessions.revokeUser(realm, userId);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
