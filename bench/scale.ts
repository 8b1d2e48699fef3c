import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { SLA_CALENDAR } from '../domain/calendar';
import { DEFAULT_POLICY, PRIORITIES } from '../domain/policy';
import type { TicketIntake } from '../domain/ticket-sla';
import { registerModels } from '../store/models';
import { createTicketListQuery } from '../store/ticket-states';
import { diskBytes, rssMiB, startStack } from './stack';
import {
  fmt,
  machine,
  openStore,
  pacedPool,
  startTicketDirect,
  summary,
  visibleCount,
  waitForCount,
  workerTuningFromEnv,
} from './lib';

/**
 * Scale: SCALE_TICKETS (10,000) open tickets sleeping on their timers at once (the real SLA: the
 * earliest deadline is days away), then the memory of each process, the data on disk, and the
 * at-risk queue (`GET /api/v1/tickets?sort=deadline`) under a single client and under 8.
 * Worker tuning comes from the environment, one configuration per run, e.g.
 *
 *   npx tsx bench/scale.ts
 *   WORKER_MAX_CACHED_WORKFLOWS=500 npx tsx bench/scale.ts
 */
const N = Number(process.env.SCALE_TICKETS ?? 10_000);
/**
 * Tickets arrive at SCALE_START_RATE per second (25, about what the stack acknowledges). Started all at once,
 * 10,000 tickets overflow the worker's sticky cache (≈ 2,300 by default) before their acknowledgements come
 * back, and every one is replayed from its history: the acknowledgement rate fell from 30/s to 6/s.
 */
const START_RATE = Number(process.env.SCALE_START_RATE ?? 25);
const tuning = workerTuningFromEnv();
const log = (l: string) => console.error(`[scale] ${l}`);

const stack = await startStack({ log, env: { ...tuning, API_RATE_LIMIT: '100000000' } });
const db = await openStore(stack.mongoUri);

try {
  const t0 = Date.now();
  const tag = `S${Date.now().toString(36).toUpperCase()}`;
  const intake = (i: number): TicketIntake => ({
    ticketId: `${tag}X${i}`,
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
  log(`starting ${N} tickets`);
  const starts = await pacedPool(N, START_RATE, 32, (i) => startTicketDirect(stack.client, stack.taskQueue, intake(i)));
  const startSeconds = (Date.now() - t0) / 1000;
  const acks = await waitForCount(
    visibleCount(stack.client, 'TicketStatus = "acknowledged"'),
    N,
    1_800_000,
    'acknowledgements',
    2_000,
  );
  // The projection (status acknowledged) is written in the same workflow task; check the store, rarely (a scan).
  await waitForCount(
    () => db.collection('ticket_states').countDocuments({ status: 'acknowledged' }),
    N,
    300_000,
    'projections',
    10_000,
  );
  const settledSeconds = (Date.now() - t0) / 1000;
  log(`all ${acks.reached} acknowledged after ${settledSeconds.toFixed(0)} s; idling 20 s so the processes settle`);
  await delay(20_000);

  const rss = {
    worker: rssMiB(stack.pid('worker')),
    api: rssMiB(stack.pid('api')),
    temporal: rssMiB(stack.pid('temporal')),
    mongo: rssMiB(stack.pid('mongo')),
  };
  const temporalDisk = ['temporal.sqlite', 'temporal.sqlite-wal', 'temporal.sqlite-shm'].reduce(
    (s, f) => s + diskBytes(path.join(stack.dataDir, f)),
    0,
  );
  const mongoDisk = diskBytes(path.join(stack.dataDir, 'mongo'));

  const url = `${stack.apiUrl}/api/v1/tickets?sort=deadline`;
  const headers = { authorization: `Bearer ${stack.adminKey}` };
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`at-risk queue answered ${res.status}`);
    single.push(performance.now() - t);
  }
  const one = summary(single);
  // The query behind it, without the API's one-second cache (store/microcache.ts): what each refresh costs.
  const uncached = createTicketListQuery(registerModels(db), 0);
  const direct: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await uncached.list({}, 'deadline', null, 25);
    direct.push(performance.now() - t);
  }
  const query = summary(direct);
  const eight = await autocannon({ url, headers, connections: 8, duration: 10 });
  const mib = (b: number) => fmt(b / 2 ** 20, 0);
  const cfg =
    Object.entries(tuning)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'defaults (worker/create-worker.ts)';

  console.log(`## Scale: ${fmt(N)} open tickets sleeping at once (${cfg})

${machine()}. Tickets started through the client at ${START_RATE}/s in ${startSeconds.toFixed(0)} s (start p99 ${fmt(summary(starts).p99)} ms); all acknowledged and projected after ${settledSeconds.toFixed(0)} s.

| measure | value |
|---|---:|
| worker RSS | ${fmt(rss.worker)} MiB |
| API RSS | ${fmt(rss.api)} MiB |
| Temporal dev server RSS | ${fmt(rss.temporal)} MiB |
| FerretDB RSS | ${fmt(rss.mongo)} MiB |
| Temporal sqlite on disk | ${mib(temporalDisk)} MiB |
| FerretDB data on disk | ${mib(mongoDisk)} MiB |
| at-risk queue, 1 client, 200 requests: p50 / p99 / max | ${fmt(one.p50, 1)} / ${fmt(one.p99, 1)} / ${fmt(one.max, 1)} ms |
| at-risk queue, 8 connections, 10 s: req/s, p50 / p99 / max | ${fmt(eight.requests.average)} req/s, ${fmt(eight.latency.p50)} / ${fmt(eight.latency.p99)} / ${fmt(eight.latency.max)} ms (${eight.non2xx + eight.errors} errors) |
| the store query behind it, uncached, 20 in a row: p50 / p99 | ${fmt(query.p50, 1)} / ${fmt(query.p99, 1)} ms |

The API answers the queue from one store query per second (\`LIST_CACHE_MS\`, store/ticket-states.ts), shared by every caller in that second.
`);
} finally {
  await db.close();
  await stack.stop();
}
