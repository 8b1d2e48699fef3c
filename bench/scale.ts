import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { SLA_CALENDAR } from '../domain/calendar';
import { DEFAULT_POLICY, PRIORITIES } from '../domain/policy';
import type { TicketIntake } from '../domain/ticket-sla';
import { registerModels } from '../store/models';
import { createTicketListQuery } from '../store/ticket-states';
import { createTicketRepository } from '../store/tickets';
import { consoleLogin } from '../test/support/console';
import { diskBytes, rssMiB, startStack, type Stack } from './stack';
import {
  fmt,
  machine,
  openStore,
  pacedPool,
  pool,
  STACK_PROCESSES,
  stackCpuMeter,
  startTicketDirect,
  summary,
  visibleCount,
  waitForCount,
  workerTuningFromEnv,
} from './lib';

/**
 * Scale: SCALE_TICKETS (10,000) open tickets sleeping on their timers at once (the real SLA: the earliest deadline is
 * days away), then each worker's memory, the store's size per ticket, and the pages agents poll under 8 clients: the
 * at-risk queue (`GET /api/v1/tickets?sort=deadline`), a ticket (`GET /api/v1/tickets/:id`) and the console's ticket
 * page, with the store query behind the queue uncached. Intake is measured twice: the first tickets on an empty desk
 * and the last ones on the full desk, each batch started as fast as the stack takes them. BENCH_CLUSTER=1 runs the
 * cluster mode (Temporal on PostgreSQL, two workers, two APIs). Worker tuning comes from the environment:
 *
 *   npx tsx bench/scale.ts                                         # 10,000, dev server
 *   SCALE_TICKETS=100000 BENCH_CLUSTER=1 npx tsx bench/scale.ts    # about 70 minutes of intake at 25/s
 *   WORKER_MAX_CACHED_WORKFLOWS=500 npx tsx bench/scale.ts
 */
const N = Number(process.env.SCALE_TICKETS ?? 10_000);
/**
 * Tickets between the two intake batches arrive at SCALE_START_RATE per second (25, about what the stack
 * acknowledges). Started all at once, 10,000 tickets overflow the worker's sticky cache before their acknowledgements
 * come back, and every one is replayed from its history: the acknowledgement rate fell from 30/s to 6/s.
 */
const START_RATE = Number(process.env.SCALE_START_RATE ?? 25);
/** The intake batches: the first and the last tickets, started 32 at a time; less than the worker's cache (1,000). */
const EDGE = Math.min(1_000, Math.floor(N / 2));
const tuning = workerTuningFromEnv();
const log = (l: string) => console.error(`[scale] ${l}`);
const loadAtStart = os.loadavg()[0]!;

const stack = await startStack({ log, env: { ...tuning, API_RATE_LIMIT: '100000000' } });
const db = await openStore(stack.mongoUri);
const models = registerModels(db);

/**
 * Bytes on disk of the Temporal server's store (sqlite, or the cluster's PostgreSQL) and of FerretDB. In the cluster
 * mode both are databases of one PostgreSQL: FerretDB's size is its own (dbStats), Temporal's the rest.
 */
async function storeBytes(s: Stack) {
  if (s.cluster) {
    const stats = await db.db!.command({ dbStats: 1 });
    const ferret = Number(stats.totalSize ?? stats.storageSize + stats.indexSize);
    return { temporal: diskBytes(path.join(s.dataDir, 'postgres')) - ferret, ferret };
  }
  const temporal = ['temporal.sqlite', 'temporal.sqlite-wal', 'temporal.sqlite-shm'].reduce(
    (sum, f) => sum + diskBytes(path.join(s.dataDir, f)),
    0,
  );
  return { temporal, ferret: diskBytes(path.join(s.dataDir, 'mongo')) };
}

/** autocannon's own merge of runs made with `skipAggregateResult` (its latency histograms added), which its types omit. */
const aggregateResult = (
  autocannon as unknown as {
    aggregateResult(results: autocannon.Result[], opts: { url?: string; connections: number }): autocannon.Result;
  }
).aggregateResult;

/**
 * 8 connections for 10 s, cycling through `paths`, shared evenly by the APIs in `urls` (in the cluster mode both, as
 * a load balancer in front of its two API instances would); latencies in ms, CPU per request by process.
 */
async function underEight(paths: string[], headers: Record<string, string>, urls = stack.apiUrls) {
  for (const url of urls) {
    const probe = await fetch(`${url}${paths[0]}`, { headers });
    await probe.arrayBuffer();
    if (probe.status !== 200) throw new Error(`${url}${paths[0]} answered ${probe.status}`);
  }
  const cpu = stackCpuMeter(stack);
  const parts = await Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        headers,
        connections: 8 / urls.length,
        duration: 10,
        requests: paths.map((p) => ({ method: 'GET' as const, path: p })),
        skipAggregateResult: true,
      }),
    ),
  );
  const r = aggregateResult(parts, { url: urls[0], connections: 8 });
  const used = cpu();
  const done = (r.latency as { totalCount?: number }).totalCount ?? 0;
  const perRequest = (k: string) => (done ? (used[k] ?? 0) / done : 0);
  return {
    cpu: STACK_PROCESSES.filter((k) => k in used)
      .map((k) => `${k} ${fmt(perRequest(k), 1)}`)
      .join(', '),
    rps: done / 10,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    bad: r.non2xx + r.errors,
  };
}

try {
  const empty = await storeBytes(stack);
  const t0 = Date.now();
  const tag = `S${Date.now().toString(36).toUpperCase()}`;
  const idOf = (i: number) => `${tag}X${i}`;
  const intake = (i: number): TicketIntake => ({
    ticketId: idOf(i),
    subject: `Scale #${i}`,
    category: 'bug',
    priority: PRIORITIES[i % PRIORITIES.length]!,
    channel: 'api',
    customer: { id: `C${tag}${i % 100}`, email: `scale-${i % 100}@example.com`, trainingIncluded: false },
    // Spread over the past day so the at-risk queue has distinct deadlines to sort.
    receivedAt: new Date(t0 - (i % 1440) * 60_000).toISOString(),
    calendar: SLA_CALENDAR,
    policy: DEFAULT_POLICY,
  });
  const tickets = createTicketRepository(models);
  // The content the API stores before it starts the workflow (desk/tickets.ts): the ticket pages read it.
  const start = async (i: number) => {
    const t = intake(i);
    await tickets.save({
      id: t.ticketId,
      subject: t.subject,
      description: `Scale ticket ${i}: the export stops after the update.`,
      category: t.category,
      priority: t.priority,
      channel: t.channel,
      customerId: t.customer.id,
      customerEmail: t.customer.email,
      receivedAt: new Date(t.receivedAt),
      slaVersion: 'v1',
    });
    await startTicketDirect(stack.client, stack.taskQueue, t);
  };
  const acknowledged = visibleCount(stack.client, 'TicketStatus = "acknowledged"');
  const waitMs = Math.max(1_800_000, N * 100);
  /** Tickets [from, to) started 32 at a time; acknowledged per second from the first start to the last acknowledgement. */
  const batch = async (from: number, to: number) => {
    const t = performance.now();
    await pool(to - from, 32, (k) => start(from + k));
    const acks = await waitForCount(acknowledged, to, waitMs, 'acknowledgements', 250);
    if (acks.reached < to) throw new Error(`only ${acks.reached} of ${to} tickets acknowledged`);
    return (to - from) / ((performance.now() - t) / 1000);
  };

  log(`intake on an empty desk: tickets 0–${EDGE - 1}`);
  const firstRate = await batch(0, EDGE);
  log(`${fmt(firstRate, 1)} tickets/s; then ${N - 2 * EDGE} more at ${START_RATE}/s`);
  const middle = N - 2 * EDGE;
  // pacedPool keeps one latency number per ticket and 32 calls in flight: bounded whatever N is.
  const starts = await pacedPool(middle, START_RATE, 32, (k) => start(EDGE + k));
  const middleAcks = await waitForCount(acknowledged, N - EDGE, waitMs, 'acknowledgements', 2_000);
  if (middleAcks.reached < N - EDGE) throw new Error(`only ${middleAcks.reached} of ${N - EDGE} acknowledged`);
  log(`intake on the full desk: tickets ${N - EDGE}–${N - 1}`);
  const lastRate = await batch(N - EDGE, N);
  // The projection (status acknowledged) is written in the same workflow task; check the store, rarely (a scan).
  await waitForCount(
    () => db.collection('ticket_states').countDocuments({ status: 'acknowledged' }),
    N,
    300_000,
    'projections',
    10_000,
  );
  const settledSeconds = (Date.now() - t0) / 1000;
  log(`all ${N} acknowledged and projected after ${settledSeconds.toFixed(0)} s; idling 20 s so the processes settle`);
  await delay(20_000);

  const rss = {
    workers: stack.workers.map((w) => rssMiB(stack.pid(w))),
    api: rssMiB(stack.pid('api')),
    temporal: rssMiB(stack.pid('temporal')),
    mongo: rssMiB(stack.pid('mongo')),
  };
  const full = await storeBytes(stack);
  const perTicket = (k: 'temporal' | 'ferret') => (full[k] - empty[k]) / N / 1024;

  const headers = { authorization: `Bearer ${stack.adminKey}` };
  // The store query behind the queue without the API's one-second cache (store/microcache.ts): each refresh's cost.
  const uncached = createTicketListQuery(models, 0);
  const direct: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await uncached.list({}, 'deadline', null, 25);
    direct.push(performance.now() - t);
  }
  const query = summary(direct);
  const sample = Array.from({ length: 200 }, (_, k) => idOf(Math.floor((k * N) / 200)));
  const queue = await underEight(['/api/v1/tickets?sort=deadline'], headers);
  const ticket = await underEight(
    sample.map((id) => `/api/v1/tickets/${id}`),
    headers,
  );
  const cookie = await consoleLogin(stack.apiUrl, stack.adminKey);
  const consoleTicket = await underEight(
    sample.map((id) => `/console/tickets/${id}`),
    { cookie },
  );
  const consoleOnOne =
    stack.apiUrls.length > 1
      ? await underEight(
          sample.map((id) => `/console/tickets/${id}`),
          { cookie },
          [stack.apiUrl],
        )
      : undefined;

  const mode = stack.cluster ? 'cluster, 2 workers' : 'dev server';
  const cfg =
    Object.entries(tuning)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'defaults (worker/create-worker.ts)';
  const page = (p: Awaited<ReturnType<typeof underEight>>) =>
    `${fmt(p.p50)} / ${fmt(p.p99)} / ${fmt(p.max)} ms${p.bad ? ` (${p.bad} errors)` : ''}`;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const workersRss = rss.workers.map((m) => fmt(m)).join(' + ');

  console.log(`## Scale: ${fmt(N)} open tickets sleeping at once (${mode}; ${cfg})

${machine()}; load ${loadAtStart.toFixed(1)} at the start. ${fmt(N - 2 * EDGE)} tickets started through the client at ${START_RATE}/s (start p99 ${fmt(summary(starts).p99)} ms); all acknowledged and projected after ${settledSeconds.toFixed(0)} s.

| measure | value |
|---|---:|
| worker RSS (${stack.workers.join(', ')}) | ${workersRss} MiB |
| API RSS | ${fmt(rss.api)} MiB |
| Temporal server RSS | ${fmt(rss.temporal)} MiB |
| FerretDB RSS | ${fmt(rss.mongo)} MiB |
| intake, tickets acknowledged per second: first ${fmt(EDGE)} / last ${fmt(EDGE)} | ${fmt(firstRate, 1)} / ${fmt(lastRate, 1)} |
| Temporal's store (${stack.cluster ? 'PostgreSQL' : 'sqlite'}) per ticket | ${fmt(perTicket('temporal'), 1)} KiB |
| FerretDB data per ticket | ${fmt(perTicket('ferret'), 1)} KiB |
| at-risk queue, 8 connections, 10 s: p50 / p99 / max | ${page(queue)}, ${fmt(queue.rps)} req/s |
| ticket (API), 8 connections, 10 s: p50 / p99 / max | ${page(ticket)}, ${fmt(ticket.rps)} req/s |
| ticket (console page), 8 connections, 10 s: p50 / p99 / max | ${page(consoleTicket)}, ${fmt(consoleTicket.rps)} req/s |
${consoleOnOne ? `| ticket (console page), the 8 connections on API 1 alone: p50 / p99 / max | ${page(consoleOnOne)}, ${fmt(consoleOnOne.rps)} req/s |\n` : ''}| CPU ms per request by process: queue / ticket (API) / console page | ${queue.cpu} / ${ticket.cpu} / ${consoleTicket.cpu} |
| the queue's store query, uncached, 20 in a row: p50 / p99 / max | ${fmt(query.p50, 1)} / ${fmt(query.p99, 1)} / ${fmt(query.max, 1)} ms |

The API answers the queue from one store query per second (\`LIST_CACHE_MS\`, store/ticket-states.ts), shared by every caller in that second.

Row for BENCHMARKS.md ("Scale: 10,000 and 100,000 open tickets"):

| ${new Date().toISOString().slice(0, 10)}, ${commit} | ${mode} | ${fmt(N)} | ${workersRss} MiB | ${page(queue)} | ${page(ticket)} | ${page(consoleTicket)} | ${fmt(query.p50, 1)} / ${fmt(query.max, 1)} ms | ${fmt(firstRate, 1)} / ${fmt(lastRate, 1)} /s | ${fmt(perTicket('ferret'), 1)} + ${fmt(perTicket('temporal'), 1)} KiB | ${loadAtStart.toFixed(1)} |
`);
} finally {
  await db.close();
  await stack.stop();
}
