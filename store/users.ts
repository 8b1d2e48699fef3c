import { DIRECTORY_CACHE_MS, microcache } from './microcache';
import { canonicalOrNull } from '../lib/email-address';
import type { Models } from './models';
import type { Role, User } from '../domain/entities';
export type { Role, User };

/**
 * A user found by email is remembered for a minute: intake skips a read per ticket, which on FerretDB is a scan
 * of the collection. Only hits are kept: a user created by another process is seen at once. Bounded, oldest out
 * first. (API keys are not remembered this way: see keyOwners.)
 */
export function knownUsers(ttlMs = 60_000, max = 10_000, clock = () => Date.now()) {
  const entries = new Map<string, { user: User; at: number }>();
  return {
    get(key: string): User | undefined {
      const hit = entries.get(key);
      if (hit && clock() - hit.at < ttlMs) return hit.user;
      if (hit) entries.delete(key);
      return undefined;
    },
    forget: (key: string) => void entries.delete(key),
    set(key: string, user: User): User {
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { user, at: clock() });
      return user;
    },
  };
}

/**
 * Which user a key hash belongs to. That never changes (keys are random, the hash is unique), so it is kept
 * without a time limit; whether the key still works is read on every use. Bounded, oldest out first.
 */
export function keyOwners(max = 10_000) {
  const owners = new Map<string, string>();
  return {
    get: (hash: string) => owners.get(hash),
    set(hash: string, userId: string): void {
      if (owners.size >= max) owners.delete(owners.keys().next().value!);
      owners.set(hash, userId);
    },
    delete: (hash: string) => void owners.delete(hash),
  };
}

export function createUserRepository(models: Models) {
  const { User: UserModel } = models;
  const owners = keyOwners();
  const byMail = knownUsers();
  const toPlain = (doc: Record<string, unknown>): User => {
    const { _id, apiKeyHash, ...rest } = doc;
    void apiKeyHash;
    return { id: String(_id), ...(rest as Omit<User, 'id'>) };
  };
  // Every console page names the agents; a role or a name changes only through create().
  const staff = microcache(async (limit: number) => {
    const docs = await UserModel.find({ role: { $in: ['agent', 'admin'] } })
      .sort({ name: 1, _id: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => toPlain(d as unknown as Record<string, unknown>));
  }, DIRECTORY_CACHE_MS);
  return {
    async create(u: User, apiKeyHash: string): Promise<User> {
      const { id, ...fields } = u;
      await UserModel.create({ _id: id, ...fields, apiKeyHash });
      staff.forget();
      return u;
    },
    /**
     * The user whose current key hashes to `hash`. A key seen before costs one read by `_id` (indexed on FerretDB
     * too) that also checks the hash is still the user's, so a key rotated or revoked by any API process stops
     * working in every other at once; only a key not seen yet costs the search by hash (through its index).
     */
    async byApiKeyHash(hash: string): Promise<User | null> {
      const owner = owners.get(hash);
      if (owner) {
        const doc = await UserModel.findOne({ _id: owner, apiKeyHash: hash }).lean();
        if (!doc) owners.delete(hash);
        return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
      }
      // Sorted by the unique index's key: the patched FerretDB then seeks the index (ferretdb-index-patches.ts).
      const doc = await UserModel.findOne({ apiKeyHash: hash }).sort({ apiKeyHash: 1 }).lean();
      if (!doc) return null;
      owners.set(hash, String(doc._id));
      return toPlain(doc as unknown as Record<string, unknown>);
    },
    async byId(id: string): Promise<User | null> {
      const doc = await UserModel.findOne({ _id: id }).lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    /** Replaces the user's key hash: the old key stops working in every API process at once. False when there is no such user. */
    async replaceApiKeyHash(id: string, apiKeyHash: string): Promise<boolean> {
      const res = await UserModel.updateOne({ _id: id }, { $set: { apiKeyHash } });
      return res.matchedCount === 1;
    },
    /**
     * The address is proven: recorded, and a customer in no organization joins `organizationId` (their domain's)
     * as a member. Conditional, so a concurrent admin's change of membership is not overwritten.
     */
    async markProven(id: string, now: Date, organizationId?: string): Promise<User | null> {
      await UserModel.updateOne({ _id: id, emailProvenAt: { $exists: false } }, { $set: { emailProvenAt: now } });
      if (organizationId)
        await UserModel.updateOne(
          { _id: id, role: 'customer', organizationId: { $exists: false } },
          { $set: { organizationId, organizationRole: 'member' } },
        );
      const doc = await UserModel.findOne({ _id: id }).lean();
      if (!doc) return null;
      const user = toPlain(doc as unknown as Record<string, unknown>);
      byMail.forget(user.email);
      return user;
    },
    /** The people who work tickets (agents and admins with a stored account), by name; bounded for a picker. */
    async staff(limit = 500): Promise<User[]> {
      return [...(await staff(limit))];
    },
    /** An organization's admins (customers with `organizationRole: admin`): whom its reminders tell; bounded. */
    async organizationAdmins(organizationId: string, limit = 50): Promise<User[]> {
      const docs = await UserModel.find({ organizationId: String(organizationId), organizationRole: 'admin' })
        .sort({ _id: 1 })
        .limit(limit)
        .lean();
      return docs.map((d) => toPlain(d as unknown as Record<string, unknown>));
    },
    /** By the address's canonical form (lib/email-address.ts); an address it refuses is nobody's. */
    async byEmail(email: string): Promise<User | null> {
      const canonical = canonicalOrNull(email);
      if (!canonical) return null;
      const doc = await UserModel.findOne({ email: canonical }).sort({ email: 1 }).lean(); // seeks, as above
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    /**
     * Finds or creates a customer by email (intake on behalf of a customer, inbound mail); `membership` is asked
     * only for a new address.
     */
    async ensureCustomer(
      email: string,
      name: string | undefined,
      newId: string,
      apiKeyHash: string,
      now: Date,
      membership: () => Promise<Pick<User, 'organizationId' | 'organizationRole'>> = async () => ({}),
    ): Promise<User> {
      const normalized = canonicalOrNull(email);
      if (!normalized) throw new Error(`not a canonical address: ${JSON.stringify(email)}`);
      // Most tickets come from customers we know: remembered, else one read; the upsert only for a new address.
      const remembered = byMail.get(normalized);
      if (remembered) return remembered;
      const known = await UserModel.findOne({ email: normalized }).sort({ email: 1 }).lean();
      if (known) return byMail.set(normalized, toPlain(known as unknown as Record<string, unknown>));
      const joins = await membership();
      await UserModel.updateOne(
        { email: normalized },
        {
          $setOnInsert: {
            _id: newId,
            role: 'customer',
            name: name ?? normalized,
            email: normalized,
            apiKeyHash,
            agreement: { trainingIncluded: false },
            ...joins,
            createdAt: now,
          },
        },
        { upsert: true },
      );
      const doc = await UserModel.findOne({ email: normalized }).sort({ email: 1 }).lean();
      return byMail.set(normalized, toPlain(doc as unknown as Record<string, unknown>));
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
