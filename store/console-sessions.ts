import { Schema, type Connection } from 'mongoose';

/**
 * Signed-in console sessions, kept server-side so signing out (or losing one's API key) ends them at once.
 * Keyed by the SHA-256 of the cookie's secret: the secret itself is never stored. No TTL index (FerretDB
 * 1.24 has none): every read checks `expiresAt`, and each sign-in sweeps the expired records.
 */

export interface ConsoleSession {
  userId: string;
  role: 'agent' | 'admin';
  name: string;
  email: string;
  createdAt: Date;
  expiresAt: Date;
}

const consoleSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    role: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { versionKey: false, collection: 'console_sessions' },
);

export function createConsoleSessionRepository(conn: Connection) {
  const Model = conn.model('ConsoleSession', consoleSessionSchema);
  return {
    model: Model,
    async create(secretHash: string, session: ConsoleSession): Promise<void> {
      await Model.deleteMany({ expiresAt: { $lte: session.createdAt } });
      await Model.create({ _id: secretHash, ...session });
    },
    /** The live session with this secret hash, or null when there is none, it was revoked or it has expired. */
    async find(secretHash: string, now: Date): Promise<ConsoleSession | null> {
      const doc = await Model.findOne({ _id: secretHash }).lean<ConsoleSession & { _id: string }>();
      if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
      return {
        userId: doc.userId,
        role: doc.role,
        name: doc.name,
        email: doc.email,
        createdAt: doc.createdAt,
        expiresAt: doc.expiresAt,
      };
    },
    async revoke(secretHash: string): Promise<void> {
      await Model.deleteOne({ _id: secretHash });
    },
    /** Ends every session of a user (their API key was rotated or revoked). */
    async revokeUser(userId: string): Promise<number> {
      return (await Model.deleteMany({ userId })).deletedCount;
    },
  };
}

export type ConsoleSessionRepository = ReturnType<typeof createConsoleSessionRepository>;
