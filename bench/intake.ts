import { randomBytes, randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { SLA_CALENDAR } from '../domain/calendar';
import { DEFAULT_POLICY } from '../domain/policy';
import {
  fmt,
  histogramBetween,
  machine,
  openLoop,
  histogramsIn,
  sampleIn,
  STACK_PROCESSES,
  stackCpuMeter,
  startTicketDirect,
  summary,
  visibleCount,
  waitForCount,
} from './lib';
import { startStack } from './stack';

/**
 * Intake throughput: tickets created through the API under autocannon, against raw workflow starts
 * from a bare Temporal client in the same run on the same servers (the physical limit here: the API
 * does strictly more — auth, a customer upsert and the content write in MongoDB, then the same start).
 * Between phases the worker is left to acknowledge every ticket, so no phase pays for the last one's backlog.
 *
 *   npx tsx bench/intake.ts          (BENCH_SECONDS=15, BENCH_CONNECTIONS=32)
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (l: string) => console.error(`[intake] ${l}`);

const stack = await startStack({ log, env: { API_RATE_LIMIT: '100000000' } });
// Through Temporal's visibility: a FerretDB count would scan, and its CPU would be billed to the phase.
const acknowledged = visibleCount(stack.client, 'TicketStatus = "acknowledged"');
let created = 0;

const body = (i: number) =>
  JSON.stringify({
    subject: `Bench ${i}`,
    description: 'Login fails with error 500',
    category: 'bug',
    priority: 'normal',
    customerEmail: `bench-${i % 20}@example.com`,
  });

/** Lets the worker acknowledge everything started so far (bounded), and reports how fast it did. */
async function drain(phase: string): Promise<number> {
  const before = await acknowledged();
  const r = await waitForCount(acknowledged, created, 300_000, `${phase} drain`);
  log(
    `${phase}: worker acknowledged ${r.reached - before} tickets in ${(r.ms / 1000).toFixed(1)} s (${r.reached}/${created})`,
  );
  return r.ms;
}

async function raw(): Promise<{ rate: number; p50: number; p99: number; errors: number }> {
  const intake = (i: number) => {
    const ticketId = `R${randomBytes(5).toString('hex').toUpperCase()}`;
    return {
      ticketId,
      subject: `Raw ${i}`,
      category: 'bug',
      priority: 'normal' as const,
      channel: 'api' as const,
      customer: { id: `CRAW${i % 20}`, email: `bench-${i % 20}@example.com`, trainingIncluded: false },
      receivedAt: new Date().toISOString(),
      calendar: SLA_CALENDAR,
      policy: DEFAULT_POLICY,
    };
  };
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const end = Date.now() + SECONDS * 1000;
  // The same concurrency as autocannon's connections: CONNECTIONS starts in flight at any moment.
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          await startTicketDirect(stack.client, stack.taskQueue, intake(i++));
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  created += latencies.length;
  const s = summary(latencies);
  return { rate: latencies.length / SECONDS, p50: s.p50, p99: s.p99, errors };
}

async function api(opts: { idempotencyKey: boolean }) {
  let n = 0;
  const result = await autocannon({
    url: `${stack.apiUrl}/api/v1/tickets`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    requests: [
      {
        // A fresh body per request, and with keys on, a fresh Idempotency-Key: every request is a new ticket.
        setupRequest: (req) => {
          const i = n++;
          return {
            ...req,
            body: body(i),
            headers: { ...req.headers, ...(opts.idempotencyKey ? { 'idempotency-key': randomUUID() } : {}) },
          };
        },
      },
    ],
  });
  const ok = result['2xx'];
  created += ok;
  return {
    rate: ok / SECONDS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** The API's own view of a paced phase (its /metrics), beside what this process saw: where a slow request's time went. */
const API_HISTOGRAMS = ['http_request_duration_seconds', 'ticket_intake_step_duration_seconds'];
const SERVER_SERIES = {
  'whole request': 'http_request_duration_seconds{method="POST",route="/api/v1/tickets",status="201"}',
  'content write': 'ticket_intake_step_duration_seconds{step="content"}',
  'workflow start': 'ticket_intake_step_duration_seconds{step="start"}',
};
const insideRows: string[] = [];
/** The goal's latency bound: requests slower than this are counted on each side. */
const SLOW_MS = 100;

/** The API at a steady rate (open loop, evenly spaced): what "p99 at half the maximum rate" asks about. */
async function paced(ratePerSecond: number, name: string): Promise<Phase> {
  // Only these metrics: a full scrape would make FerretDB count every ticket, seconds of CPU at 18,000.
  // Collecting nodejs_eventloop_lag_seconds sets the p99 and max gauges and resets prom-client's delay
  // histogram, so the second scrape's values cover the phase alone.
  const names = [
    ...API_HISTOGRAMS,
    'nodejs_eventloop_lag_seconds',
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_eventloop_lag_max_seconds',
  ];
  const metricsUrl = `${stack.apiUrl}/metrics?${names.map((n) => `name=${n}`).join('&')}`;
  const scrape = async () =>
    (await fetch(metricsUrl, { headers: { authorization: `Bearer ${stack.metricsToken}` } })).text();
  const before = histogramsIn(await scrape(), API_HISTOGRAMS);
  // A late callback here would count as the API's latency: this process also runs the SMTP outbox.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const { latencies, errors } = await openLoop(ratePerSecond, SECONDS, async (i) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: body(1_000_000 + i),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
  });
  loopDelay.disable();
  const afterText = await scrape();
  const after = histogramsIn(afterText, API_HISTOGRAMS);
  const apiLoop = `${fmt(sampleIn(afterText, 'nodejs_eventloop_lag_p99_seconds') * 1000, 1)} / ${fmt(sampleIn(afterText, 'nodejs_eventloop_lag_max_seconds') * 1000, 1)}`;
  created += latencies.length;
  const s = summary(latencies);
  const slow = latencies.filter((ms) => ms > SLOW_MS).length;
  const server = Object.values(SERVER_SERIES).map((series) => histogramBetween(before, after, series, SLOW_MS));
  insideRows.push(
    `| ${name} | ${latencies.length} | ${fmt(s.p99, 1)} | ${slow} | ${fmt(loopDelay.percentile(99) / 1e6, 1)} / ${fmt(loopDelay.max / 1e6, 1)} | ${apiLoop} | ` +
      server.map((h) => `≤ ${fmt(h.p99UnderMs)} | ${h.over}`).join(' | ') +
      ' |',
  );
  return { rate: latencies.length / SECONDS, p50: s.p50, p99: s.p99, errors };
}

type Phase = { rate: number; p50: number; p99: number; errors: number };
type Measured = Phase & { cpu: Record<string, number>; sustained: number };

/** Runs a phase and lets the worker acknowledge it; adds the CPU ms per ticket each process spent, start to drained. */
async function measured(phase: string, run: () => Promise<Phase>): Promise<Measured> {
  const stop = stackCpuMeter(stack);
  const before = created;
  const t0 = Date.now();
  const result = await run();
  await drain(phase);
  const used = stop();
  const tickets = Math.max(1, created - before);
  // Sustained: tickets started AND acknowledged per second, the phase and its drain together.
  const sustained = tickets / ((Date.now() - t0) / 1000);
  return { ...result, sustained, cpu: Object.fromEntries(Object.entries(used).map(([k, ms]) => [k, ms / tickets])) };
}

const median = (xs: number[]) => summary(xs).p50;
const range = (xs: number[], digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;

/** Several rounds of one phase: medians of the rates and latencies, the mean CPU per ticket. */
function combine(rounds: Measured[]): Measured & { rates: number[] } {
  const cpu = Object.fromEntries(
    Object.keys(rounds[0]!.cpu).map((k) => [k, rounds.reduce((a, r) => a + (r.cpu[k] ?? 0), 0) / rounds.length]),
  );
  return {
    rate: median(rounds.map((r) => r.rate)),
    rates: rounds.map((r) => r.rate),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    sustained: median(rounds.map((r) => r.sustained)),
    cpu,
  };
}

try {
  log('warm-up');
  await paced(20, 'warm-up, 20/s');
  await drain('warm-up');

  // This machine's speed drifts, by as much as 60 % between runs and between one phase and the next, so
  // the raw and API phases alternate in ROUNDS rounds (the order rotating) and each round's API rate is divided
  // by the same round's raw rate: the ratio compares phases a minute apart, never a good minute with a bad one.
  const phases = { raw, api: () => api({ idempotencyKey: false }), 'api+key': () => api({ idempotencyKey: true }) };
  type Kind = keyof typeof phases;
  const orders: Kind[][] = [
    ['raw', 'api', 'api+key'],
    ['api+key', 'raw', 'api'],
    ['api', 'api+key', 'raw'],
  ];
  const rounds: Record<Kind, Measured>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {} as Record<Kind, Measured>;
    for (const kind of orders[r % orders.length]!) {
      log(`round ${r + 1}/${ROUNDS}: ${kind}`);
      round[kind] = await measured(kind, phases[kind]);
    }
    rounds.push(round);
  }
  const rawRun = combine(rounds.map((r) => r.raw));
  const apiNoKey = combine(rounds.map((r) => r.api));
  const apiKey = combine(rounds.map((r) => r['api+key']));
  const ratios = (kind: Kind) => rounds.map((r) => (100 * r[kind].rate) / r.raw.rate);
  const half = Math.max(1, Math.floor(apiKey.rate / 2));
  log(`API at half the max (burst) rate: ${half}/s`);
  const apiHalf = await measured('half', () => paced(half, `half the burst rate, ${half}/s`));
  // The burst rate outruns the worker, which acknowledges the rest after the phase; what the stack keeps up
  // with for good is the sustained rate (started and acknowledged), and half of that is a quiet desk's load.
  const halfSustained = Math.max(1, Math.floor(apiKey.sustained / 2));
  log(`API at half the sustained rate: ${halfSustained}/s`);
  const apiHalfSustained = await measured('half-sustained', () =>
    paced(halfSustained, `half the sustained rate, ${halfSustained}/s`),
  );

  const burstRow = (name: string, r: ReturnType<typeof combine>, ratio?: number[]) =>
    `| ${name} | ${fmt(r.rate)} (${range(r.rates)}) | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${ratio ? `${fmt(median(ratio))} % (${range(ratio)} %)` : '100 %'} | ${fmt(r.sustained, 1)} | ${r.errors} |`;
  const pacedRow = (name: string, r: Measured) =>
    `| ${name} | ${fmt(r.rate)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | – | ${fmt(r.sustained, 1)} | ${r.errors} |`;
  const cpuRow = (name: string, r: Measured) =>
    `| ${name} | ${STACK_PROCESSES.map((p) => fmt(r.cpu[p] ?? NaN, 1)).join(' | ')} | ${fmt(
      Object.values(r.cpu).reduce((a, b) => a + b, 0),
      1,
    )} |`;
  const keyRatio = median(ratios('api+key'));
  const noKeyRatio = median(ratios('api'));
  console.log(`## Intake: API versus raw workflow starts

${machine()}; worker at nice ${process.env.WORKER_NICE ?? '10 (default)'}; ${ROUNDS} rounds of ${SECONDS}-s phases (raw, API, API with keys, in rotating order), ${CONNECTIONS} concurrent requests (autocannon connections / client starts in flight), same servers.

| phase | tickets/s: median (range over rounds) | p50 ms | p99 ms | of raw: median of each round's ratio (range) | sustained tickets/s | errors / non-2xx |
|---|---:|---:|---:|---:|---:|---:|
${burstRow('raw \`client.workflow.start\` (the limit)', rawRun)}
${burstRow('API \`POST /api/v1/tickets\`, no Idempotency-Key', apiNoKey, ratios('api'))}
${burstRow('API, unique Idempotency-Key per request', apiKey, ratios('api+key'))}
${pacedRow(`API at half the max (burst) rate (${half}/s evenly spaced, with keys)`, apiHalf)}
${pacedRow(`API at half the sustained rate (${halfSustained}/s evenly spaced, with keys)`, apiHalfSustained)}

"tickets/s" counts starts during a ${SECONDS}-s phase; "sustained" counts tickets started and acknowledged per second over the
phase and the drain after it, which is what the stack keeps up with for good. Latencies of the burst phases are medians over rounds.

Where the time of the evenly spaced phases went: this process's view (latency from each request's scheduled moment, and
its own event-loop delay, since it also runs the SMTP outbox) beside the API's \`/metrics\` (the whole request as the API
timed it, its content write and its workflow start; a histogram gives the bucket the p99 falls under):

| phase | requests | client p99 ms | client > ${SLOW_MS} ms | load generator loop delay p99 / max ms | API loop delay p99 / max ms | ${Object.keys(
    SERVER_SERIES,
  )
    .map((k) => `API ${k}: p99 ms | > ${SLOW_MS} ms`)
    .join(' | ')} |
|---|---:|---:|---:|---:|---:|${Object.keys(SERVER_SERIES)
    .map(() => '---:|---:')
    .join('|')}|
${insideRows.join('\n')}

CPU ms per ticket by process (mean over rounds), from the start of a phase until the worker had acknowledged all its tickets
(\`bench\` is this process: autocannon, or the bare client of the raw phase):

| phase | ${STACK_PROCESSES.join(' | ')} | total |
|---|${STACK_PROCESSES.map(() => '---:').join('|')}|---:|
${cpuRow('raw', rawRun)}
${cpuRow('API, no key', apiNoKey)}
${cpuRow('API, key', apiKey)}
${cpuRow('API, half rate', apiHalf)}
${cpuRow('API, half sustained rate', apiHalfSustained)}

Goal ≥ 80 % of raw: ${keyRatio >= 80 ? 'met' : 'not met'} with keys (${fmt(keyRatio)} %), ${noKeyRatio >= 80 ? 'met' : 'not met'} without (${fmt(noKeyRatio)} %). Goal p99 < ${SLOW_MS} ms at half rate: ${apiHalf.p99 < SLOW_MS ? 'met' : 'not met'} at half the burst rate (${fmt(apiHalf.p99, 1)} ms), ${apiHalfSustained.p99 < SLOW_MS ? 'met' : 'not met'} at half the sustained rate (${fmt(apiHalfSustained.p99, 1)} ms).
`);
} finally {
  await stack.stop();
}
