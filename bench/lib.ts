import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import protoPackage from '@temporalio/proto';
import type { Connection as MongoConnection } from 'mongoose';
import type { Stack } from './stack';
import { workflowIdFor } from '../desk/tickets';
import { createCalendar } from '../domain/calendar';
import { receive, snapshot, type TicketIntake } from '../domain/ticket-sla';
import { connectMongo } from '../store/connection';
import { ticketWorkflow } from '../workflows/ticket';
import * as sa from '../workflows/search-attributes';

/** Small shared pieces of the benchmarks: percentiles, direct workflow starts, store counts. */

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? NaN };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/**
 * Starts a ticket workflow the way desk/tickets.ts does (same id, arguments and search
 * attributes), without the API: the raw Temporal start the intake benchmark compares against, and
 * the fast way to put thousands of tickets on the server with a common receivedAt.
 */
export async function startTicketDirect(client: Client, taskQueue: string, intake: TicketIntake): Promise<void> {
  const cal = createCalendar(intake.calendar);
  const preview = snapshot(receive(intake, cal).state, new Date(intake.receivedAt), cal);
  await client.workflow.start(ticketWorkflow, {
    workflowId: workflowIdFor(intake.ticketId),
    taskQueue,
    args: [{ intake }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    staticSummary: `#${intake.ticketId} ${intake.subject}`,
    typedSearchAttributes: [
      { key: sa.TicketStatus, value: 'new' },
      { key: sa.TicketPriority, value: intake.priority },
      { key: sa.TicketCategory, value: intake.category },
      { key: sa.CustomerId, value: intake.customer.id },
      { key: sa.EscalationLevel, value: 'L1' },
      { key: sa.SlaState, value: 'ok' },
      ...(preview.nextDeadline ? [{ key: sa.NextDeadline, value: new Date(preview.nextDeadline) }] : []),
    ],
  });
}

/** The worker tuning of a benchmark run: every WORKER_* tuning variable set in its environment (see lib/config.ts). */
export function workerTuningFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const keys = [
    'WORKER_MAX_CACHED_WORKFLOWS',
    'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
    'WORKER_MAX_CONCURRENT_ACTIVITIES',
    'WORKER_STICKY_TIMEOUT_MS',
  ];
  return Object.fromEntries(keys.filter((k) => env[k]).map((k) => [k, env[k]!]));
}

/**
 * Like pool(), but task i starts no earlier than i / ratePerSecond seconds after the first: arrivals at a
 * steady rate, so thousands of tickets don't overflow the worker's sticky cache before they are acknowledged.
 */
export async function pacedPool(
  count: number,
  ratePerSecond: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number[]> {
  const t0 = Date.now();
  const latencies: number[] = [];
  await pool(count, concurrency, async (i) => {
    await delay(Math.max(0, t0 + (i / ratePerSecond) * 1000 - Date.now()));
    const t = performance.now();
    await task(i);
    latencies.push(performance.now() - t);
  });
  return latencies;
}

/**
 * Open-loop load: call i is made at t0 + i / ratePerSecond whatever the earlier calls are doing, and its
 * latency counts from that scheduled moment, so a stalled server (or a stalled generator) cannot hide
 * behind requests that were never sent (coordinated omission). autocannon's own rate limit sends each
 * connection's quota back to back at the top of every second, a burst every second rather than a rate.
 */
export async function openLoop(
  ratePerSecond: number,
  seconds: number,
  task: (i: number) => Promise<void>,
): Promise<{ latencies: number[]; errors: number }> {
  const t0 = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  const calls: Promise<void>[] = [];
  for (let i = 0; i < Math.round(ratePerSecond * seconds); i++) {
    const due = t0 + (i / ratePerSecond) * 1000;
    await delay(Math.max(0, due - performance.now()));
    calls.push(
      task(i).then(
        () => void latencies.push(performance.now() - due),
        () => void errors++,
      ),
    );
  }
  await Promise.all(calls);
  return { latencies, errors };
}

/** Runs `task(i)` for i < count with at most `concurrency` in flight; returns each call's latency in ms. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

/** A read-only window on the product's collections (counting mails, events, projections). */
export async function openStore(uri: string): Promise<MongoConnection> {
  return connectMongo(uri, { serverSelectionTimeoutMS: 30_000 });
}

/** Polls `count()` until it reaches `target` or `timeoutMs` passes; returns the last count and how long it took. */
export async function waitForCount(
  count: () => Promise<number>,
  target: number,
  timeoutMs: number,
  label = '',
  intervalMs = 500,
): Promise<{ reached: number; ms: number }> {
  const t0 = Date.now();
  let reached = 0;
  let lastLog = t0;
  while (Date.now() - t0 < timeoutMs) {
    reached = await count().catch(() => reached);
    if (reached >= target) break;
    if (label && Date.now() - lastLog > 15_000) {
      console.error(`  … ${label}: ${reached}/${target}`);
      lastLog = Date.now();
    }
    await delay(intervalMs);
  }
  return { reached, ms: Date.now() - t0 };
}

/**
 * Counts workflows through Temporal's visibility store. Benchmarks poll this rather than FerretDB: on
 * FerretDB any filter but `_id` scans and decodes the whole collection, and at 10,000 tickets a poll
 * every half second took most of its CPU from the work being measured.
 */
export function visibleCount(client: Client, query: string): () => Promise<number> {
  return async () => (await client.workflow.count(query)).count;
}

/**
 * Workflow tasks that timed out in these workflows' histories, by kind. A sticky queue's task waits at most the
 * worker's sticky timeout (10 s by default) for that worker; past it the server moves the task to the normal queue,
 * where it arrives with the whole history. A burst longer than the timeout spills so (BENCHMARKS.md: at no measurable cost).
 */
export async function workflowTaskTimeouts(
  client: Client,
  workflowIds: string[],
): Promise<{ scheduleToStart: number; startToClose: number; workflows: number }> {
  const counts = { scheduleToStart: 0, startToClose: 0, workflows: 0 };
  await pool(workflowIds.length, 16, async (i) => {
    const history = await client.workflow.getHandle(workflowIds[i]!).fetchHistory();
    let timedOut = false;
    for (const e of history.events ?? []) {
      const type = e.workflowTaskTimedOutEventAttributes?.timeoutType;
      if (type === undefined || type === null) continue;
      timedOut = true;
      if (type === protoPackage.temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START)
        counts.scheduleToStart++;
      else counts.startToClose++;
    }
    if (timedOut) counts.workflows++;
  });
  return counts;
}

/** A process's /proc stat fields after its name: [1] is the parent pid, [11..14] utime, stime, cutime, cstime (clock ticks). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; 100 clock ticks per second). */
export function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : 0;
}

/**
 * CPU time of a process and all its descendants, in ms: PostgreSQL does its work in one forked backend per
 * connection, so its postmaster's own time is nearly nothing. Children that have exited and been waited for
 * are in their parent's cutime/cstime, and live ones are counted by walking the tree, so nothing counts twice.
 */
export function cpuMsOfTree(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  let ms = 0;
  const pending = [pid];
  while (pending.length) {
    const next = pending.pop()!;
    const fields = statFields(next);
    if (!fields) continue;
    ms += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
    pending.push(...(children.get(next) ?? []));
  }
  return ms;
}

/** The processes a stack's CPU is reported for; `bench` is this process (the load generator or a bare client and worker). */
export const STACK_PROCESSES = ['temporal', 'postgresql', 'ferretdb', 'worker', 'api', 'bench'] as const;

/**
 * Measures CPU per process of the stack from now until the returned stop() is called: where a phase's
 * CPU went (Temporal and, on the cluster, its PostgreSQL; FerretDB; the workers; the APIs; this process).
 */
export function stackCpuMeter(stack: Stack) {
  const groups: Record<string, (number | undefined)[]> = {
    temporal: [stack.pid('temporal')],
    postgresql: [stack.pid('postgresql')],
    ferretdb: [stack.pid('mongo')],
    worker: stack.workers.map((w) => stack.pid(w)),
    api: stack.apiUrls.length > 1 ? [stack.pid('api'), stack.pid('api-2')] : [stack.pid('api')],
  };
  const read = () => {
    const own = process.cpuUsage();
    const out: Record<string, number> = { bench: (own.user + own.system) / 1000 };
    for (const [name, pids] of Object.entries(groups)) {
      const live = pids.filter((pid): pid is number => pid !== undefined);
      if (live.length) out[name] = live.reduce((sum, pid) => sum + cpuMsOfTree(pid), 0);
    }
    return out;
  };
  const before = read();
  return () => {
    const after = read();
    return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
  };
}

/** Cumulative bucket counts of Prometheus histograms, by series (`name{labels}` without `le`) and upper bound in seconds. */
export type Histograms = Map<string, Map<number, number>>;

/** The `_bucket` lines of the named histograms in a /metrics answer. */
export function histogramsIn(text: string, names: string[]): Histograms {
  const out: Histograms = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\w+)_bucket\{(.*)\} (\S+)$/.exec(line);
    if (!m || !names.includes(m[1]!)) continue;
    const labels = m[2]!.split(',').filter((l) => !l.startsWith('le='));
    const le = /le="([^"]+)"/.exec(m[2]!)![1]!;
    const series = `${m[1]}{${labels.join(',')}}`;
    if (!out.has(series)) out.set(series, new Map());
    out.get(series)!.set(le === '+Inf' ? Infinity : Number(le), Number(m[3]));
  }
  return out;
}

/** The value of an unlabelled sample in a /metrics answer (NaN if absent). */
export function sampleIn(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

/**
 * One series' observations between two scrapes: how many, how many above `thresholdMs`, and the bucket
 * bound the 99th percentile falls under (a histogram knows no more than its buckets).
 */
export function histogramBetween(before: Histograms, after: Histograms, series: string, thresholdMs: number) {
  const buckets = [...(after.get(series) ?? new Map<number, number>()).entries()]
    .map(([le, n]) => [le, n - (before.get(series)?.get(le) ?? 0)] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  const within = buckets.find(([le]) => le * 1000 >= thresholdMs)?.[1] ?? total;
  const p99Bound = buckets.find(([, n]) => n >= 0.99 * total)?.[0] ?? NaN;
  return { total, over: total - within, p99UnderMs: p99Bound * 1000 };
}
