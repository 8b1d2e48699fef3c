import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectMongo } from '../store/connection';
import { registerModels } from '../store/models';
import { createTicketListQuery, createTicketStateRepository } from '../store/ticket-states';
import { freePort, startMongoServer, type ManagedProcess } from '../scripts/lib/servers';
import { provision, type Tools } from '../scripts/lib/tools';
import { startDocumentsOnPostgres } from '../test/support/postgres-store';
import { fmt, machine, summary } from './lib';

/**
 * The store queries behind every list, uncached, over LIST_ROWS (2,000 and 20,000) projection rows inserted
 * directly (no workflows): what one refresh of a page costs the store at that size. Starts its own FerretDB
 * (or uses MONGODB_URI, e.g. a real MongoDB), in a temporary folder. BENCH_CLUSTER=1 runs FerretDB on its PostgreSQL
 * backend, as the cluster mode keeps its documents.
 *
 *   LIST_ROWS=2000,20000 npx tsx bench/list-queries.ts
 *   BENCH_CLUSTER=1 LIST_ROWS=10000,100000 npx tsx bench/list-queries.ts
 *   MONGODB_URI=mongodb://127.0.0.1:27017/lists LIST_ROWS=100000 LIST_ONLY='first page' npx tsx bench/list-queries.ts
 */
const SIZES = (process.env.LIST_ROWS ?? '2000,20000').split(',').map(Number);
const REPEAT = Number(process.env.LIST_REPEAT ?? 10);
/** Only the queries whose name holds this (e.g. `first page`: a scan at 100,000 takes a minute a query). */
const ONLY = process.env.LIST_ONLY ?? '';
const log = (l: string) => console.error(`[list-queries] ${l}`);

const own = !process.env.MONGODB_URI;
const onPostgres = own && process.env.BENCH_CLUSTER === '1';
const servers: ManagedProcess[] = [];
let uri = process.env.MONGODB_URI ?? '';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-lists-'));
if (own) {
  const tools = (await provision({
    need: { temporal: false, cluster: false, mongo: true, testServer: false, chromium: false },
    log,
  })) as Tools;
  if (onPostgres) {
    const documents = await startDocumentsOnPostgres(tools.mongo, dataDir, log);
    servers.push(...documents.servers);
    uri = `${documents.uri}sla-desk-lists`;
  } else {
    const port = await freePort();
    servers.push(await startMongoServer({ server: tools.mongo, port, dataDir: path.join(dataDir, 'mongo') }));
    uri = `mongodb://127.0.0.1:${port}/sla-desk-lists`;
  }
}
const backend = onPostgres ? 'FerretDB 1.24 on PostgreSQL' : 'FerretDB 1.24 on SQLite';
const conn = await connectMongo(uri, { serverSelectionTimeoutMS: 30_000 });
const models = registerModels(conn);

const STATUSES = ['acknowledged', 'open', 'in_progress', 'waiting_on_customer', 'closed'];
const t0 = Date.UTC(2026, 11, 7, 12);
/** A projection row shaped as the workflow writes it (two clocks), spread over a day of deadlines. */
function row(i: number) {
  const receivedAt = new Date(t0 - (i % 1440) * 60_000);
  const due = new Date(receivedAt.getTime() + ((i * 7919) % 10_000) * 60_000);
  const clock = (metric: string) => ({
    metric,
    clock: 'business',
    targetMinutes: 480,
    usedMinutes: 12,
    remainingMinutes: 468,
    dueAt: due.toISOString(),
    warningAt: due.toISOString(),
    paused: false,
    stopped: false,
    stoppedAt: null,
    breached: false,
    cycle: 0,
  });
  const status = STATUSES[i % STATUSES.length]!;
  const open = status !== 'closed';
  return {
    _id: `L${String(i).padStart(7, '0')}`,
    version: 3,
    status,
    priority: ['urgent', 'high', 'normal', 'low'][i % 4]!,
    category: 'bug',
    customerId: `C${i % 500}`,
    organizationId: i % 3 ? `O${i % 50}` : null,
    subject: `Printer #${i} stops after the update`,
    assignee: i % 2 ? `agent-${i % 20}` : null,
    escalationLevel: 'L1',
    slaState: 'on_track',
    nextDeadline: open ? due : null,
    scopeReviewDueAt: null,
    clocks: [clock('firstResponse'), clock('resolution')],
    receivedAt,
    updatedAt: receivedAt,
  };
}

async function fill(total: number) {
  const states = models.TicketState.collection;
  const have = await states.countDocuments({});
  for (let from = have; from < total; from += 1_000) {
    const batch = [];
    for (let i = from; i < Math.min(total, from + 1_000); i++) batch.push(row(i));
    await states.insertMany(batch as never[], { ordered: false });
  }
}

async function time(fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return summary(ms);
}

try {
  await models.TicketState.syncIndexes();
  const lists = createTicketListQuery(models, 0);
  const repo = createTicketStateRepository(models);
  const queries: [string, () => Promise<unknown>][] = [
    ['at-risk queue, first page', () => lists.list({}, 'deadline', null, 25)],
    [
      'at-risk queue, next page',
      async () => {
        const first = await lists.list({}, 'deadline', null, 25);
        await lists.list({}, 'deadline', first.next, 25);
      },
    ],
    ['at-risk queue, one assignee', () => lists.list({ assignees: ['agent-3'] }, 'deadline', null, 25)],
    ['at-risk queue, status open', () => lists.list({ status: 'open' }, 'deadline', null, 25)],
    ['newest first', () => lists.list({}, 'created', null, 25)],
    ['portal, one customer', () => repo.forCustomer('C7', undefined, 50)],
    ['portal, organization admin', () => repo.forCustomer('C7', 'O7', 50)],
  ];
  const rows: string[] = [];
  for (const size of SIZES) {
    log(`filling to ${size} rows`);
    await fill(size);
    for (const [name, fn] of queries.filter(([name]) => name.includes(ONLY))) {
      await fn(); // warm the connection and FerretDB's metadata, not the data
      const s = await time(fn);
      rows.push(`| ${fmt(size)} | ${name} | ${fmt(s.p50, 1)} | ${fmt(s.max, 1)} |`);
      log(rows.at(-1)!);
    }
  }
  console.log(`## Store queries behind the lists, uncached (${own ? backend : uri.replace(/\/\/.*@/, '//')})

${machine()}. ${REPEAT} runs each.

| rows | query | p50 ms | max ms |
|---:|---|---:|---:|
${rows.join('\n')}
`);
} finally {
  await conn.close();
  for (const server of servers) await server.stop(); // FerretDB before the PostgreSQL it uses
  fs.rmSync(dataDir, { recursive: true, force: true });
}
