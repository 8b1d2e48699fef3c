import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// What every provisioning step shares, apart from tools.ts, which imports the steps (chromium.ts,
// cluster-tools.ts).

export class MissingToolError extends Error {
  constructor(tool: string, remedy: string) {
    super(`missing tool: ${tool} — ${remedy}`);
    this.name = 'MissingToolError';
  }
}

export type Log = (line: string) => void;

export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Runs a build step, streaming its output with a prefix so a long first build shows progress. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; log: Log; label: string },
) {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tick = setInterval(
      () => opts.log(`${opts.label}: still working (${Math.round((Date.now() - started) / 1000)} s)…`),
      15_000,
    );
    const relay = (chunk: Buffer) => {
      for (const raw of chunk.toString().split('\n')) {
        const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trim();
        if (line) opts.log(`${opts.label}: ${line}`);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (err) => {
      clearInterval(tick);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(tick);
      if (code === 0) resolve();
      else reject(new Error(`${opts.label}: \`${cmd} ${args.join(' ')}\` exited with ${code}`));
    });
  });
}
