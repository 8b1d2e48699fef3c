import { Schema, type Connection } from 'mongoose';

/** When each agent last looked at each ticket (the console marks what changed since). */

const ticketViewSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${agentId}:${ticketId}`
    agentId: { type: String, required: true, index: true },
    ticketId: { type: String, required: true },
    seenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'ticket_views' },
);

export function createTicketViews(conn: Connection) {
  const TicketView = conn.model('TicketView', ticketViewSchema);
  return {
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
  };
}
