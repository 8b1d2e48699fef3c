import type { Models } from './models';

/** The projection of a ticket's workflow state that lists and searches read. */
export interface TicketStateProjection {
  id: string;
  version: number;
  status: string;
  priority: string;
  category: string;
  customerId: string;
  subject: string;
  assignee?: string;
  escalationLevel: string;
  slaState: string;
  nextDeadline?: Date;
  clocks?: unknown;
  receivedAt: Date;
  updatedAt: Date;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

export function createTicketStateRepository(models: Models) {
  const { TicketState } = models;
  return {
    /**
     * Versioned upsert: applies only if the stored version is older. A late retry carrying an
     * older version matches nothing, tries to insert, and hits the unique _id: ignored.
     */
    async upsert(p: TicketStateProjection): Promise<'applied' | 'stale'> {
      const { id, ...fields } = p;
      try {
        const res = await TicketState.updateOne({ _id: id, version: { $lt: p.version } }, { $set: fields }, { upsert: true });
        return res.modifiedCount + res.upsertedCount > 0 ? 'applied' : 'stale';
      } catch (err) {
        if (isDuplicateKey(err)) return 'stale';
        throw err;
      }
    },
    async get(id: string): Promise<TicketStateProjection | null> {
      const doc = await TicketState.findById(id).lean();
      if (!doc) return null;
      const { _id, ...rest } = doc as unknown as Record<string, unknown>;
      return { id: String(_id), ...(rest as Omit<TicketStateProjection, 'id'>) };
    },
  };
}

export type TicketStateRepository = ReturnType<typeof createTicketStateRepository>;
