import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowIdFor } from '../desk/tickets';
import { ALWAYS_OPEN_CALENDAR } from '../domain/calendar';
import { parsePolicyOverrides } from '../domain/policy';
import type { TicketIntake } from '../domain/ticket-sla';
import {
  bareDeadline,
  bareDeadlineLocal,
  bareDeadlineLocalUpsert,
  bareDeadlineProductShape,
} from './bare-deadline-workflow';
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
  workflowTaskTimeouts,
} from './lib';
import { startStack } from './stack';
import { DEFAULT_STICKY_TIMEOUT_MS } from '../worker/create-worker';

/**
 * Deadline precision: N urgent tickets with one common receivedAt on a 24/7 calendar, so all N
 * first-response deadlines (and the L2 escalation at the breach) fall on the same instant. We report
 * how late each fired: the `escalated` SLA event's `at` (the workflow task that handled the timer)
 * and the escalation activity's start (its notification claim, `claimedAt`), both minus `dueAt`.
 * Workflows are started straight through the client — the API would stamp each ticket with its own
 * receivedAt. The lead time before the deadline grows with N so that every ticket is started and
 * acknowledged before it (checked and printed).
 *
 * Side by side, on the same servers right after: the limit, N bare workflows that sleep until one
 * instant and run an activity that only notes the time, once as a regular activity and once as a local
 * one (bench/bare-deadline-workflow.ts), run by a worker in this process with the SDK's defaults but the product's
 * sticky-queue timeout.
 *
 *   npx tsx bench/deadline-precision.ts            (N = 100 and 1,000)
 *   npx tsx bench/deadline-precision.ts --10k      (adds N = 10,000; long: lead time grows with N)
 *   DEADLINE_SIZES=100 npx tsx bench/deadline-precision.ts
 *   DEADLINE_BARE_UPSERT=1 …                        (two more limits: local activity + the ticket's search attributes,
 *                                                   and the same with a second local activity, the product's shape)
 */
const sizes = process.env.DEADLINE_SIZES
  ? process.env.DEADLINE_SIZES.split(',').map(Number)
  : process.argv.includes('--10k')
    ? [100, 1_000, 10_000]
    : [100, 1_000];
const log = (l: string) => console.error(`[deadline] ${l}`);
const START_RATE = Number(process.env.DEADLINE_START_RATE ?? 25);

/** The SLA_CONFIG of this stack: always open, warning early (out of the way of the deadline burst), one escalation step. */
const slaConfig = {
  calendar: { timezone: 'UTC', windows: ALWAYS_OPEN_CALENDAR.windows, holidays: [] },
  policy: {
    warningAt: 0.05,
    targets: { urgent: { firstResponseMinutes: 1 } },
    escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
  },
};

// Worker tuning passes through, one configuration per run (as in bench/scale.ts).
const tuning = workerTuningFromEnv();
const stack = await startStack({ log, slaConfig, env: tuning });
const db = await openStore(stack.mongoUri);
const rows: string[] = [];
const bareRows: string[] = [];
const cpuRows: string[] = [];
const timeoutRows: string[] = [];
/** Up to 1,000 of a run's workflows: enough to see whether its burst outlasted the sticky queue's timeout. */
async function timeoutRow(n: number, run: string, ids: string[]): Promise<void> {
  const sample = ids.slice(0, 1_000);
  const t = await workflowTaskTimeouts(stack.client, sample);
  timeoutRows.push(
    `| ${fmt(n)} | ${run} | ${fmt(sample.length)} | ${fmt(t.workflows)} | ${fmt(t.scheduleToStart)} | ${fmt(t.startToClose)} |`,
  );
}
const cpuRow = (n: number, run: string, used: Record<string, number>) =>
  `| ${fmt(n)} | ${run} | ${STACK_PROCESSES.map((k) => fmt((used[k] ?? 0) / n, 1)).join(' | ')} |`;

const BARE_KINDS: Record<string, (dueAtMs: number) => Promise<void>> = {
  activity: bareDeadline,
  'local activity': bareDeadlineLocal,
  ...(process.env.DEADLINE_BARE_UPSERT === '1'
    ? {
        'local activity + search attributes': bareDeadlineLocalUpsert,
        'two local activities + search attributes': bareDeadlineProductShape,
      }
    : {}),
};

/** N bare workflows due at one instant; returns each one's (activity start − dueAt) in ms. */
async function bareLags(n: number, kind: string): Promise<number[]> {
  const lags: number[] = [];
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  const taskQueue = `bare-deadline-${n}-${kind.replace(/\W+/g, '-')}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./bare-deadline-workflow.ts', import.meta.url)),
    activities: {
      deadlineReached: async (dueAtMs: number) => void lags.push(Date.now() - dueAtMs),
      nothing: async () => undefined,
    },
    // The product worker's sticky-queue timeout, so neither side of the ratio spills where the other would not.
    stickyQueueScheduleToStartTimeout: Number(tuning.WORKER_STICKY_TIMEOUT_MS ?? DEFAULT_STICKY_TIMEOUT_MS),
  });
  const dueAt = Date.now() + (15 + Math.ceil(n / 50)) * 1000; // bare starts run at 100/s and more
  const tag = `B${n}${kind.replace(/\W+/g, '').slice(0, 12)}T${Date.now().toString(36)}`;
  try {
    await worker.runUntil(async () => {
      await pool(n, 32, (i) =>
        stack.client.workflow
          .start(BARE_KINDS[kind]!, { workflowId: `${tag}-${i}`, taskQueue, args: [dueAt] })
          .then(() => undefined),
      );
      log(`bare N=${n}: started, ${((dueAt - Date.now()) / 1000).toFixed(1)} s before the deadline`);
      await delay(Math.max(0, dueAt - Date.now()));
      const stopMeter = stackCpuMeter(stack);
      await waitForCount(async () => lags.length, n, 600_000, `bare N=${n}`, 250);
      cpuRows.push(cpuRow(n, `bare, ${kind} (worker in the benchmark process)`, stopMeter()));
    });
    await timeoutRow(
      n,
      `bare, ${kind}`,
      Array.from({ length: n }, (_, i) => `${tag}-${i}`),
    );
  } finally {
    await connection.close();
  }
  return lags;
}

try {
  for (const n of sizes) {
    // Lead time: start-up and acknowledgement of N tickets must be over before the deadline. The stack
    // acknowledges ≈ 20 tickets/s on this 2-core machine (BENCHMARKS.md, intake); DEADLINE_ACK_RATE overrides.
    const leadSeconds = 20 + Math.ceil(n / Number(process.env.DEADLINE_ACK_RATE ?? 12));
    const policy = parsePolicyOverrides({
      ...slaConfig.policy,
      targets: { urgent: { firstResponseMinutes: leadSeconds / 60 } },
    });
    const tag = `P${n}T${Date.now().toString(36).toUpperCase()}`;
    const receivedAt = new Date();
    const dueAt = receivedAt.getTime() + leadSeconds * 1000;
    const intake = (i: number): TicketIntake => ({
      ticketId: `${tag}X${i}`,
      subject: `Precision ${n} #${i}`,
      category: 'incident',
      priority: 'urgent',
      channel: 'api',
      customer: { id: `C${tag}`, email: `precision-${n}@example.com`, trainingIncluded: false },
      receivedAt: receivedAt.toISOString(),
      calendar: { ...ALWAYS_OPEN_CALENDAR },
      policy,
    });
    log(`N=${n}: starting, deadline in ${leadSeconds} s`);
    // Paced (DEADLINE_START_RATE, 25/s, about what the stack acknowledges): faster, 10,000 tickets would overflow the
    // worker's sticky cache before their acknowledgements come back, and each would be replayed (bench/scale.ts).
    await pacedPool(n, START_RATE, 32, (i) => startTicketDirect(stack.client, stack.taskQueue, intake(i)));
    const mine = { ticketId: { $regex: `^${tag}X` } };
    // Polled through Temporal's visibility (bench/lib.ts visibleCount): a FerretDB count would scan.
    const ofRun = `CustomerId = "C${tag}"`;
    const acks = await waitForCount(
      visibleCount(stack.client, `${ofRun} AND TicketStatus = "acknowledged"`),
      n,
      leadSeconds * 1000,
      `N=${n} acknowledgements`,
      1_000,
    );
    const setupDoneBeforeDue = (dueAt - Date.now()) / 1000;
    log(`N=${n}: ${acks.reached} acknowledged; ${setupDoneBeforeDue.toFixed(1)} s left before the deadline`);

    // CPU from the deadline until the last escalation, per process and per deadline: where a burst's work goes.
    await delay(Math.max(0, dueAt - Date.now()));
    const stopMeter = stackCpuMeter(stack);
    const escalated = await waitForCount(
      visibleCount(stack.client, `${ofRun} AND EscalationLevel = "L2"`),
      n,
      Math.max(0, dueAt - Date.now()) + 1_200_000,
      `N=${n} escalations`,
      1_000,
    );
    cpuRows.push(cpuRow(n, 'product', stopMeter()));
    // The escalation mails and events land after the search attribute; check the store, rarely (a scan).
    await waitForCount(
      () => db.collection('notifications').countDocuments({ ...mine, kind: 'escalation' }),
      n,
      120_000,
      '',
      5_000,
    );
    await waitForCount(
      () => db.collection('sla_events').countDocuments({ ...mine, type: 'escalated' }),
      n,
      60_000,
      '',
      5_000,
    );
    const events = await db
      .collection('sla_events')
      .find({ ...mine, type: 'escalated' }, { projection: { at: 1, dueAt: 1 } })
      .toArray();
    const claims = await db
      .collection('notifications')
      .find({ ...mine, kind: 'escalation' }, { projection: { claimedAt: 1 } })
      .toArray();
    const timerLag = summary(events.map((e) => (e.at as Date).getTime() - (e.dueAt as Date).getTime()));
    const activityLag = summary(claims.map((c) => (c.claimedAt as Date).getTime() - dueAt));
    const anyEarly = events.some((e) => (e.at as Date).getTime() < dueAt);
    rows.push(
      `| ${fmt(n)} | ${leadSeconds} s | ${setupDoneBeforeDue >= 0 ? `yes (${setupDoneBeforeDue.toFixed(0)} s to spare)` : `no (${(-setupDoneBeforeDue).toFixed(0)} s late)`} | ` +
        `${timerLag.n}/${n} | ${fmt(timerLag.p50)} | ${fmt(timerLag.p99)} | ${fmt(timerLag.max)} | ${activityLag.n}/${n} | ${fmt(activityLag.p50)} | ${fmt(activityLag.p99)} | ${fmt(activityLag.max)} |${anyEarly ? ' (an event fired early!)' : ''}`,
    );
    log(
      `N=${n}: escalations ${escalated.reached}/${n}; timer lag p99 ${timerLag.p99} ms, activity lag p99 ${activityLag.p99} ms`,
    );
    await timeoutRow(
      n,
      'product',
      Array.from({ length: n }, (_, i) => workflowIdFor(intake(i).ticketId)),
    );
    for (const kind of Object.keys(BARE_KINDS)) {
      const bare = summary(await bareLags(n, kind));
      bareRows.push(
        `| ${fmt(n)} | ${kind} | ${bare.n}/${n} | ${fmt(bare.p50)} | ${fmt(bare.p99)} | ${fmt(bare.max)} | ${fmt(activityLag.p99)} | ${fmt(activityLag.p99 / bare.p99, 2)} |`,
      );
      log(`bare N=${n}, ${kind}: lag p99 ${bare.p99} ms`);
    }
  }

  console.log(`## Deadline precision: N deadlines on the same instant

${machine()}; ${stack.cluster ? 'cluster mode (Temporal server on PostgreSQL, 4 history shards; two workers, two APIs)' : 'dev server (npm start)'}; worker: ${
    Object.entries(tuning)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'defaults (worker/create-worker.ts)'
  }; load average ${loadavg()[0]!.toFixed(1)} at the end; 24/7 calendar, urgent first response due \`lead\` after a common receivedAt, escalation to L2 at the breach.
Lag = moment − dueAt in ms. "Timer" is the \`escalated\` event's \`at\` (the workflow task that handled the timer); "activity" is when the
escalation activity started (its notification claim).

| N | lead | all acknowledged before due | escalated events | timer p50 | timer p99 | timer max | escalation activities | activity p50 | activity p99 | activity max |
|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

The limit on the same servers, right after each product run: N bare workflows sleeping until one instant, each then
running an activity, regular or local, that only notes the time (no store, no mail, no search attributes; worker in the
benchmark process).

| N | bare activity | activities | bare p50 | bare p99 | bare max | product activity p99 | product / bare p99 |
|---:|---|---:|---:|---:|---:|---:|---:|
${bareRows.join('\n')}

CPU ms per deadline by process, from the deadline until the last escalation activity had started:

| N | run | ${STACK_PROCESSES.join(' | ')} |
|---:|---|${STACK_PROCESSES.map(() => '---:').join('|')}|
${cpuRows.join('\n')}

Workflow tasks that timed out in the histories of each run (at most 1,000 workflows read): schedule-to-start timeouts
are tasks that waited on a sticky queue past the worker's sticky timeout and moved to the normal queue, whole history
and all.

| N | run | workflows read | with a timeout | schedule-to-start | start-to-close |
|---:|---|---:|---:|---:|---:|
${timeoutRows.join('\n')}

Goal: p99 < 1 s at 1,000 and < 5 s at 10,000 (activity start). Peers poll every 5 minutes: up to 300,000 ms late.
`);
} finally {
  await db.close();
  await stack.stop();
}
