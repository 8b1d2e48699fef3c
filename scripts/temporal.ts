import { spawn } from 'node:child_process';
import { loadConfig } from '../lib/config';
import { temporalArgs } from './lib/temporal-cli';
import { findTemporalCli, MissingToolError, provision, toolsDir } from './lib/tools';

/**
 * `npm run temporal -- <command>`: the Temporal CLI that `npm start` runs, pointed at the desk's Temporal.
 * The binary is the one provisioning uses (TEMPORAL_CLI_PATH, PATH, then the tools cache, built when missing);
 * commands that talk to a server get `--address` and `--namespace` from the same settings as the worker
 * (TEMPORAL_ADDRESS, else the embedded dev server's TEMPORAL_PORT; TEMPORAL_NAMESPACE) unless given.
 */

async function main(): Promise<number> {
  const config = loadConfig();
  const log = (line: string) => console.error(`[provision] ${line}`);
  const bin =
    findTemporalCli(toolsDir()) ??
    (
      await provision({
        need: { temporal: true, mongo: false, testServer: false, chromium: false, cluster: false },
        log,
      })
    ).temporal!;
  const child = spawn(bin, temporalArgs(process.argv.slice(2), config.temporal.address, config.temporal.namespace), {
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`[temporal] ${err instanceof MissingToolError ? err.message : ((err as Error).stack ?? err)}`);
  process.exitCode = 1;
}
