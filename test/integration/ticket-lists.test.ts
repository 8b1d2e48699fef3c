import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import type { Models } from '../../store/models';
import {
  createTicketListQuery,
  type ListCursor,
  type TicketListFilter,
  type TicketListSort,
  type TicketStateProjection,
} from '../../store/ticket-states';
import { connectTestStore } from '../support/stack';

/**
 * The lists' store queries (issue 30: 100,000 open tickets). Each page is read from an index, as the server's own
 * query plan shows (FerretDB's SQLite plan, MongoDB's winning plan), and paging by cursor still gives every ticket
 * once and in order, ties and tickets without a deadline included.
 */
let store: Store;
let list: ReturnType<typeof createTicketListQuery>['list'];
type Find = { coll: string; filter: Record<string, unknown>; sort: Record<string, 1 | -1>; limit: number };
let finds: Find[] = [];

const T0 = Date.UTC(2026, 11, 7, 12);
const minutes = (m: number) => new Date(T0 + m * 60_000);
const rows: TicketStateProjection[] = Array.from({ length: 30 }, (_, n) => ({
  id: `LST${String(n).padStart(3, '0')}`,
  version: 1,
  status: n % 6 === 5 ? 'closed' : n % 2 ? 'open' : 'acknowledged',
  priority: 'normal',
  category: 'bug',
  customerId: n % 3 ? 'cust-a' : 'cust-b',
  ...(n % 4 === 0 ? { organizationId: 'org-x' } : {}),
  subject: `Ticket ${n}`,
  ...(n % 3 === 1 ? { assignee: 'agent-1' } : n % 3 === 2 ? { assignee: 'agent-2' } : {}),
  escalationLevel: 'L1',
  slaState: 'ok',
  // Ties: every fifth deadline repeats; closed tickets have none.
  ...(n % 6 === 5 ? {} : { nextDeadline: minutes(((n * 7) % 11) * 30) }),
  receivedAt: minutes(-((n * 13) % 17) * 60),
  updatedAt: minutes(0),
}));

const byDeadline = (a: TicketStateProjection, b: TicketStateProjection) => {
  if (a.nextDeadline && b.nextDeadline)
    return a.nextDeadline.getTime() - b.nextDeadline.getTime() || (a.id < b.id ? -1 : 1);
  if (a.nextDeadline || b.nextDeadline) return a.nextDeadline ? -1 : 1;
  return a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1);
};
const newestFirst = (a: TicketStateProjection, b: TicketStateProjection) =>
  b.receivedAt.getTime() - a.receivedAt.getTime() || (a.id < b.id ? -1 : 1);

async function allPages(f: TicketListFilter, sort: TicketListSort, size: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: ListCursor | null = null;
  do {
    const page: { items: { id: string }[]; next: ListCursor | null } = await list(f, sort, cursor, size);
    ids.push(...page.items.map((t) => t.id));
    cursor = page.next;
  } while (cursor && ids.length <= rows.length);
  return ids;
}

beforeAll(async () => {
  store = await connectTestStore();
  // Every query the lists send, as mongoose hands it to the driver, so the test explains exactly those.
  store.conn.set('debug', (coll: string, method: string, filter: Record<string, unknown>, options?: Partial<Find>) => {
    if (method === 'find' || method === 'findOne')
      finds.push({ coll, filter, sort: options?.sort ?? {}, limit: options?.limit ?? 0 });
  });
  list = createTicketListQuery({ TicketState: store.conn.model('TicketState') } as Models, 0).list;
  for (const r of rows) await store.ticketStates.upsert(r);
});
afterAll(async () => {
  await store?.conn.close();
});

describe('the lists, paged by cursor', () => {
  it.each<[string, TicketListFilter, (t: TicketStateProjection) => boolean]>([
    ['every ticket', {}, () => true],
    ['one agent', { assignees: ['agent-1'] }, (t) => t.assignee === 'agent-1'],
    ['two agents', { assignees: ['agent-1', 'agent-2'] }, (t) => Boolean(t.assignee)],
    ['one status', { status: 'open' }, (t) => t.status === 'open'],
  ])('gives the at-risk queue of %s once each, soonest deadline first, undated last', async (_, f, keep) => {
    expect(await allPages(f, 'deadline', 4)).toEqual(
      rows
        .filter(keep)
        .sort(byDeadline)
        .map((t) => t.id),
    );
  });

  it('gives the newest first once each', async () => {
    expect(await allPages({}, 'created', 4)).toEqual([...rows].sort(newestFirst).map((t) => t.id));
  });

  it("gives the portal a customer's tickets and their organization's, newest first, bounded", async () => {
    const theirs = rows.filter((t) => t.customerId === 'cust-b' || t.organizationId === 'org-x').sort(newestFirst);
    expect((await store.ticketStates.forCustomer('cust-b', 'org-x', 7)).map((t) => t.id)).toEqual(
      theirs.slice(0, 7).map((t) => t.id),
    );
    const own = rows.filter((t) => t.customerId === 'cust-b').sort(newestFirst);
    expect((await store.ticketStates.forCustomer('cust-b', undefined, 50)).map((t) => t.id)).toEqual(
      own.map((t) => t.id),
    );
  });
});

describe('the lists, read from an index', () => {
  it('walks an index for every query a page sends, and sorts nothing in memory', async () => {
    finds = [];
    const first = await list({}, 'deadline', null, 4);
    await list({}, 'deadline', first.next, 4);
    const mine = await list({ assignees: ['agent-1'] }, 'deadline', null, 4);
    await list({ assignees: ['agent-1'] }, 'deadline', mine.next, 4);
    const newest = await list({}, 'created', null, 4);
    await list({}, 'created', newest.next, 4);
    await allPages({}, 'deadline', 10); // its last page reads the tickets without a deadline
    await store.ticketStates.forCustomer('cust-b', 'org-x', 5);
    expect(finds.length).toBeGreaterThanOrEqual(10);
    await expectIndexPlans(finds);
  });

  it("reads a ticket's timeline, thread, mail log and files from an index", async () => {
    const at = (n: number) => minutes(n);
    await store.conn.collection('sla_events').insertMany(
      Array.from({ length: 6 }, (_, n) => ({
        _id: `LST00${n % 2}:${n}`,
        ticketId: `LST00${n % 2}`,
        type: 'x',
        at: at(n),
      })) as never[],
    );
    await store.conn.collection('messages').insertMany(
      Array.from({ length: 6 }, (_, n) => ({
        _id: `msg-${n}`,
        ticketId: `LST00${n % 2}`,
        authorId: 'a',
        authorRole: 'agent',
        authorName: 'A',
        body: 'b',
        internal: n % 3 === 0,
        channel: 'api',
        createdAt: at(n),
      })) as never[],
    );
    await store.conn.collection('notifications').insertMany(
      Array.from({ length: 6 }, (_, n) => ({
        _id: `ntf-${n}`,
        ticketId: `LST00${n % 2}`,
        claimedAt: at(n),
      })) as never[],
    );
    await store.conn.collection('attachments').insertMany(
      Array.from({ length: 6 }, (_, n) => ({
        _id: `att-${n}`,
        ticketId: `LST00${n % 2}`,
        createdAt: at(n),
      })) as never[],
    );
    finds = [];
    expect((await store.slaEvents.forTicket('LST001')).map((e) => e.at)).toEqual([at(1), at(3), at(5)]);
    expect((await store.messages.forTicket('LST001', { includeInternal: false })).map((m) => m.id)).toEqual([
      'msg-1',
      'msg-5',
    ]);
    expect((await store.notifications.forTicket('LST000')).map((m) => m._id)).toEqual(['ntf-0', 'ntf-2', 'ntf-4']);
    expect((await store.attachments.forTicket('LST000', 'any')).map((m) => m.id)).toEqual(['att-0', 'att-2', 'att-4']);
    expect(finds.map((f) => f.coll).sort()).toEqual(['attachments', 'messages', 'notifications', 'sla_events']);
    await expectIndexPlans(finds);
  });
});

describe('lookups by a unique key', () => {
  it('find a user by key or address, and a ticket by its private link or customer, through their index', async () => {
    finds = [];
    await store.users.byApiKeyHash('no-such-hash');
    await store.users.byEmail('nobody@example.com');
    await store.tickets.byAccessTokenHash('no-such-hash');
    await store.tickets.recentForCustomer('cust-a', 5);
    expect(finds).toHaveLength(4);
    await expectIndexPlans(finds);
  });
});

async function expectIndexPlans(queries: Find[]) {
  for (const f of queries) {
    const explained = await store.conn.db!.command({
      explain: { find: f.coll, filter: f.filter, sort: f.sort, limit: f.limit },
    });
    const plan = JSON.stringify(explained.queryPlanner);
    const shape = JSON.stringify(f);
    // FerretDB on SQLite: "SEARCH t USING INDEX …" or "SCAN t USING INDEX …", never a bare SCAN or a temporary
    // B-tree for the ORDER BY. On PostgreSQL (SLA_DESK_TEST_STORE=postgresql): an index scan (plain or bitmap), never a Seq Scan or a
    // Sort. MongoDB: an IXSCAN, never a COLLSCAN.
    expect(plan, shape).toMatch(/USING INDEX|IXSCAN|"Node Type":"(Bitmap )?Index (Only )?Scan"/);
    expect(plan, shape).not.toMatch(/COLLSCAN|TEMP B-TREE|"Node Type":"(Seq Scan|Sort|Incremental Sort)"/);
    for (const step of plan.match(/"(SCAN|SEARCH) [^"]*"/g) ?? []) expect(step, shape).toMatch(/USING (\w+ )?INDEX/);
  }
}
