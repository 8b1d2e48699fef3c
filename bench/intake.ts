import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { SLA_CALENDAR } from '../domain/calendar';
import { DEFAULT_POLICY } from '../domain/policy';
import { fmt, machine, openLoop, STACK_PROCESSES, stackCpuMeter, startTicketDirect, summary, visibleCount, waitForCount } from './lib';
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
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (l: string) => console.error(`[intake] ${l}`);

const stack = await startStack({ log, env: { API_RATE_LIMIT: '100000000' } });
// Through Temporal's visibility: a FerretDB count would scan, and its CPU would be billed to the phase.
const acknowledged = visibleCount(stack.client, 'TicketStatus = "acknowledged"');
let created = 0;

const body = (i: number) =>
  JSON.stringify({ subject: `Bench ${i}`, description: 'Login fails with error 500', category: 'bug', priority: 'normal', customerEmail: `bench-${i % 20}@example.com` });

/** Lets the worker acknowledge everything started so far (bounded), and reports how fast it did. */
async function drain(phase: string): Promise<number> {
  const before = await acknowledged();
  const r = await waitForCount(acknowledged, created, 300_000, `${phase} drain`);
  log(`${phase}: worker acknowledged ${r.reached - before} tickets in ${(r.ms / 1000).toFixed(1)} s (${r.reached}/${created})`);
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
          return { ...req, body: body(i), headers: { ...req.headers, ...(opts.idempotencyKey ? { 'idempotency-key': randomUUID() } : {}) } };
        },
      },
    ],
  });
  const ok = result['2xx'];
  created += ok;
  return { rate: ok / SECONDS, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

/** The API at a steady rate (open loop, evenly spaced): what "p99 at half the maximum rate" asks about. */
async function paced(ratePerSecond: number): Promise<Phase> {
  const { latencies, errors } = await openLoop(ratePerSecond, SECONDS, async (i) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: body(1_000_000 + i),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
  });
  created += latencies.length;
  const s = summary(latencies);
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

try {
  log('warm-up');
  await paced(20);
  await drain('warm-up');

  // Raw phases before and after the API's, averaged: this machine's rate drifts between phases, by as
  // much as 60 % between runs, and bracketing the API phases keeps the ratio from riding on that drift.
  log('raw workflow starts (1/2)');
  const rawBefore = await measured('raw', raw);
  log('API, no Idempotency-Key');
  const apiNoKey = await measured('api', () => api({ idempotencyKey: false }));
  log('API, unique Idempotency-Key');
  const apiKey = await measured('api+key', () => api({ idempotencyKey: true }));
  log('raw workflow starts (2/2)');
  const rawAfter = await measured('raw', raw);
  const rawRun: Measured = {
    rate: (rawBefore.rate + rawAfter.rate) / 2,
    p50: (rawBefore.p50 + rawAfter.p50) / 2,
    p99: Math.max(rawBefore.p99, rawAfter.p99),
    errors: rawBefore.errors + rawAfter.errors,
    sustained: (rawBefore.sustained + rawAfter.sustained) / 2,
    cpu: Object.fromEntries(Object.keys(rawBefore.cpu).map((k) => [k, (rawBefore.cpu[k]! + (rawAfter.cpu[k] ?? 0)) / 2])),
  };
  const half = Math.max(1, Math.floor(apiKey.rate / 2));
  log(`API at half the max (burst) rate: ${half}/s`);
  const apiHalf = await measured('half', () => paced(half));
  // The burst rate outruns the worker, which acknowledges the rest after the phase; what the stack keeps up
  // with for good is the sustained rate (started and acknowledged), and half of that is a quiet desk's load.
  const halfSustained = Math.max(1, Math.floor(apiKey.sustained / 2));
  log(`API at half the sustained rate: ${halfSustained}/s`);
  const apiHalfSustained = await measured('half-sustained', () => paced(halfSustained));

  const row = (name: string, r: Measured) =>
    `| ${name} | ${fmt(r.rate)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt((100 * r.rate) / rawRun.rate)} % | ${fmt(r.sustained, 1)} | ${r.errors} |`;
  const cpuRow = (name: string, r: Measured) =>
    `| ${name} | ${STACK_PROCESSES.map((p) => fmt(r.cpu[p] ?? NaN, 1)).join(' | ')} | ${fmt(Object.values(r.cpu).reduce((a, b) => a + b, 0), 1)} |`;
  console.log(`## Intake: API versus raw workflow starts

${machine()}; ${SECONDS} s per phase, ${CONNECTIONS} concurrent requests (autocannon connections / client starts in flight), one run, same servers.

| phase | tickets/s | p50 ms | p99 ms | of raw | sustained tickets/s | errors / non-2xx |
|---|---:|---:|---:|---:|---:|---:|
${row(`raw \`client.workflow.start\` (the limit; mean of ${fmt(rawBefore.rate)} before and ${fmt(rawAfter.rate)} after the API phases)`, rawRun)}
${row('API \`POST /api/v1/tickets\`, no Idempotency-Key', apiNoKey)}
${row('API, unique Idempotency-Key per request', apiKey)}
${row(`API at half the max (burst) rate (${half}/s evenly spaced, with keys)`, apiHalf)}
${row(`API at half the sustained rate (${halfSustained}/s evenly spaced, with keys)`, apiHalfSustained)}

"tickets/s" counts starts during the ${SECONDS}-s phase; "sustained" counts tickets started and acknowledged per second over the
phase and the drain after it, which is what the stack keeps up with for good.

CPU ms per ticket by process, from the start of a phase until the worker had acknowledged all its tickets
(\`bench\` is this process: autocannon, or the bare client of the raw phase):

| phase | ${STACK_PROCESSES.join(' | ')} | total |
|---|${STACK_PROCESSES.map(() => '---:').join('|')}|---:|
${cpuRow('raw (mean)', rawRun)}
${cpuRow('raw, before the API phases', rawBefore)}
${cpuRow('raw, after the API phases', rawAfter)}
${cpuRow('API, no key', apiNoKey)}
${cpuRow('API, key', apiKey)}
${cpuRow('API, half rate', apiHalf)}
${cpuRow('API, half sustained rate', apiHalfSustained)}

Goal ≥ 80 % of raw: ${apiKey.rate >= 0.8 * rawRun.rate ? 'met' : 'not met'} with keys (${fmt((100 * apiKey.rate) / rawRun.rate)} %), ${apiNoKey.rate >= 0.8 * rawRun.rate ? 'met' : 'not met'} without (${fmt((100 * apiNoKey.rate) / rawRun.rate)} %). Goal p99 < 100 ms at half rate: ${apiHalf.p99 < 100 ? 'met' : 'not met'} at half the burst rate (${fmt(apiHalf.p99, 1)} ms), ${apiHalfSustained.p99 < 100 ? 'met' : 'not met'} at half the sustained rate (${fmt(apiHalfSustained.p99, 1)} ms).
`);
} finally {
  await stack.stop();
}
