import { Schema, type Connection } from 'mongoose';

/**
 * Signed-in sessions of the console (agents, admins) and of the customer portal, kept server-side so signing
 * out (or losing one's API key) ends them at once. Keyed by the SHA-256 of the cookie's secret, which is never
 * stored, and read only within their realm: a portal session's secret opens no console session. No TTL index
 * (FerretDB 1.24 has none): every read checks `expiresAt`, and each new session sweeps the expired records.
 */

export type SessionRealm = 'console' | 'portal';

export interface SessionRecord {
  realm: SessionRealm;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    realm: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { versionKey: false, collection: 'sessions' },
);

export function createSessionRepository(conn: Connection) {
  const Model = conn.model('Session', sessionSchema);
  return {
    model: Model,
    async create(secretHash: string, session: SessionRecord): Promise<void> {
      await Model.deleteMany({ expiresAt: { $lte: session.createdAt } });
      await Model.create({ _id: secretHash, ...session });
    },
    /** The live session of this realm with this secret hash, or null: none, revoked, expired or another realm's. */
    async find(realm: SessionRealm, secretHash: string, now: Date): Promise<SessionRecord | null> {
      const doc = await Model.findOne({ _id: secretHash, realm }).lean<SessionRecord & { _id: string }>();
      if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
      return { realm: doc.realm, userId: doc.userId, createdAt: doc.createdAt, expiresAt: doc.expiresAt };
    },
    async revoke(realm: SessionRealm, secretHash: string): Promise<void> {
      await Model.deleteOne({ _id: secretHash, realm });
    },
    /** Ends every session of a user in one realm (their API key was rotated or revoked: the console's). */
    async revokeUser(realm: SessionRealm, userId: string): Promise<number> {
      return (await Model.deleteMany({ realm, userId })).deletedCount;
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
