import { Schema, type Connection } from 'mongoose';

/**
 * A word index for the agents' search, and when a customer last wrote on each ticket. Same FerretDB/MongoDB subset as
 * models.ts.
 */

const ticketSearchSchema = new Schema(
  {
    _id: { type: String, required: true }, // the ticket id
    customerId: { type: String, required: true },
    tokens: { type: [String], required: true, index: true },
    lastCustomerAt: { type: Date },
  },
  { versionKey: false, collection: 'ticket_search' },
);

/** The most tickets one search can name; a broader search asks for more words. */
export const SEARCH_MATCH_LIMIT = 500;
/** Distinct words kept per ticket: a pasted log does not grow the index without bound. */
export const TOKENS_PER_TICKET = 5_000;

export function createSearchIndex(conn: Connection) {
  const TicketSearch = conn.model('TicketSearch', ticketSearchSchema);
  return {
    search: {
      /** Adds words to a ticket's index (idempotent: a set); `customerAt` marks a customer's message. */
      async add(ticketId: string, customerId: string, tokens: string[], customerAt?: Date): Promise<void> {
        const existing = (await TicketSearch.findById(ticketId).select({ tokens: 1 }).lean()) as {
          tokens?: string[];
        } | null;
        const room = TOKENS_PER_TICKET - (existing?.tokens?.length ?? 0);
        const fresh = tokens.filter((t) => !existing?.tokens?.includes(t)).slice(0, Math.max(0, room));
        await TicketSearch.updateOne(
          { _id: ticketId },
          {
            $setOnInsert: { customerId },
            ...(fresh.length ? { $addToSet: { tokens: { $each: fresh } } } : {}),
            ...(customerAt ? { $set: { lastCustomerAt: customerAt } } : {}),
          },
          { upsert: true },
        );
      },
      /**
       * Tickets holding every word, by equality on the word array: no $regex and no text index (FerretDB 1.24
       * has neither cheaply), and at most SEARCH_MATCH_LIMIT ids, so the list query's `$in` stays bounded.
       */
      async matching(tokens: string[], customerId?: string): Promise<string[]> {
        if (!tokens.length) return [];
        const q: Record<string, unknown> = { tokens: { $all: tokens } };
        if (customerId) q.customerId = customerId;
        const docs = await TicketSearch.find(q, { _id: 1 }).limit(SEARCH_MATCH_LIMIT).lean();
        return docs.map((d) => String(d._id));
      },
      async lastCustomerAt(ticketIds: string[]): Promise<Map<string, Date>> {
        const docs = await TicketSearch.find({ _id: { $in: ticketIds } }, { lastCustomerAt: 1 }).lean();
        const out = new Map<string, Date>();
        for (const d of docs as { _id: unknown; lastCustomerAt?: Date }[])
          if (d.lastCustomerAt) out.set(String(d._id), d.lastCustomerAt);
        return out;
      },
    },
  };
}
