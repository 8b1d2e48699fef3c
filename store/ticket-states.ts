import { isDuplicateKey } from './errors';
import { microcache } from './microcache';
import type { Models } from './models';
import type { TicketStateProjection, ListCursor } from '../domain/entities';
export type { TicketStateProjection, ListCursor };

export type TicketFacts = Pick<
  TicketStateProjection,
  'priority' | 'category' | 'subject' | 'customerId' | 'organizationId'
>;

export function createTicketStateRepository(models: Models) {
  const { TicketState } = models;
  return {
    /**
     * Versioned upsert: applies only if the stored version is older. A late retry carrying an
     * older version matches nothing, tries to insert, and hits the unique _id: ignored.
     */
    async upsert(p: TicketStateProjection): Promise<'applied' | 'stale'> {
      const { id, ...fields } = p;
      // Explicit nulls: mongoose drops undefined from $set, which would keep a stale deadline or assignee.
      const set = {
        ...fields,
        assignee: fields.assignee ?? null,
        nextDeadline: fields.nextDeadline ?? null,
        scopeReviewDueAt: fields.scopeReviewDueAt ?? null,
        waitingOn: fields.waitingOn ?? null,
      };
      // The driver's collection for this write of every change: the model's casting cost more than the write.
      const states = TicketState.collection;
      try {
        const res = await states.updateOne(
          { _id: id as never, version: { $lt: p.version } },
          { $set: set },
          { upsert: true },
        );
        return res.modifiedCount + res.upsertedCount > 0 ? 'applied' : 'stale';
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Issue 7 (database-outage fault test): two versions retried at once both try the insert; the loser
        // may be the NEWER one. The document exists now, so the conditional update decides, not the race.
        const again = await states.updateOne({ _id: id as never, version: { $lt: p.version } }, { $set: set });
        return again.modifiedCount > 0 ? 'applied' : 'stale';
      }
    },
    /** Open tickets; with `organizationId`, only that organization's (null: only those of customers without one). */
    async openIds(filter: { organizationId?: string | null } = {}): Promise<string[]> {
      const q: Record<string, unknown> = { status: { $nin: ['closed', 'out_of_scope'] } };
      if (filter.organizationId !== undefined)
        q.organizationId = filter.organizationId === null ? null : String(filter.organizationId);
      const docs = await TicketState.find(q, { _id: 1 }).lean();
      return docs.map((d) => String(d._id));
    },
    /**
     * Open tickets received before `before`, whole (with their clocks): the reports' active clocks. With
     * `organizationId`, one organization's (null: customers without one); with `customerId`, one customer's.
     */
    async openReceivedBefore(filter: {
      before: Date;
      organizationId?: string | null;
      customerId?: string;
    }): Promise<TicketStateProjection[]> {
      const q: Record<string, unknown> = {
        status: { $nin: ['closed', 'out_of_scope'] },
        receivedAt: { $lt: filter.before },
      };
      if (filter.organizationId !== undefined)
        q.organizationId = filter.organizationId === null ? null : String(filter.organizationId);
      if (filter.customerId !== undefined) q.customerId = String(filter.customerId);
      const docs = await TicketState.find(q).sort({ receivedAt: 1, _id: 1 }).lean();
      return docs.map((d) => {
        const { _id, ...rest } = d as unknown as Record<string, unknown>;
        return { id: String(_id), ...(rest as Omit<TicketStateProjection, 'id'>) };
      });
    },
    async prioritiesOf(ids: string[]): Promise<Map<string, string>> {
      const docs = await TicketState.find({ _id: { $in: ids } }, { priority: 1 }).lean();
      return new Map(docs.map((d) => [String(d._id), String((d as { priority: string }).priority)]));
    },
    /** What reports group and filter by, per ticket. */
    async factsOf(ids: string[]): Promise<Map<string, TicketFacts>> {
      if (!ids.length) return new Map();
      const docs = await TicketState.find(
        { _id: { $in: ids.map(String) } },
        { priority: 1, category: 1, subject: 1, customerId: 1, organizationId: 1 },
      ).lean();
      return new Map(
        docs.map((d) => {
          const { _id, ...facts } = d as unknown as TicketFacts & { _id: string };
          return [String(_id), facts];
        }),
      );
    },
    /**
     * The portal's list: a customer's tickets and, for an organization's admin, the organization's too, newest
     * first. Bounded: the portal shows the newest `limit` and says so.
     */
    async forCustomer(
      customerId: string,
      organizationId: string | undefined,
      limit: number,
    ): Promise<TicketStateProjection[]> {
      // One query per index (models.ts) rather than an `$or`: each reads its newest `limit` and stops.
      const newest = (key: 'customerId' | 'organizationId', value: string) =>
        TicketState.find({ [key]: value })
          .sort({ [key]: 1, receivedAt: -1, _id: 1 })
          .limit(limit)
          .lean();
      const [own, organization] = await Promise.all([
        newest('customerId', String(customerId)),
        organizationId ? newest('organizationId', String(organizationId)) : [],
      ]);
      const byId = new Map([...own, ...organization].map((d) => [String(d._id), d]));
      const docs = [...byId.values()]
        .sort(
          (a, b) =>
            new Date(b.receivedAt).getTime() - new Date(a.receivedAt).getTime() ||
            (String(a._id) < String(b._id) ? -1 : 1),
        )
        .slice(0, limit);
      return docs.map((d) => {
        const { _id, ...rest } = d as unknown as Record<string, unknown>;
        return { id: String(_id), ...(rest as Omit<TicketStateProjection, 'id'>) };
      });
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

export interface TicketListFilter {
  status?: string;
  priority?: string;
  category?: string;
  assignee?: string;
  slaState?: string;
  customerId?: string;
  subjectContains?: string;
  escalationLevel?: string; // the console's level filter
  /** One organization's tickets; null: those of customers without one. */
  organizationId?: string | null;
  /** Any of these assignees (desk/agents.ts resolves `me`, ids and names); replaces `assignee`. */
  assignees?: string[];
  /** Only these tickets: a search's matches, at most SEARCH_MATCH_LIMIT (store/search-index.ts). */
  ids?: string[];
}

export type TicketListSort = 'deadline' | 'created';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How stale a list may be: a second, the time an agent takes to notice a row change anyway. */
export const LIST_CACHE_MS = 1_000;

export function createTicketListQuery(models: Models, cacheMs = LIST_CACHE_MS) {
  const { TicketState } = models;

  function baseFilter(f: TicketListFilter): Record<string, unknown> {
    const q: Record<string, unknown> = {};
    for (const key of [
      'status',
      'priority',
      'category',
      'assignee',
      'slaState',
      'customerId',
      'escalationLevel',
    ] as const) {
      if (f[key] !== undefined) q[key] = String(f[key]);
    }
    if (f.organizationId !== undefined) q.organizationId = f.organizationId === null ? null : String(f.organizationId);
    // One assignee (an agent's own queue) is an equality, which the assignee's index seeks (see `list`).
    if (f.assignees) q.assignee = f.assignees.length === 1 ? String(f.assignees[0]) : { $in: f.assignees.map(String) };
    if (f.ids) q._id = { $in: f.ids.map(String) };
    if (f.subjectContains) q.subject = { $regex: escapeRegex(f.subjectContains), $options: 'i' };
    return q;
  }

  async function page(
    filter: Record<string, unknown>,
    field: 'nextDeadline' | 'receivedAt',
    dir: 1 | -1,
    after: ListCursor | null,
    limit: number,
    /** Equality fields put before the sort, so the sort is the key of their index (models.ts). */
    prefix: string[] = [],
  ) {
    const q: Record<string, unknown> = { ...filter };
    if (after && after.value !== null) {
      const v = new Date(after.value);
      // The bound on the sort field itself is what lets both stores start the index walk at the cursor; the `$or`
      // only breaks ties on `_id`.
      q[field] = { ...(q[field] as object | undefined), [dir === 1 ? '$gte' : '$lte']: v };
      q.$or = [{ [field]: dir === 1 ? { $gt: v } : { $lt: v } }, { _id: { $gt: after.id } }];
    } else if (after) {
      q._id = { ...(q._id as object | undefined), $gt: after.id }; // keeps a search's `$in`
    }
    return TicketState.find(q)
      .sort({ ...Object.fromEntries(prefix.map((k) => [k, 1])), [field]: dir, _id: 1 })
      .limit(limit)
      .lean();
  }

  /**
   * The at-risk queue (`deadline`: soonest deadline first, tickets without one last) or the newest
   * first (`created`), paged by a cursor so inserts between pages never repeat or skip a ticket.
   * Each page's sort is the key of an index (store/models.ts), so a page reads about `limit` rows whatever the
   * desk's size; the deadline phase filters out the tickets without one (a null sorts first in MongoDB, last in
   * FerretDB's index order), and they come after, in their own phase.
   */
  async function list(f: TicketListFilter, sort: TicketListSort, cursor: ListCursor | null, limit: number) {
    const filter = baseFilter(f);
    let docs: Record<string, unknown>[];
    if (sort === 'created') {
      docs = await page(filter, 'receivedAt', -1, cursor, limit + 1);
    } else {
      docs = [];
      if (!cursor || cursor.phase === 'dated') {
        const prefix = typeof filter.assignee === 'string' ? ['assignee'] : [];
        docs = await page({ ...filter, nextDeadline: { $ne: null } }, 'nextDeadline', 1, cursor, limit + 1, prefix);
      }
      if (docs.length <= limit) {
        const undatedCursor = cursor?.phase === 'undated' ? cursor : null;
        const rest = await page(
          { ...filter, nextDeadline: null },
          'receivedAt',
          1,
          undatedCursor,
          limit + 1 - docs.length,
        );
        docs = [...docs, ...rest.map((d) => ({ ...d, __undated: true }))];
      }
    }
    const items = docs.slice(0, limit).map((d) => {
      const { _id, __undated, ...rest } = d as Record<string, unknown>;
      void __undated;
      return { id: String(_id), ...(rest as Omit<TicketStateProjection, 'id'>) };
    });
    let next: ListCursor | null = null;
    if (docs.length > limit) {
      const last = docs[limit - 1]! as Record<string, unknown>;
      const undated = sort === 'deadline' && Boolean(last.__undated);
      const field = sort === 'created' || undated ? 'receivedAt' : 'nextDeadline';
      next = {
        phase: undated ? 'undated' : 'dated',
        value: last[field] ? (last[field] as Date).toISOString() : null,
        id: String(last._id),
      };
    }
    return { items, next };
  }

  return { list: microcache(list, cacheMs) };
}
