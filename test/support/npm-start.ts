import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { expect } from 'vitest';
import { freePort } from '../../scripts/lib/servers';
import { repoRoot } from '../../scripts/lib/tools';
import { eventually } from './wait';

/** `npm start` as a new user runs it, in its own data directory and on free ports (test/e2e). */

export interface ProductPorts {
  api: number;
  temporal: number;
  ui: number;
  mongo: number;
  smtp: number;
  inbound: number;
}

export async function freeProductPorts(): Promise<ProductPorts> {
  return {
    api: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    mongo: await freePort(),
    smtp: await freePort(),
    inbound: await freePort(),
  };
}

/** The settings `npm start` reads for this data directory and these ports, whatever the test run's own env says. */
export function productEnv(dataDir: string, ports: ProductPorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    MONGO_PORT: String(ports.mongo),
    SMTP_PORT: String(ports.smtp),
    INBOUND_SMTP_PORT: String(ports.inbound),
    WORKER_METRICS_PORT: '0',
    TEMPORAL_SDK_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: '',
    TEMPORAL_NAMESPACE: '',
    MONGODB_URI: '',
    SMTP_URL: '',
    ADMIN_API_KEY: '',
    SLA_CONFIG: '',
  };
}

/** Starts the supervisor and resolves once its banner is out (its last line: the admin key and URLs are above it). */
export async function startProduct(dataDir: string, ports: ProductPorts) {
  let output = '';
  // Its own process group, like a terminal's foreground job, so Ctrl-C reaches the whole group.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: productEnv(dataDir, ports),
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await eventually(
    async () =>
      output.includes('Ctrl-C stops everything.') || (child.exitCode !== null && Promise.reject(new Error(output))),
    120_000,
    'npm start to be ready',
  );
  return { child, output: () => output };
}

/** Every process below `pid`, read from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

const alive = (pid: number) =>
  fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

/** Ctrl-C in the terminal: SIGINT to the group; resolves once the supervisor and every child have exited. */
export async function ctrlC(child: ChildProcess) {
  const tree = descendants(child.pid!);
  expect(tree.length).toBeGreaterThanOrEqual(4); // temporal, mongo, worker, api
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  await eventually(async () => tree.every((pid) => !alive(pid)), 20_000, 'every child to exit');
}

/** For afterAll: whatever is left of a supervisor a failed test did not stop. */
export function killProduct(child: ChildProcess | undefined) {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}
