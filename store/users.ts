import type { Models } from './models';

export type Role = 'customer' | 'agent' | 'admin';

export interface User {
  id: string;
  role: Role;
  name: string;
  email: string;
  agreement: { trainingIncluded: boolean };
  createdAt: Date;
}

export function createUserRepository(models: Models) {
  const { User: UserModel } = models;
  const toPlain = (doc: Record<string, unknown>): User => {
    const { _id, apiKeyHash, ...rest } = doc;
    void apiKeyHash;
    return { id: String(_id), ...(rest as Omit<User, 'id'>) };
  };
  return {
    async create(u: User, apiKeyHash: string): Promise<User> {
      const { id, ...fields } = u;
      await UserModel.create({ _id: id, ...fields, apiKeyHash });
      return u;
    },
    async byApiKeyHash(hash: string): Promise<User | null> {
      const doc = await UserModel.findOne({ apiKeyHash: hash }).lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    async byEmail(email: string): Promise<User | null> {
      const doc = await UserModel.findOne({ email: email.toLowerCase() }).lean();
      return doc ? toPlain(doc as unknown as Record<string, unknown>) : null;
    },
    /** Finds or creates a customer by email (intake on behalf of a customer, inbound mail). */
    async ensureCustomer(email: string, name: string | undefined, newId: string, apiKeyHash: string, now: Date): Promise<User> {
      const normalized = email.toLowerCase();
      // Most tickets come from customers we know: one read, and the upsert only for a new address.
      const known = await UserModel.findOne({ email: normalized }).lean();
      if (known) return toPlain(known as unknown as Record<string, unknown>);
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
            createdAt: now,
          },
        },
        { upsert: true },
      );
      const doc = await UserModel.findOne({ email: normalized }).lean();
      return toPlain(doc as unknown as Record<string, unknown>);
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
