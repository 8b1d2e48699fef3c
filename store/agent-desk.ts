import { Schema, type Connection } from 'mongoose';
import type { Macro } from '../domain/entities';
export type { Macro };

/**
 * What the agents' working day needs beside the tickets themselves: a word index for search, when each
 * agent last looked at each ticket, and the canned responses. Same FerretDB/MongoDB subset as models.ts.
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

const ticketViewSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${agentId}:${ticketId}`
    agentId: { type: String, required: true, index: true },
    ticketId: { type: String, required: true },
    seenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'ticket_views' },
);

const macroSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'macros' },
);

export function registerAgentDeskModels(conn: Connection) {
  return {
    TicketSearch: conn.model('TicketSearch', ticketSearchSchema),
    TicketView: conn.model('TicketView', ticketViewSchema),
    Macro: conn.model('Macro', macroSchema),
  };
}

/** The most tickets one search can name; a broader search asks for more words. */
export const SEARCH_MATCH_LIMIT = 500;
/** Distinct words kept per ticket: a pasted log does not grow the index without bound. */
export const TOKENS_PER_TICKET = 5_000;

export function createAgentDeskRepositories(conn: Connection) {
  const { TicketSearch, TicketView, Macro: MacroModel } = registerAgentDeskModels(conn);
  const toMacro = (d: Record<string, unknown>): Macro => {
    const { _id, ...rest } = d;
    return { id: String(_id), ...(rest as Omit<Macro, 'id'>) };
  };
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
    views: {
      async seen(agentId: string, ticketId: string, at: Date): Promise<void> {
        await TicketView.updateOne(
          { _id: `${agentId}:${ticketId}` },
          { $set: { agentId, ticketId, seenAt: at } },
          { upsert: true },
        );
      },
      async lastSeen(agentId: string, ticketIds: string[]): Promise<Map<string, Date>> {
        const docs = await TicketView.find({ _id: { $in: ticketIds.map((t) => `${agentId}:${t}`) } }).lean();
        return new Map((docs as { ticketId: string; seenAt: Date }[]).map((d) => [d.ticketId, d.seenAt]));
      },
    },
    macros: {
      async list(): Promise<Macro[]> {
        const docs = await MacroModel.find({}).sort({ title: 1, _id: 1 }).limit(200).lean();
        return docs.map((d) => toMacro(d as unknown as Record<string, unknown>));
      },
      async get(id: string): Promise<Macro | null> {
        const d = await MacroModel.findById(String(id)).lean();
        return d ? toMacro(d as unknown as Record<string, unknown>) : null;
      },
      async put(m: Macro): Promise<void> {
        const { id, createdAt, ...fields } = m;
        await MacroModel.updateOne({ _id: id }, { $set: fields, $setOnInsert: { createdAt } }, { upsert: true });
      },
      async remove(id: string): Promise<boolean> {
        return (await MacroModel.deleteOne({ _id: String(id) })).deletedCount === 1;
      },
    },
  };
}
