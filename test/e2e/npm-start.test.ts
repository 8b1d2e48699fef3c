import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/servers';
import { repoRoot } from '../../scripts/lib/tools';
import { apiClient } from '../support/http';
import { eventually } from '../support/wait';

/**
 * `npm start` as a new user runs it: the whole product comes up, takes a ticket, stops on Ctrl-C
 * leaving no process behind, and starts again with the ticket and its workflow intact.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-start-'));
let supervisor: ChildProcess | undefined;

afterAll(() => {
  if (supervisor?.pid && supervisor.exitCode === null) process.kill(-supervisor.pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function descendants(pid: number): number[] {
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

async function start(ports: Record<string, number>) {
  let output = '';
  // Its own process group, like a terminal's foreground job, so Ctrl-C reaches the whole group.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
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
      MONGODB_URI: '',
      SMTP_URL: '',
      ADMIN_API_KEY: '',
    },
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // The banner's last line: by then the admin key and the URLs above it are in the output too.
  await eventually(
    async () =>
      output.includes('Ctrl-C stops everything.') || (child.exitCode !== null && Promise.reject(new Error(output))),
    120_000,
    'npm start to be ready',
  );
  supervisor = child;
  return { child, output: () => output };
}

async function ctrlC(child: ChildProcess) {
  const tree = descendants(child.pid!);
  expect(tree.length).toBeGreaterThanOrEqual(4); // temporal, mongo, worker, api
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  await eventually(async () => tree.every((pid) => !alive(pid)), 20_000, 'every child to exit');
}

describe('npm start', () => {
  it('runs everything, stops cleanly on Ctrl-C, and keeps tickets across restarts', async () => {
    const ports = {
      api: await freePort(),
      temporal: await freePort(),
      ui: await freePort(),
      mongo: await freePort(),
      smtp: await freePort(),
      inbound: await freePort(),
    };
    const first = await start(ports);
    const adminKey = fs.readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
    expect(first.output()).toContain(adminKey);
    expect(first.output()).toContain(`http://localhost:${ports.ui}`);
    const api = apiClient(`http://127.0.0.1:${ports.api}`, adminKey);
    const created = await api.post('/api/v1/tickets', {
      subject: 'Survives restarts',
      description: 'd',
      category: 'bug',
      priority: 'high',
      customerEmail: 'keep@example.com',
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => (await api.get(`/api/v1/tickets/${created.body.id}`)).body.status === 'acknowledged',
      15_000,
      'acknowledgement',
    );
    expect(fs.readdirSync(path.join(dataDir, 'outbox')).length).toBeGreaterThanOrEqual(1);
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
    await ctrlC(first.child);

    const second = await start(ports);
    const again = await api.get(`/api/v1/tickets/${created.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('acknowledged');
    expect(again.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').dueAt).toBe(
      created.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').dueAt,
    );
    await ctrlC(second.child);
  }, 300_000);
});
