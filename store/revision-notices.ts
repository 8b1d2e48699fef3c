import { Schema, type Connection } from 'mongoose';

/**
 * Revisions of what customers were promised and the notices about them. A revision records, per group of customers
 * (an organization, or those without one), the changes in words; its notices are sent from that record, so a restart
 * in the middle resumes where it stopped (each customer's notice is its own document, each mail its own claim in
 * the notification log). A revision with a later start also keeps the body it will store then.
 */

const revisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true }, // calendar | policy | agreement
    name: { type: String, required: true },
    /** The version stored (none yet while scheduled). */
    version: { type: Number },
    effectiveFrom: { type: Date, required: true },
    /** Per group: `organizationId` null for customers without an organization; `lines` the changes in words. */
    groups: { type: Schema.Types.Mixed, required: true },
    /** `pending` until every affected customer has their notice. */
    announcement: { type: String, required: true, index: true },
    /** For a revision with a later start: `scheduled`, `applying` while an instance stores it, then `applied`. */
    schedule: { type: String, index: true },
    /** When an instance took it to store it (`applying`): a claim older than the lease is taken again. */
    claimedAt: { type: Date },
    body: { type: Schema.Types.Mixed },
    actor: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sla_revisions' },
);

const noticeSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${revisionId}|${customerId}`
    revisionId: { type: String, required: true },
    customerId: { type: String, required: true, index: true },
    lines: { type: [String], required: true },
    effectiveFrom: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    acceptedAt: { type: Date },
  },
  { versionKey: false, collection: 'revision_notices' },
);

export interface RevisionGroup {
  organizationId: string | null;
  lines: string[];
}

export interface RevisionRecord {
  id: string;
  kind: 'calendar' | 'policy' | 'agreement';
  name: string;
  version?: number;
  effectiveFrom: Date;
  groups: RevisionGroup[];
  announcement: 'pending' | 'done';
  schedule?: 'scheduled' | 'applying' | 'applied';
  body?: unknown;
  actor: string;
  createdAt: Date;
}

export interface RevisionNotice {
  revisionId: string;
  customerId: string;
  lines: string[];
  effectiveFrom: Date;
  createdAt: Date;
  acceptedAt?: Date;
}

const plain = <T>(d: unknown, idAs?: string): T => {
  const { _id, ...rest } = d as Record<string, unknown>;
  return (idAs ? { [idAs]: String(_id), ...rest } : rest) as T;
};

/** A revision as stored; one that announced nothing (a scheduled one) has no groups written (mongoose drops the []). */
const toRevision = (d: unknown): RevisionRecord => {
  const r = plain<RevisionRecord>(d, 'id');
  return { ...r, groups: r.groups ?? [] };
};

/** A scheduled revision still to be stored: waiting for its start, or taken before `staleBefore` by an instance that never finished. */
const unfinished = (staleBefore: Date) => ({
  $or: [{ schedule: 'scheduled' }, { schedule: 'applying', claimedAt: { $lt: staleBefore } }],
});

export function createRevisionRepositories(conn: Connection) {
  const Revision = conn.model('SlaRevision', revisionSchema);
  const Notice = conn.model('RevisionNotice', noticeSchema);
  return {
    models: [Revision, Notice],
    revisions: {
      async create(r: RevisionRecord): Promise<void> {
        const { id, ...fields } = r;
        await Revision.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true });
      },
      async get(id: string): Promise<RevisionRecord | null> {
        const d = await Revision.findById(String(id)).lean();
        return d ? toRevision(d) : null;
      },
      async pendingAnnouncements(): Promise<RevisionRecord[]> {
        const docs = await Revision.find({ announcement: 'pending' }).sort({ createdAt: 1 }).limit(100).lean();
        return docs.map((d) => toRevision(d));
      },
      async markAnnounced(id: string): Promise<void> {
        await Revision.updateOne({ _id: String(id) }, { $set: { announcement: 'done' } });
      },
      /** Revisions still to be stored, the earliest first. */
      /** Waiting for their start, and those whose storing was taken before `staleBefore` and never finished. */
      async scheduled(staleBefore: Date): Promise<RevisionRecord[]> {
        const docs = await Revision.find(unfinished(staleBefore)).sort({ effectiveFrom: 1 }).limit(100).lean();
        return docs.map((d) => toRevision(d));
      },
      /**
       * Takes a due revision to store it: one conditional update, so of several API instances one applies it. A claim
       * older than `staleBefore` is taken again: the instance that held it failed or stopped before it was done.
       */
      async claimScheduled(id: string, now: Date, staleBefore: Date): Promise<boolean> {
        const res = await Revision.updateOne(
          { _id: String(id), ...unfinished(staleBefore) },
          { $set: { schedule: 'applying', claimedAt: now } },
        );
        return res.modifiedCount === 1;
      },
      /** Gives a claim back after a failed attempt, for the next look to take again. */
      async releaseClaim(id: string): Promise<void> {
        await Revision.updateOne({ _id: String(id), schedule: 'applying' }, { $set: { schedule: 'scheduled' } });
      },
      /** The version a scheduled revision was stored as. */
      async markApplied(id: string, version: number): Promise<void> {
        await Revision.updateOne({ _id: String(id) }, { $set: { version, schedule: 'applied' } });
      },
      /** The newest revisions first. */
      async list(limit = 100): Promise<RevisionRecord[]> {
        const docs = await Revision.find({}).sort({ createdAt: -1 }).limit(limit).lean();
        return docs.map((d) => toRevision(d));
      },
    },
    revisionNotices: {
      /** Records a customer's notice once; true when this call recorded it. */
      async record(n: RevisionNotice): Promise<boolean> {
        const res = await Notice.updateOne(
          { _id: `${n.revisionId}|${n.customerId}` },
          { $setOnInsert: n },
          { upsert: true },
        );
        return res.upsertedCount === 1;
      },
      /** A customer's notices, newest first. */
      async forCustomer(customerId: string): Promise<RevisionNotice[]> {
        const docs = await Notice.find({ customerId: String(customerId) }).lean();
        return docs.map((d) => plain<RevisionNotice>(d)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      },
      async accept(revisionId: string, customerId: string, at: Date): Promise<boolean> {
        const res = await Notice.updateOne(
          { _id: `${String(revisionId)}|${String(customerId)}`, acceptedAt: { $exists: false } },
          { $set: { acceptedAt: at } },
        );
        return res.modifiedCount === 1;
      },
      /** The customers of these organizations (`null`: those without one): who a revision's notice goes to. */
      async customersOf(organizationId: string | null): Promise<{ id: string; email: string }[]> {
        const filter =
          organizationId === null
            ? { role: 'customer', organizationId: null }
            : { role: 'customer', organizationId: String(organizationId) };
        const docs = await conn
          .collection<{ _id: string; email: string }>('users')
          .find(filter as never, { projection: { email: 1 } })
          .sort({ _id: 1 })
          .toArray();
        return docs.map((d) => ({ id: String(d._id), email: String(d.email) }));
      },
    },
  };
}
