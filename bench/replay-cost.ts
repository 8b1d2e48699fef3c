import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';

/**
 * The workflow thread's cost of a ticket, without a server: the same scenarios recorded by two generations of the
 * code (test/histories/<folder>/ and the folder itself) replayed by today's bundle, in alternating rounds, so the
 * cost of the branches old runs keep and of today's is measured side by side.
 *
 *   npx tsx bench/replay-cost.ts                       (the previous generation's folder against today's)
 *   REPLAY_BEFORE=scope-review-reminder REPLAY_ROUNDS=10 npx tsx bench/replay-cost.ts
 */
const dir = fileURLToPath(new URL('../test/histories', import.meta.url));
const before = process.env.REPLAY_BEFORE ?? 'deadline-at-temporal-cost';
const rounds = Number(process.env.REPLAY_ROUNDS ?? 6);
const copies = Number(process.env.REPLAY_COPIES ?? 20);
const names = fs
  .readdirSync(path.join(dir, before))
  .filter((f) => f.endsWith('.json') && fs.existsSync(path.join(dir, f)));
const load = (folder: string) =>
  names.map((f) => historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, folder, f), 'utf8'))));
const sets = { before: load(before), today: load('.') };
const events = (h: ReturnType<typeof historyFromJSON>[]) => h.reduce((n, x) => n + (x.events?.length ?? 0), 0);
const workflowBundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
});

async function replay(histories: ReturnType<typeof historyFromJSON>[]): Promise<number> {
  const batch = Array.from({ length: copies }, (_, c) =>
    histories.map((history, i) => ({ workflowId: `w${c}-${i}`, history })),
  ).flat();
  const t0 = process.cpuUsage();
  for await (const r of Worker.runReplayHistories({ workflowBundle }, batch)) {
    if (r.error) throw r.error;
  }
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000 / batch.length;
}

const results: Record<keyof typeof sets, number[]> = { before: [], today: [] };
await replay(sets.today); // warm-up
for (let r = 0; r < rounds; r++) {
  for (const k of (r % 2 ? ['today', 'before'] : ['before', 'today']) as (keyof typeof sets)[]) {
    results[k].push(await replay(sets[k]));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `## Replay cost: ${names.length} scenarios recorded by two generations, ${rounds} rounds of ${copies} copies\n`,
);
console.log('| generation | events per history | CPU ms per history (median) | rounds |');
console.log('|---|---:|---:|---|');
for (const k of ['before', 'today'] as const) {
  const label = k === 'before' ? `before (${before}/)` : 'today (test/histories/)';
  console.log(
    `| ${label} | ${(events(sets[k]) / names.length).toFixed(1)} | ${median(results[k]).toFixed(2)} | ${results[k].map((x) => x.toFixed(1)).join(', ')} |`,
  );
}
console.log(`\ntoday / before: ${(median(results.today) / median(results.before)).toFixed(2)}`);
