import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { connectTestStore } from '../support/stack';

/**
 * Guards the FerretDB patches of scripts/lib/ferretdb-build.ts: `_id` lookups use the index; updates are atomic; a
 * read in an index's order gives every document once, in order, across the PostgreSQL backend's cursor batches
 * (ferretdb-cursor-patches.ts), and skips documents whose sort field is null or absent when asked to.
 */
let store: Store;
const INDEX_PLAN = /USING INDEX|Index Scan|IDHACK|IXSCAN/;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(async () => {
  await store?.conn.close();
});

describe('the database server used by the tests', () => {
  it('finds a document by _id through the _id index, not by scanning the collection', async () => {
    const col = store.conn.collection<{ _id: string; n: number }>('index_probe');
    await col.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `doc-${n}`, n })));
    const explained = await store.conn.db!.command({ explain: { find: 'index_probe', filter: { _id: 'doc-7' } } });
    const plan = JSON.stringify(explained.queryPlanner);
    // FerretDB reports its backend's plan: SQLite's "SEARCH … USING INDEX", PostgreSQL's "Index Scan" (with
    // SLA_DESK_TEST_STORE=postgresql); MongoDB reports IDHACK / EXPRESS_IXSCAN.
    expect(plan).toMatch(INDEX_PLAN);
    expect(plan).not.toMatch(/"SCAN |COLLSCAN|Seq Scan/);
    expect(await col.findOne({ _id: 'doc-7' })).toEqual({ _id: 'doc-7', n: 7 });
  });

  it('uses the _id index when the filter also has other conditions, and still applies them', async () => {
    const col = store.conn.collection<{ _id: string; version: number }>('cas_probe');
    await col.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `doc-${n}`, version: 1 })));
    const explained = await store.conn.db!.command({
      explain: { find: 'cas_probe', filter: { _id: 'doc-7', version: { $lt: 2 } } },
    });
    expect(JSON.stringify(explained.queryPlanner)).toMatch(INDEX_PLAN);
    // The compare-and-set of store/ticket-states.ts: a newer version wins, an older one matches nothing.
    expect((await col.updateOne({ _id: 'doc-7', version: { $lt: 2 } }, { $set: { version: 2 } })).modifiedCount).toBe(
      1,
    );
    expect((await col.updateOne({ _id: 'doc-7', version: { $lt: 2 } }, { $set: { version: 1 } })).matchedCount).toBe(0);
    expect(await col.findOne({ _id: 'doc-7' })).toEqual({ _id: 'doc-7', version: 2 });
    expect(await col.countDocuments({ version: 2 })).toBe(1);
  });

  it('applies concurrent conditional updates atomically: one claim wins, the newest version stays', async () => {
    const col = store.conn.collection<{ _id: string; status?: string; version?: number }>('atomic_probe');
    await col.insertMany([
      { _id: 'claim', status: 'open' },
      { _id: 'cas', version: 0 },
    ]);
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => col.updateOne({ _id: 'claim', status: 'open' }, { $set: { status: 'taken' } })),
    );
    expect(claims.filter((r) => r.modifiedCount === 1)).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        col.updateOne({ _id: 'cas', version: { $lt: i + 1 } }, { $set: { version: i + 1 } }),
      ),
    );
    expect(await col.findOne({ _id: 'cas' })).toEqual({ _id: 'cas', version: 20 });
  });

  it('reads a collection in the order of an index across many batches, with and without a filter, nulls skipped by $ne', async () => {
    type Row = { _id: string; due: Date | null; group: string };
    const col = store.conn.collection<Row>('batch_probe');
    await col.createIndex({ due: 1, _id: 1 });
    // More rows than the first batches hold (32, 64, 128, …); ties on `due`; every seventh without one.
    const rows: Row[] = Array.from({ length: 500 }, (_, n) => ({
      _id: `doc-${String(n).padStart(3, '0')}`,
      due: n % 7 === 3 ? null : new Date(Date.UTC(2026, 11, 7) + ((n * 37) % 120) * 60_000),
      group: n % 2 ? 'odd' : 'even',
    }));
    await col.insertMany(rows.slice(0, 250));
    await col.insertMany(rows.slice(250).map(({ due, ...rest }) => (due ? { ...rest, due } : rest)) as Row[]);
    const dated = rows
      .filter((r) => r.due)
      .sort((a, b) => a.due!.getTime() - b.due!.getTime() || (a._id < b._id ? -1 : 1))
      .map((r) => r._id);
    const ids = async (filter: Record<string, unknown>, limit = 0) =>
      (await col.find(filter).sort({ due: 1, _id: 1 }).limit(limit).toArray()).map((r) => r._id);

    expect(await ids({ due: { $ne: null } })).toEqual(dated);
    expect(await ids({ due: { $ne: null }, group: 'odd' })).toEqual(
      dated.filter((id) => Number(id.slice(4)) % 2 === 1),
    );
    expect(await ids({ due: { $ne: null } }, 40)).toEqual(dated.slice(0, 40));
    const bound = rows[100]!.due!;
    expect(await ids({ due: { $ne: null, $gte: bound } })).toEqual(
      dated.filter((id) => rows[Number(id.slice(4))]!.due!.getTime() >= bound.getTime()),
    );
    expect((await ids({})).sort()).toEqual(rows.map((r) => r._id));
    expect((await ids({ due: null })).sort()).toEqual(rows.filter((r) => !r.due).map((r) => r._id));
  });
});
