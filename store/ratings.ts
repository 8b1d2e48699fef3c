import { Schema, type Connection } from 'mongoose';

/**
 * Customers' ratings of a resolution: one document per ticket and resolution (a reopened ticket, resolved again, is
 * asked again), changed in place while the answer may still change. Same FerretDB/MongoDB subset as models.ts.
 */

const ratingSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${ticketId}|${resolution}`
    ticketId: { type: String, required: true, index: true },
    /** Which resolution of the ticket (1 for the first, 2 after a reopening and a second resolution, …). */
    resolution: { type: Number, required: true },
    resolvedAt: { type: Date, required: true, index: true },
    score: { type: Number, required: true },
    comment: { type: String, default: '' },
    firstRatedAt: { type: Date, required: true },
    ratedAt: { type: Date, required: true },
    customerId: { type: String, required: true },
    organizationId: { type: String },
    priority: { type: String, required: true },
    /** The ticket's assignee when it was rated. */
    agent: { type: String },
  },
  { versionKey: false, collection: 'ratings' },
);

export interface RatingRecord {
  ticketId: string;
  resolution: number;
  resolvedAt: Date;
  score: number;
  /** Empty when the customer wrote none. */
  comment: string;
  firstRatedAt: Date;
  ratedAt: Date;
  customerId: string;
  organizationId?: string;
  priority: string;
  agent?: string;
}

const toRating = (d: Record<string, unknown>): RatingRecord => {
  const { _id, ...rest } = d;
  void _id;
  return rest as unknown as RatingRecord;
};

export function createRatingRepository(conn: Connection) {
  const Rating = conn.model('Rating', ratingSchema);
  return {
    models: [Rating],
    ratings: {
      /** Writes the answer; the first answer's instant stays (it bounds how long the answer may change). */
      async put(r: RatingRecord): Promise<void> {
        const { firstRatedAt, ...fields } = r;
        await Rating.updateOne(
          { _id: `${r.ticketId}|${r.resolution}` },
          { $set: fields, $setOnInsert: { firstRatedAt } },
          { upsert: true },
        );
      },
      async get(ticketId: string, resolution: number): Promise<RatingRecord | null> {
        const d = await Rating.findById(`${String(ticketId)}|${Number(resolution)}`).lean();
        return d ? toRating(d as unknown as Record<string, unknown>) : null;
      },
      /** A ticket's ratings, one per resolution, oldest first. */
      async forTicket(ticketId: string): Promise<RatingRecord[]> {
        const docs = await Rating.find({ ticketId: String(ticketId) }).lean();
        return docs
          .map((d) => toRating(d as unknown as Record<string, unknown>))
          .sort((a, b) => a.resolution - b.resolution);
      },
      /** The ratings of the resolutions in [from, to). */
      async resolvedBetween(from: Date, to: Date): Promise<RatingRecord[]> {
        const docs = await Rating.find({ resolvedAt: { $gte: from, $lt: to } })
          .sort({ resolvedAt: 1 })
          .lean();
        return docs.map((d) => toRating(d as unknown as Record<string, unknown>));
      },
      /** The assignee of each ticket (the per-agent report's attainment). */
      async assigneesOf(ids: string[]): Promise<Map<string, string>> {
        if (!ids.length) return new Map();
        const docs = await conn
          .collection<{ _id: string; assignee?: string }>('ticket_states')
          .find({ _id: { $in: ids.map(String) } }, { projection: { assignee: 1 } })
          .toArray();
        return new Map(docs.filter((d) => d.assignee).map((d) => [String(d._id), String(d.assignee)]));
      },
    },
  };
}
