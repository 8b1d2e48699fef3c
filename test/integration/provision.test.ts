import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FERRETDB_STAMP, MissingToolError, provision, repoRoot, toolsDir } from '../../scripts/lib/tools';

const run = promisify(execFile);

describe('provisioning', () => {
  it('is idempotent: a second run finds everything and builds nothing', async () => {
    const lines: string[] = [];
    const first = await provision({ log: (l) => lines.push(l) });
    const stamps = [FERRETDB_STAMP, 'test-server.stamp'].map((f) => fs.statSync(path.join(toolsDir(), f)).mtimeMs);
    lines.length = 0;
    const second = await provision({ log: (l) => lines.push(l) });
    expect(second).toEqual(first);
    expect(lines.filter((l) => /building|fetching/.test(l))).toEqual([]);
    expect([FERRETDB_STAMP, 'test-server.stamp'].map((f) => fs.statSync(path.join(toolsDir(), f)).mtimeMs)).toEqual(
      stamps,
    );
    for (const bin of [second.temporal!, second.mongo!.path, second.testServer!]) {
      fs.accessSync(bin, fs.constants.X_OK);
    }
  });

  it('is safe when two runs race: both succeed with the same tools', async () => {
    const cli = ['--import', 'tsx', path.join(repoRoot, 'scripts/provision.ts')];
    const [a, b] = await Promise.all([
      run(process.execPath, cli, { cwd: repoRoot }),
      run(process.execPath, cli, { cwd: repoRoot }),
    ]);
    const tools = (out: string) => out.split('\n').filter((l) => /\] (temporal|mongo|time-skipping)/.test(l));
    expect(tools(a.stdout)).toHaveLength(3);
    expect(tools(a.stdout)).toEqual(tools(b.stdout));
    expect(fs.existsSync(path.join(toolsDir(), '.lock'))).toBe(false);
  });

  it('names the missing tool and what to install, without hanging, when it cannot build one', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-tools-'));
    const env = { ...process.env, PATH: '/nonexistent', SLA_DESK_TOOLS_DIR: empty, TEMPORAL_CLI_PATH: '' };
    const err = await provision({ env, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingToolError);
    expect((err as Error).message).toMatch(/^missing tool: temporal — .*Go/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('takes over a lock left behind by a killed run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-lock-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    // What a killed run leaves: the lock directory, no longer renewed (its mtime a minute old).
    fs.mkdirSync(path.join(dir, '.lock'));
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, '.lock'), minuteAgo, minuteAgo);
    const env = { ...process.env, SLA_DESK_TOOLS_DIR: dir };
    // With only the temporal CLI needed and TEMPORAL_CLI_PATH set, nothing is built: the test is about the lock.
    const tools = await provision({
      env: { ...env, TEMPORAL_CLI_PATH: process.execPath },
      need: { temporal: true, mongo: false, testServer: false, chromium: false, cluster: false },
      log: () => {},
    });
    expect(tools.temporal).toBe(process.execPath);
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
