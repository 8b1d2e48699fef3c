import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/http';
import { repoRoot } from '../../scripts/lib/tools';
import { ctrlC, freeProductPorts, killProduct, productEnv, startProduct } from '../support/npm-start';
import { eventually } from '../support/wait';

/**
 * `npm start` as a new user runs it: the whole product comes up, takes a ticket, stops on Ctrl-C
 * leaving no process behind, and starts again with the ticket and its workflow intact.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-start-'));
let supervisor: ChildProcess | undefined;

afterAll(() => {
  killProduct(supervisor);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start(ports: Awaited<ReturnType<typeof freeProductPorts>>) {
  const started = await startProduct(dataDir, ports);
  supervisor = started.child;
  return started;
}

describe('npm start', () => {
  it('runs everything, stops cleanly on Ctrl-C, and keeps tickets across restarts', async () => {
    const ports = await freeProductPorts();
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

  it('refuses to start on a port another process holds, naming its variable, and starts nothing', async () => {
    const ports = await freeProductPorts();
    const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-taken-'));
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.mongo, '127.0.0.1', () => resolve()));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: productEnv(emptyDir, ports),
      });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(output).toContain(`port ${ports.mongo} (MONGO_PORT) is in use by another process`);
      expect(output).not.toContain('starting Temporal dev server');
      expect(
        await new Promise((resolve) =>
          net
            .connect(ports.temporal, '127.0.0.1')
            .once('connect', () => resolve('open'))
            .once('error', () => resolve('closed')),
        ),
      ).toBe('closed');
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      fs.rmSync(emptyDir, { recursive: true, force: true });
    }
  }, 120_000);
});
