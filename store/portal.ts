import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors';

/**
 * The customer portal's records: sign-in links and SLA acceptances (its sessions: sessions.ts). Same FerretDB/MongoDB
 * subset as models.ts: no TTL index (every read checks `expiresAt`; each new link sweeps the expired),
 * no transactions (a link is claimed by one conditional update, which the patched FerretDB applies atomically).
 */

const signInLinkSchema = new Schema(
  {
    _id: { type: String, required: true }, // SHA-256 of the mailed token; the token itself is never stored
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true, index: true },
    usedAt: { type: Date },
  },
  { versionKey: false, collection: 'portal_sign_in_links' },
);

const acceptanceSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${customerId}|${slaVersion}|${via}`: one of each kind per customer and version
    customerId: { type: String, required: true, index: true },
    slaVersion: { type: String, required: true },
    via: { type: String, required: true },
    acceptedAt: { type: Date, required: true },
    ticketId: { type: String },
  },
  { versionKey: false, collection: 'sla_acceptances' },
);

export type AcceptanceVia = 'portal' | 'implied';

export interface SlaAcceptance {
  customerId: string;
  slaVersion: string;
  acceptedAt: Date;
  via: AcceptanceVia;
  /** The ticket whose opening implied the acceptance. */
  ticketId?: string;
}

export function createPortalRepositories(conn: Connection) {
  const SignInLink = conn.model('PortalSignInLink', signInLinkSchema);
  const Acceptance = conn.model('SlaAcceptance', acceptanceSchema);
  const toAcceptance = (d: Record<string, unknown>): SlaAcceptance => ({
    customerId: String(d.customerId),
    slaVersion: String(d.slaVersion),
    acceptedAt: d.acceptedAt as Date,
    via: d.via as AcceptanceVia,
    ...(d.ticketId ? { ticketId: String(d.ticketId) } : {}),
  });
  /** Customers known to have accepted a version (only hits are kept): intake skips the read for them. */
  const accepted = new Set<string>();

  return {
    models: [SignInLink, Acceptance],
    signInLinks: {
      async create(tokenHash: string, userId: string, createdAt: Date, expiresAt: Date): Promise<void> {
        await SignInLink.deleteMany({ expiresAt: { $lte: createdAt } });
        await SignInLink.create({ _id: tokenHash, userId, createdAt, expiresAt });
      },
      /** The user a live, unused link names, without using it (the page that asks to confirm). */
      async peek(tokenHash: string, now: Date): Promise<string | null> {
        const doc = await SignInLink.findOne({ _id: tokenHash }).lean<{
          userId: string;
          expiresAt: Date;
          usedAt?: Date;
        }>();
        return doc && !doc.usedAt && doc.expiresAt > now ? doc.userId : null;
      },
      /** Uses the link: one conditional update, so of two racing claims exactly one wins. The user, or null. */
      async claim(tokenHash: string, now: Date): Promise<string | null> {
        const res = await SignInLink.updateOne(
          { _id: tokenHash, usedAt: { $exists: false }, expiresAt: { $gt: now } },
          { $set: { usedAt: now } },
        );
        if (res.modifiedCount !== 1) return null;
        const doc = await SignInLink.findOne({ _id: tokenHash }).lean<{ userId: string }>();
        return doc?.userId ?? null;
      },
    },
    acceptances: {
      /** Records an acceptance once per customer, version and kind; true when this call recorded it. */
      async record(a: SlaAcceptance): Promise<boolean> {
        const { customerId, slaVersion, via } = a;
        try {
          const res = await Acceptance.updateOne(
            { _id: `${customerId}|${slaVersion}|${via}` },
            { $setOnInsert: { ...a } },
            { upsert: true },
          );
          accepted.add(`${customerId}|${slaVersion}`);
          return res.upsertedCount === 1;
        } catch (err) {
          if (isDuplicateKey(err)) return false; // a racing twin inserted it first
          throw err;
        }
      },
      async hasAny(customerId: string, slaVersion: string): Promise<boolean> {
        if (accepted.has(`${customerId}|${slaVersion}`)) return true;
        const found =
          (await Acceptance.countDocuments({ customerId: String(customerId), slaVersion: String(slaVersion) })) > 0;
        if (found) {
          if (accepted.size > 50_000) accepted.clear();
          accepted.add(`${customerId}|${slaVersion}`);
        }
        return found;
      },
      /** Every acceptance of a customer, oldest first (a customer accepts a handful of versions in a lifetime). */
      async forCustomer(customerId: string): Promise<SlaAcceptance[]> {
        const docs = await Acceptance.find({ customerId: String(customerId) })
          .sort({ acceptedAt: 1, _id: 1 })
          .limit(500)
          .lean();
        return docs.map((d) => toAcceptance(d as unknown as Record<string, unknown>));
      },
    },
  };
}

export type PortalRepositories = ReturnType<typeof createPortalRepositories>;
