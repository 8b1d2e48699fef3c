import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../store';
import { isStaff, principalOf, type Principal } from './principal';
import { secretHash } from './secrets';
import type { Sessions } from './sessions';

/** A console session lasts one working day. */
export const CONSOLE_SESSION_MS = 12 * 60 * 60_000;

const ADMIN: Principal = {
  id: 'admin',
  role: 'admin',
  name: 'Administrator',
  email: 'admin@support.local',
  trainingIncluded: false,
};

/**
 * Who is asking: the holder of an API key (the JSON API, the console's sign-in), and the agent or admin a
 * console session belongs to. The admin key is configuration, not a stored user; every other key is looked
 * up by its hash. A console session names its user, who is read afresh on every request, so a changed role
 * or a rotated key (which ends the user's sessions, desk/users.ts) takes effect at once.
 */
export function createAccess(deps: { store: Store; sessions: Sessions; adminApiKey: string }) {
  const adminHash = Buffer.from(secretHash(deps.adminApiKey));

  async function authenticateKey(key: string): Promise<Principal | null> {
    const hash = secretHash(key);
    if (timingSafeEqual(Buffer.from(hash), adminHash)) return { ...ADMIN };
    const user = await deps.store.users.byApiKeyHash(hash);
    return user ? principalOf(user) : null;
  }

  async function staffById(id: string): Promise<Principal | null> {
    if (id === ADMIN.id) return { ...ADMIN };
    const user = await deps.store.users.byId(id);
    return isStaff(user) ? principalOf(user!) : null;
  }

  return {
    authenticateKey,

    /** The console's sign-in by API key: agents and admins only. The secret goes into the session cookie. */
    async signInToConsole(apiKey: string): Promise<{ who: Principal; secret: string; expiresAt: Date } | null> {
      const who = await authenticateKey(apiKey);
      if (!who || !isStaff(who)) return null;
      return { who, ...(await deps.sessions.open('console', who.id, CONSOLE_SESSION_MS)) };
    },

    /** The agent or admin whose live console session the secret opens, or null. */
    async consoleSession(secret: string | undefined): Promise<{ who: Principal; secret: string } | null> {
      const userId = await deps.sessions.userOf('console', secret);
      const who = userId ? await staffById(userId) : null;
      return who ? { who, secret: secret! } : null;
    },

    signOutOfConsole: (secret: string | undefined) => deps.sessions.close('console', secret),
  };
}
