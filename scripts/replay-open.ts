import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { workflowsPath } from '../worker/create-worker';
import { OPEN_RUNS, replayOpenTickets } from '../worker/replay-open';

/**
 * `npm run replay:open [-- --query "<visibility query>"]`: this checkout's workflow code replays the history of every
 * open ticket and broadcast of the desk it points at (TEMPORAL_ADDRESS / the embedded dev server's port, TEMPORAL_NAMESPACE), before
 * it is deployed there. Exits 1 if any run would fail (README, "Upgrades with tickets in flight").
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const at = process.argv.indexOf('--query');
  const query = at >= 0 ? process.argv[at + 1] : OPEN_RUNS;
  if (!query) throw new Error('--query needs a visibility query');
  const connection = await Connection.connect({ address: config.temporal.address }).catch((err: Error) => {
    throw new Error(
      `cannot reach Temporal at ${config.temporal.address} (TEMPORAL_ADDRESS, or TEMPORAL_PORT for the desk's own): ${err.message}`,
    );
  });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const check = await replayOpenTickets(client, { workflowsPath }, query);
    for (const f of check.failed) console.error(`FAILED ${f.workflowId}: ${f.error}`);
    console.log(`${check.replayed} open run(s) replayed, ${check.failed.length} failed`);
    return check.failed.length ? 1 : 0;
  } finally {
    await connection.close();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`[replay:open] ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
