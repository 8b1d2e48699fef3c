import { LRUCache } from 'lru-cache';
import { invalidInput } from '../domain/errors';
import { searchTokens } from '../domain/search';
import { listItemFor } from './customer-view';
import type { Store } from '../store';
import type { TicketListFilter, TicketListSort } from '../store/ticket-states';
import type { ListCursor, TicketStateProjection } from '../domain/entities';
import type { AgentDirectory } from './agents';
import type { PinnedTerms, PinnedTermsLookup } from './pinned-terms';
import type { Principal } from './principal';

/** A list request as the adapters take it: `assignee` may be `me`, an id, an email or part of a name; `q` is words. */
export interface TicketListQuery {
  status?: string;
  priority?: string;
  category?: string;
  assignee?: string;
  slaState?: string;
  escalationLevel?: string;
  /** An organization's id, or `none` for customers who belong to none (staff only). */
  organization?: string;
  q?: string;
}

/** Agent-and-ticket pairs whose seen mark this process remembers writing: a few days of a large desk's page views. */
const SEEN_MARKS_KEPT = 50_000;

/** The value of the organization filter that keeps customers without an organization. */
export const NO_ORGANIZATION = 'none';

/** What a queue row shows beyond the projection: who asked, when they last wrote, whether the caller has seen it since. */
export interface QueueRow extends TicketStateProjection {
  assigneeName: string | null;
  requesterName: string | null;
  requesterEmail: string | null;
  /** The name of the ticket's organization (its agreement's holder), null for a customer without one. */
  organization: string | null;
  lastCustomerAt: Date | null;
  /** The caller has never opened the ticket, or the customer wrote after the caller last did. */
  updatedForMe: boolean;
  /** The calendar and policy the ticket runs under: its times are shown in its own calendar's zone. */
  terms: PinnedTerms;
}

/** Words of a search, at most ten: more would not narrow the matches further in practice. */
const MAX_QUERY_WORDS = 10;

export function createTicketList(deps: { store: Store; agents: AgentDirectory; pinnedTerms: PinnedTermsLookup }) {
  const { store, agents, pinnedTerms } = deps;

  async function list(
    caller: Principal,
    query: TicketListQuery,
    sort: TicketListSort,
    cursor: ListCursor | null,
    limit: number,
  ) {
    const customerId = caller.role === 'customer' ? caller.id : undefined;
    // Who works on a ticket is for agents to know: a customer's filter by assignee would confirm it name by name.
    if (customerId && query.assignee !== undefined)
      throw invalidInput('customers cannot filter by assignee; leave it out', 'assignee');
    const filter: TicketListFilter = {
      status: query.status,
      priority: query.priority,
      category: query.category,
      slaState: query.slaState,
      escalationLevel: query.escalationLevel,
      customerId,
    };
    if (query.organization !== undefined && !customerId)
      filter.organizationId = query.organization === NO_ORGANIZATION ? null : query.organization;
    if (query.assignee) filter.assignees = await agents.assigneeIds(caller, query.assignee);
    if (query.q) {
      const words = searchTokens(query.q, MAX_QUERY_WORDS);
      // Words too short to index (a lone letter) search nothing rather than everything.
      filter.ids = words.length ? await store.search.matching(words, customerId) : [];
      if (!filter.ids.length) return { items: [], next: null };
    }
    return store.ticketStates.list(filter, sort, cursor, limit);
  }

  /**
   * The console's queue rows: one read each for requesters, assignee names, customer activity, the caller's views and
   * re-timings; each distinct calendar and policy version is resolved once (desk/pinned-terms.ts).
   */
  async function rows(caller: Principal, items: TicketStateProjection[]): Promise<QueueRow[]> {
    const ids = items.map((i) => i.id);
    const [contents, names, customerAt, seen, orgs] = await Promise.all([
      store.tickets.many(ids),
      agents.names(items.map((i) => i.assignee)),
      store.search.lastCustomerAt(ids),
      store.views.lastSeen(caller.id, ids),
      organizations(),
    ]);
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const [terms, fallback] = await Promise.all([
      pinnedTerms.ofTickets([...contents.values()]),
      pinnedTerms.ofDefault(),
    ]);
    return items.map((i) => {
      const c = contents.get(i.id);
      const last = customerAt.get(i.id) ?? null;
      const seenAt = seen.get(i.id);
      return {
        ...i,
        assigneeName: i.assignee ? (names.get(i.assignee) ?? i.assignee) : null,
        requesterName: c?.customerName ?? null,
        requesterEmail: c?.customerEmail ?? null,
        organization: i.organizationId ? (orgName.get(i.organizationId) ?? i.organizationId) : null,
        lastCustomerAt: last,
        updatedForMe: !seenAt || (last !== null && last > seenAt),
        terms: terms.get(i.id) ?? fallback,
      };
    });
  }

  const seenMarks = new LRUCache<string, number>({ max: SEEN_MARKS_KEPT });

  /**
   * The caller opened the ticket at `at`, its thread up to `newestMessageAt`: its queue row is not marked until the
   * customer writes again. A page shown again with no newer message writes nothing, since this process remembers the
   * marks it wrote (another process's mark is only ever later).
   */
  async function markSeen(caller: Principal, ticketId: string, at: Date, newestMessageAt: Date | null): Promise<void> {
    const key = `${caller.id}:${ticketId}`;
    const marked = seenMarks.get(key);
    if (marked !== undefined && (newestMessageAt === null || newestMessageAt.getTime() <= marked)) return;
    await store.views.seen(caller.id, ticketId, at);
    seenMarks.set(key, at.getTime());
  }

  /** A page of the list as the caller may see it: a customer's items through the customer's view. */
  async function listFor(
    caller: Principal,
    query: TicketListQuery,
    sort: TicketListSort,
    cursor: ListCursor | null,
    limit: number,
  ) {
    const page = await list(caller, query, sort, cursor, limit);
    return { ...page, items: page.items.map((i) => listItemFor(caller, i)) };
  }

  /** The organizations a queue can be filtered by, by name. */
  async function organizations(): Promise<{ id: string; name: string }[]> {
    const all = await store.organizations.list();
    return all.map((o) => ({ id: o.id, name: o.name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  return { list, listFor, rows, markSeen, organizations };
}

export type TicketList = ReturnType<typeof createTicketList>;
